package org.securemail.transport;

import jakarta.mail.AuthenticationFailedException;
import org.securemail.policy.SecurityMode;

/**
 * The server rejected the credentials (for OAuth 2.0: also the fresh token asked for after the first rejection).
 * They were sent only inside TLS that met the policy. It extends Jakarta Mail's
 * {@link AuthenticationFailedException}, so existing handlers keep working.
 */
public final class CredentialsRejectedException extends AuthenticationFailedException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;

    /**
     * Creates the exception.
     *
     * @param host the server's host
     * @param port the server's port
     * @param mode the connection's mode
     * @param user the user name that was rejected (never the secret)
     * @param serverReply the server's reply, or null
     * @param cause the underlying exception, or null
     */
    public CredentialsRejectedException(String host, int port, SecurityMode mode, String user, String serverReply,
                                        Exception cause) {
        super(host + ":" + port + " rejected the credentials of " + user
                + (serverReply == null || serverReply.isBlank() ? "" : ": " + DeliveryException.oneLine(serverReply))
                + " (mode " + mode + "); check the user name and password or token; "
                + (mode == SecurityMode.INSECURE_CLEARTEXT ? "they were sent without TLS (insecure local development"
                + " mode)" : "they were sent only inside TLS"),
                cause);
        this.host = host;
        this.port = port;
    }

    /**

     * Returns the server's host.

     *

     * @return the server's host

     */
    public String host() {
        return host;
    }

    /**

     * Returns the server's port.

     *

     * @return the server's port

     */
    public int port() {
        return port;
    }
}
