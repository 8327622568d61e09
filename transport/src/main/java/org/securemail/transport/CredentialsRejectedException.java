package org.securemail.transport;

import jakarta.mail.AuthenticationFailedException;
import java.util.Objects;
import org.securemail.transport.internal.Failures;
import org.securemail.policy.SecurityMode;

/**
 * The server rejected the credentials (for OAuth 2.0: also the fresh token asked for after the first rejection).
 * They were sent only inside TLS that met the policy. It extends Jakarta Mail's
 * {@link AuthenticationFailedException}, so existing handlers keep working.
 */
public final class CredentialsRejectedException extends AuthenticationFailedException implements MailFailure {
    private static final long serialVersionUID = 1L;

    private final transient MailEndpoint endpoint;
    private final String user;
    private final String serverReply;

    /**
     * Creates the exception.
     *
     * @param endpoint where, with the handshake
     * @param user the user name that was rejected (never the secret)
     * @param serverReply the server's reply, or null
     * @param cause the underlying exception, or null
     * @throws NullPointerException if {@code endpoint} is null
     */
    public CredentialsRejectedException(MailEndpoint endpoint, String user, String serverReply, Exception cause) {
        super(Objects.requireNonNull(endpoint, "endpoint").host() + ":" + endpoint.port()
                + " rejected the credentials of " + user
                + (serverReply == null || serverReply.isBlank() ? "" : ": " + Failures.oneLine(serverReply))
                + " (mode " + endpoint.mode() + "); check the user name and password or token; "
                + (endpoint.mode() == SecurityMode.INSECURE_CLEARTEXT ? "they were sent without TLS (insecure local"
                + " development mode, to this machine only)" : "they were sent only inside TLS"), cause);
        this.endpoint = endpoint;
        this.user = user;
        this.serverReply = serverReply == null ? null : Failures.oneLine(serverReply);
    }

    @Override
    public MailEndpoint endpoint() {
        return endpoint;
    }

    /** Returns false: the same credentials will be rejected again. */
    @Override
    public boolean isRetryable() {
        return false;
    }

    /**
     * Returns the user name that was rejected.
     *
     * @return the user name
     */
    public String user() {
        return user;
    }

    /**
     * Returns the server's reply to the credentials, on one line, when there was one.
     *
     * @return the reply, or empty
     */
    public java.util.Optional<String> serverReply() {
        return java.util.Optional.ofNullable(serverReply);
    }
}
