package org.securemail.transport;

import jakarta.mail.Address;

/**
 * The message was not delivered, for a reason that may pass: a 4xx reply, a connection refused or lost before the
 * message was complete, a timeout before the end of the data. Retry later; nothing was accepted.
 */
public final class TransientDeliveryException extends DeliveryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param endpoint where, with the handshake when one completed
     * @param what what happened
     * @param replyCode the server's reply code, or -1 when there was no reply
     * @param serverReply the server's reply text, or null
     * @param fix what to do, or null
     * @param cause the underlying exception, or null
     * @param validUnsent addresses that were valid but not sent to, or null
     * @param invalid addresses the server rejected, or null
     * @throws NullPointerException if {@code endpoint} or {@code what} is null
     */
    public TransientDeliveryException(MailEndpoint endpoint, String what, int replyCode, String serverReply, String fix,
            Exception cause, Address[] validUnsent, Address[] invalid) {
        super(endpoint, what, replyCode, serverReply, fix, cause, validUnsent, invalid);
    }

    /** Returns true: the message was not delivered, and the failure may pass; retry later. */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
