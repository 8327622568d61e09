package org.securemail.transport;

import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.Handshake;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.SecurityMode;

/**
 * Thrown when SecureMail refuses a mail connection for security: the server (or something between it and us) did
 * not allow the protection the mode guarantees, or the TLS connection did not meet the policy. When it is thrown,
 * no credential, address or message byte has been sent outside TLS.
 *
 * <p>The message follows the form {@code <host>:<port> <what happened> (mode <MODE>); <what to do>}, for example
 * {@code mail.example.com:587 did not offer STARTTLS (mode STARTTLS_REQUIRED); the server or a network device
 * stripped it, nothing was sent}.
 */
public final class MailSecurityException extends MessagingException {
    private static final long serialVersionUID = 1L;

    /** What was refused. */
    public enum Reason {
        /** The server did not offer STARTTLS (SMTP, IMAP) or STLS (POP3) although the mode requires it. */
        STARTTLS_NOT_OFFERED,
        /** The server answered STARTTLS with an error, or STARTTLS was offered but failed in opportunistic mode. */
        STARTTLS_REFUSED,
        /** The server sent data after its STARTTLS go-ahead and before the TLS handshake (a command-injection attempt). */
        DATA_AFTER_STARTTLS,
        /** The TLS connection did not meet the policy; {@link #tlsRefusal()} holds the details. */
        TLS_REFUSED,
        /** After STARTTLS, the server failed to answer EHLO or CAPABILITY again, so nothing trustworthy is known of it. */
        CAPABILITIES_AFTER_STARTTLS_FAILED,
        /** The server asked for STARTTLS again on a connection that is already TLS. */
        STARTTLS_REPEATED,
        /** A command that must only travel inside TLS was stopped before it left (it never reached the network). */
        CLEARTEXT_COMMAND_BLOCKED,
        /**
         * A credential (AUTH, LOGIN, AUTHENTICATE, USER, PASS) was about to go where credentials never go: inside TLS
         * whose server was not authenticated, or in a mode that may run without TLS. It never left this machine.
         */
        CREDENTIALS_WITHHELD,
        /**
         * The server sent more than SecureMail reads: a line, a reply or an IMAP literal over the limits (tight before
         * TLS, where a few short replies are all a server needs to send). The connection was closed before the data was
         * read, so it could not exhaust memory.
         */
        OVERSIZED_REPLY,
        /** An IMAP server sent a PREAUTH greeting, which leaves no way to start TLS (RFC 9051). */
        PREAUTH_WITHOUT_TLS,
        /**
         * The session's properties were changed after SecureMail built it, in a way that could weaken it, or the
         * session was asked for a protocol it was not built for (a POP3 store from a session built for IMAP, say).
         */
        UNSAFE_CONFIGURATION
    }

    private final Reason reason;
    private final String protocol;
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final transient Handshake handshake;
    private final transient List<String> serverCapabilities;

    /**
     * Creates the exception.
     *
     * @param reason what was refused
     * @param protocol {@code "SMTP"}, {@code "IMAP"} or {@code "POP3"}
     * @param host the server's host
     * @param port the server's port
     * @param mode the connection's security mode
     * @param what what happened, appended to {@code "<host>:<port> "}
     * @param fix what to do, appended after the mode
     * @param handshake the TLS handshake, when one completed
     * @param serverCapabilities what the server announced (EHLO keywords, IMAP or POP3 capabilities)
     * @param cause the underlying exception, or null
     * @throws NullPointerException if a required argument is null
     */
    public MailSecurityException(Reason reason, String protocol, String host, int port, SecurityMode mode, String what,
                                 String fix, Handshake handshake, List<String> serverCapabilities, Exception cause) {
        super(Objects.requireNonNull(host, "host") + ":" + port + " " + Objects.requireNonNull(what, "what")
                + " (mode " + Objects.requireNonNull(mode, "mode") + ")" + (fix == null ? "" : "; " + fix), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.handshake = handshake;
        this.serverCapabilities = List.copyOf(serverCapabilities);
    }

    /**
     * Returns what was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the mail protocol of the refused connection.
     *
     * @return {@code "SMTP"}, {@code "IMAP"} or {@code "POP3"}
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
     * Returns the TLS handshake, when one completed before the refusal.
     *
     * @return the handshake, or empty
     */
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }

    /**
     * Returns what the server announced before the refusal: EHLO keywords for SMTP, capabilities for IMAP and POP3.
     *
     * @return an unmodifiable list, empty when nothing was announced
     */
    public List<String> serverCapabilities() {
        return serverCapabilities == null ? List.of() : serverCapabilities;
    }

    /**
     * Returns the TLS refusal behind a {@link Reason#TLS_REFUSED}, with its own reason, e.g.
     * {@link org.securemail.core.TlsRefusalReason#CERTIFICATE_EXPIRED}.
     *
     * @return the TLS refusal, or empty for the other reasons
     */
    public Optional<TlsRefusedException> tlsRefusal() {
        for (Throwable t = getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TlsRefusedException) {
                return Optional.of((TlsRefusedException) t);
            }
        }
        return Optional.empty();
    }
}
