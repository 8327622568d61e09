package org.securemail.transport;

import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.TlsRefusedException;

/**
 * Thrown when SecureMail refuses a mail connection for security: the server (or something between it and us) did
 * not allow the protection the mode guarantees, or the TLS connection did not meet the policy. When it is thrown,
 * no credential, address or message byte has been sent outside TLS.
 *
 * <p>The message follows the form {@code <host>:<port> <what happened> (mode <MODE>); <what to do>}, for example
 * {@code mail.example.com:587 did not offer STARTTLS (mode STARTTLS_REQUIRED); the server or a network device
 * stripped it, nothing was sent}.
 */
public final class MailSecurityException extends MessagingException implements MailFailure {
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
    private final transient MailEndpoint endpoint;
    private final transient List<String> serverCapabilities;

    /**
     * Creates the exception.
     *
     * @param reason what was refused
     * @param endpoint where, with the handshake when one completed
     * @param what what happened, appended to {@code "<host>:<port> "}
     * @param fix what to do, appended after the mode, or null
     * @param serverCapabilities what the server announced (EHLO keywords, IMAP or POP3 capabilities)
     * @param cause the underlying exception, or null
     * @throws NullPointerException if a required argument is null
     */
    public MailSecurityException(Reason reason, MailEndpoint endpoint, String what, String fix,
                                 List<String> serverCapabilities, Exception cause) {
        super(Objects.requireNonNull(endpoint, "endpoint").host() + ":" + endpoint.port() + " "
                + Objects.requireNonNull(what, "what") + " (mode " + endpoint.mode() + ")"
                + (fix == null ? "" : "; " + fix), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.endpoint = endpoint;
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

    @Override
    public MailEndpoint endpoint() {
        return endpoint;
    }

    /** Returns false: a security refusal happens again until the server, the network or the settings change. */
    @Override
    public boolean isRetryable() {
        return false;
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
