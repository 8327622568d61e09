package org.securemail.examples.recipes;

import jakarta.mail.MessagingException;
import org.securemail.transport.AmbiguousDeliveryException;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailFailure;
import org.securemail.transport.PermanentDeliveryException;

/**
 * What a mail queue does with a failed send, decided from SecureMail's failure types alone (docs/errors.md lists
 * every type and refusal reason): retry later, check before retrying, change the message, or change the
 * configuration.
 */
public final class FailureHandling {
    private FailureHandling() {
    }

    /** What to do next with a message whose send failed. */
    public enum Next {
        /** Retry the same send later: nothing was accepted and the failure may pass (4xx, timeout, lost connection). */
        RETRY_LATER,
        /** The server may already have the message: retrying may deliver it twice; check first, or accept that. */
        CHECK_BEFORE_RETRY,
        /** The message or its recipients were refused (5xx, or a header that could smuggle content): change them. */
        FIX_MESSAGE,
        /** Security refusal, rejected credentials, wrong mode or port: sending again as is fails again. */
        FIX_CONFIGURATION
    }

    /**
     * Decides what to do after {@code sender.send(message)} threw.
     *
     * @param failure what {@code send} threw
     * @return what to do next
     */
    public static Next next(MessagingException failure) {
        if (failure instanceof AmbiguousDeliveryException) {
            return Next.CHECK_BEFORE_RETRY;                       // isRetryable() is false: a retry may duplicate
        }
        if (failure instanceof MailFailure && ((MailFailure) failure).isRetryable()) {
            return Next.RETRY_LATER;                              // TransientDeliveryException, a lost connection
        }
        if (failure instanceof InvalidMessageException) {
            return Next.FIX_MESSAGE;                              // nothing was sent
        }
        if (failure instanceof PermanentDeliveryException
                && ((PermanentDeliveryException) failure).replyCode() >= 500) {
            return Next.FIX_MESSAGE;                              // the server refused sender, recipients or content
        }
        return Next.FIX_CONFIGURATION;                            // security refusal, credentials, wrong mode
    }
}
