package org.securemail.policy;

/**
 * How a mail connection gets its TLS, named for the guarantee each mode gives.
 */
public enum SecurityMode {
    /**
     * TLS from the first byte (RFC 8314 "implicit TLS": ports 465, 993, 995). The server is authenticated under the
     * policy before any protocol byte is exchanged. Preferred for submission and mailbox access.
     */
    IMPLICIT_TLS(true, true),
    /**
     * Cleartext greeting, then STARTTLS, which must succeed: if the server does not offer it, refuses it, or the
     * handshake fails the policy, the connection ends before any credential, address or message byte is sent
     * (RFC 3207, RFC 2595, RFC 9051). Everything learned before TLS is discarded.
     */
    STARTTLS_REQUIRED(true, true),
    /**
     * For relaying between mail servers only (RFC 7435): STARTTLS whenever the server offers it, accepting a
     * certificate that cannot be authenticated (recorded as unauthenticated) rather than falling back; cleartext only
     * when no STARTTLS is offered. Never carries credentials.
     */
    STARTTLS_OPPORTUNISTIC(false, false),
    /**
     * No TLS at all. Only for a local development relay; reachable only through APIs whose name says
     * {@code Insecure}, never from a default or a preset.
     */
    INSECURE_CLEARTEXT(false, false);

    private final boolean requiresTls;
    private final boolean authenticatesServer;

    SecurityMode(boolean requiresTls, boolean authenticatesServer) {
        this.requiresTls = requiresTls;
        this.authenticatesServer = authenticatesServer;
    }

    /**
     * Tells whether every connection in this mode is guaranteed to be encrypted.
     *
     * @return true for {@link #IMPLICIT_TLS} and {@link #STARTTLS_REQUIRED}
     */
    public boolean requiresTls() {
        return requiresTls;
    }

    /**
     * Tells whether a connection in this mode fails unless the server's certificate is authenticated under the
     * policy.
     *
     * @return true for {@link #IMPLICIT_TLS} and {@link #STARTTLS_REQUIRED}
     */
    public boolean authenticatesServer() {
        return authenticatesServer;
    }
}
