package org.securemail.transport;

import java.util.Objects;
import java.util.Optional;
import org.securemail.policy.SecurityMode;

/**
 * The mail protocols SecureMail speaks, with the facts that depend on them: the default port of each security mode
 * (RFC 8314 for implicit TLS, RFC 6409 for submission) and the command that starts TLS.
 */
public enum MailProtocol {
    /** SMTP (RFC 5321): implicit TLS on 465, STARTTLS on 587 (submission) or 25 (relay), STARTTLS (RFC 3207). */
    SMTP(465, 587, 25, "STARTTLS"),
    /** IMAP (RFC 9051): implicit TLS on 993, STARTTLS on 143. */
    IMAP(993, 143, 143, "STARTTLS"),
    /** POP3 (RFC 1939): implicit TLS on 995, STLS on 110 (RFC 2595). */
    POP3(995, 110, 110, "STLS");

    private final int implicitPort;
    private final int startTlsPort;
    private final int cleartextPort;
    private final String startTlsCommand;

    MailProtocol(int implicitPort, int startTlsPort, int cleartextPort, String startTlsCommand) {
        this.implicitPort = implicitPort;
        this.startTlsPort = startTlsPort;
        this.cleartextPort = cleartextPort;
        this.startTlsCommand = startTlsCommand;
    }

    /**
     * Returns the port a client uses in a mode when none is set: the implicit-TLS port for
     * {@link SecurityMode#IMPLICIT_TLS}, the submission or STARTTLS port for {@link SecurityMode#STARTTLS_REQUIRED},
     * and the relay port (25 for SMTP) for the opportunistic and insecure modes.
     *
     * @param mode the security mode
     * @return the port
     * @throws NullPointerException if {@code mode} is null
     */
    public int defaultPort(SecurityMode mode) {
        switch (Objects.requireNonNull(mode, "mode")) {
            case IMPLICIT_TLS:
                return implicitPort;
            case STARTTLS_REQUIRED:
                return startTlsPort;
            default:
                return cleartextPort;
        }
    }

    /**
     * Returns the command that starts TLS on a cleartext connection.
     *
     * @return {@code STARTTLS}, or {@code STLS} for POP3
     */
    public String startTlsCommand() {
        return startTlsCommand;
    }

    /**
     * Tells whether a port is one this protocol uses with implicit TLS (465, 993, 995 for their protocols).
     *
     * @param port the port
     * @return true for the protocol's implicit-TLS port
     */
    public boolean isImplicitTlsPort(int port) {
        return port == implicitPort;
    }

    /**
     * Tells whether a port is one this protocol uses in cleartext first (25 and 587 for SMTP, 143, 110).
     *
     * @param port the port
     * @return true for the protocol's STARTTLS or relay port
     */
    public boolean isCleartextFirstPort(int port) {
        return port == startTlsPort || port == cleartextPort;
    }

    /**
     * Returns the protocol a well-known port belongs to: 25, 465 and 587 SMTP; 143 and 993 IMAP; 110 and 995 POP3.
     *
     * @param port the port
     * @return the protocol, or empty for any other port
     */
    public static Optional<MailProtocol> forWellKnownPort(int port) {
        for (MailProtocol p : values()) {
            if (p.isImplicitTlsPort(port) || p.isCleartextFirstPort(port)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
