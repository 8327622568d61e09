package org.securemail.transport;

import jakarta.mail.MessagingException;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;

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
public final class MailConnectionException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final String protocol;
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final boolean retryable;
    private final transient Handshake handshake;

    /**
     * Creates the exception.
     *
     * @param protocol {@code "IMAP"} or {@code "POP3"}
     * @param host the server's host
     * @param port the server's port
     * @param mode the connection's security mode
     * @param what what happened, appended to {@code "<host>:<port> "}
     * @param fix what to do, appended after the mode, or null
     * @param retryable whether the same call may succeed later (a timeout, a lost connection)
     * @param handshake the TLS handshake, when one completed
     * @param cause the underlying exception, or null
     * @throws NullPointerException if {@code protocol}, {@code host}, {@code mode} or {@code what} is null
     */
    public MailConnectionException(String protocol, String host, int port, SecurityMode mode, String what, String fix,
                                   boolean retryable, Handshake handshake, Exception cause) {
        super(Objects.requireNonNull(host, "host") + ":" + port + " " + Objects.requireNonNull(what, "what")
                + " (mode " + Objects.requireNonNull(mode, "mode") + ")" + (fix == null ? "" : "; " + fix), cause);
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.retryable = retryable;
        this.handshake = handshake;
    }

    /**
     * Returns the mail protocol of the connection.
     *
     * @return {@code "IMAP"} or {@code "POP3"}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * Returns the server's host.
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * Returns the server's port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the connection's security mode.
     *
     * @return the mode
     */
    public SecurityMode mode() {
        return mode;
    }

    /**
     * Tells whether the same call may succeed later: true for timeouts, refused or lost connections; false when the
     * server cannot do what was asked (for example, it offers no authentication mechanism SecureMail may use).
     *
     * @return whether retrying makes sense
     */
    public boolean isRetryable() {
        return retryable;
    }

    /**
     * Returns the TLS handshake of the connection, when TLS was up.
     *
     * @return the handshake, or empty
     */
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }
}
