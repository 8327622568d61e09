package org.securemail.transport;

import jakarta.mail.MessagingException;
import java.util.Objects;

/**
 * A mailbox connection (IMAP or POP3) could not be opened or was lost, or the server cannot do what was asked in a
 * way that is not about security: nothing answers on the port, the server did not answer in time, it closed the
 * connection, it offers no authentication mechanism SecureMail may use. Security refusals are
 * {@link MailSecurityException}s and rejected credentials {@link CredentialsRejectedException}s instead.
 *
 * <p>The message follows the form {@code <host>:<port> <what happened> (mode <MODE>); <what to do>}, for example
 * {@code imap.example.com:993 did not answer in time (mode IMPLICIT_TLS); retry later, or raise the read timeout with
 * timeouts(...)}. {@link #isRetryable()} tells whether the same call may succeed later.
 */
public final class MailConnectionException extends MessagingException implements MailFailure {
    private static final long serialVersionUID = 1L;

    private final transient MailEndpoint endpoint;
    private final boolean retryable;

    /**
     * Creates the exception.
     *
     * @param endpoint where, with the handshake when one completed
     * @param what what happened, appended to {@code "<host>:<port> "}
     * @param fix what to do, or null
     * @param retryable whether retrying later may succeed
     * @param cause the underlying exception, or null
     * @throws NullPointerException if {@code endpoint} or {@code what} is null
     */
    public MailConnectionException(MailEndpoint endpoint, String what, String fix, boolean retryable,
                                   Exception cause) {
        super(Objects.requireNonNull(endpoint, "endpoint").host() + ":" + endpoint.port() + " "
                + Objects.requireNonNull(what, "what") + " (mode " + endpoint.mode() + ")"
                + (fix == null ? "" : "; " + fix), cause);
        this.endpoint = endpoint;
        this.retryable = retryable;
    }

    @Override
    public MailEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
