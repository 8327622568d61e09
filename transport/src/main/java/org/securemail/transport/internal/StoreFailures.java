package org.securemail.transport.internal;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.MailConnectionException;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;

/**
 * Turns what Jakarta Mail's IMAP and POP3 stores throw into SecureMail's typed failures: a security refusal, rejected
 * credentials, or a {@link MailConnectionException} that says what happened and what to do.
 */
public final class StoreFailures {

    /**
     * Carries an already typed failure through Angus code that only lets {@link IOException}s pass (for example
     * {@code IMAPStore.newIMAPProtocol}), so it can be found again in the chain Angus builds around it.
     */
    static final class Carrier extends IOException {
        private static final long serialVersionUID = 1L;

        Carrier(MessagingException typed) {
            super(typed.getMessage(), typed);
        }

        MessagingException typed() {
            return (MessagingException) getCause();
        }
    }

    private StoreFailures() {
    }

    static Carrier carry(MessagingException typed) {
        return new Carrier(typed);
    }

    /** Finds a typed failure carried anywhere in a failure's chain. */
    static MessagingException carried(Throwable failure) {
        for (Throwable t : Failures.chain(failure)) {
            if (t instanceof Carrier) {
                return ((Carrier) t).typed();
            }
        }
        return null;
    }

    /**
     * Finds a security refusal anywhere in a failure, including inside the synthetic BYE responses by which Angus's
     * IMAP code reports an I/O failure (their exception is not the cause of the ProtocolException that carries them),
     * and words it for mailbox access.
     */
    static MailSecurityException security(Throwable failure, MailProtocol protocol, ConnectionContext ctx, String host,
                                          int port, SecurityMode mode) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.add(failure);
        while (!todo.isEmpty() && seen.size() < 40) {
            Throwable next = todo.poll();
            if (!seen.add(next) || !(next instanceof Exception)) {
                continue;
            }
            MailSecurityException sec = Failures.security((Exception) next, protocol, ctx, host, port, mode);
            if (sec != null) {
                return reworded(sec, ctx);
            }
            for (Throwable t : Failures.chain(next)) {
                if (t instanceof ProtocolException && ((ProtocolException) t).getResponse() != null
                        && ((ProtocolException) t).getResponse().getException() != null) {
                    todo.add(((ProtocolException) t).getResponse().getException());
                }
            }
        }
        return null;
    }

    /**
     * A command the guarded socket stopped, known only by its message: Angus's POP3 code keeps the message of the
     * exception and drops the exception.
     */
    static MailSecurityException blocked(MailProtocol protocol, ConnectionContext ctx, String message,
            Exception cause) {
        return reworded(refusal(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED, protocol, ctx, message,
                "the command never left this machine; this is a SecureMail safeguard against a cleartext fallback",
                cause), ctx);
    }

    /** In insecure mode, a blocked command means the server offers STARTTLS: say so. */
    private static MailSecurityException reworded(MailSecurityException sec, ConnectionContext ctx) {
        if (sec.reason() == MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED && ctx != null
                && ctx.mode() == SecurityMode.INSECURE_CLEARTEXT && ctx.startTlsAnnounced()) {
            return new MailSecurityException(sec.reason(), sec.endpoint(),
                    "offers STARTTLS, so SecureMail refused to send the credentials in cleartext",
                    "use mode(SecurityMode.STARTTLS_REQUIRED); nothing was sent", sec.serverCapabilities(), sec);
        }
        return sec;
    }

    /**
     * Translates a failure to open a mailbox connection.
     *
     * @param protocol {@code "IMAP"} or {@code "POP3"}
     * @param failure what Angus threw
     * @param ctx the connection attempt
     * @param user the user name, for rejected credentials
     * @return the typed failure
     */
    static MessagingException connect(MailProtocol protocol, Exception failure, ConnectionContext ctx, String user) {
        MessagingException typed = carried(failure);
        if (typed != null) {
            return typed;
        }
        MailSecurityException sec = security(failure, protocol, ctx, ctx.host(), ctx.port(), ctx.mode());
        if (sec != null) {
            return sec;
        }
        if (failure instanceof AuthenticationFailedException && !Failures.isIo(failure)) {
            return new CredentialsRejectedException(ctx.endpoint(), user, failure.getMessage(), failure);
        }
        return io(protocol, failure, ctx, "could not open the " + protocol + " connection", "retry later");
    }

    /**
     * Translates a failure of an operation on an open mailbox.
     *
     * @param protocol {@code "IMAP"} or {@code "POP3"}
     * @param failure what Angus threw
     * @param ctx the connection, or null when unknown
     * @param host the host
     * @param port the port
     * @param mode the mode
     * @param what what was being done, e.g. "fetching messages"
     * @return the typed failure, or {@code failure} itself when it is a plain protocol answer (a folder that does not
     *     exist, a command the server refused)
     */
    public static MessagingException operation(MailProtocol protocol, MessagingException failure, ConnectionContext ctx,
                                        String host, int port, SecurityMode mode, String what) {
        MessagingException typed = carried(failure);
        if (typed != null) {
            return typed;
        }
        if (failure instanceof MailSecurityException || failure instanceof MailConnectionException
                || failure instanceof CredentialsRejectedException) {
            return failure;
        }
        MailSecurityException sec = security(failure, protocol, ctx, host, port, mode);
        if (sec != null) {
            return sec;
        }
        if (failure instanceof FolderClosedException || failure instanceof StoreClosedException
                || Failures.isIo(failure)) {
            ConnectionContext c = ctx != null ? ctx : new ConnectionContext(protocol, host, port, mode);
            return io(protocol, failure, c, "lost the " + protocol + " connection while " + what,
                    "open the folder again, or retry later");
        }
        return failure;
    }

    /** Translates a connection-level failure (refused, unknown host, timeout, closed) with a hint. */
    static MailConnectionException io(MailProtocol protocol, Exception failure, ConnectionContext ctx, String what,
                                      String fix) {
        String hint = fix;
        String happened = what;
        Handshake h0 = ctx.handshake().orElse(null);
        for (Throwable t : Failures.chain(failure)) {
            if (t instanceof WrongModeException) {
                return new MailConnectionException(ctx.endpoint(), t.getMessage(), ((WrongModeException) t).fix(),
                        false, failure);
            }
            if (t instanceof StepTimeoutException) {
                happened = t.getMessage() + ", so the connection was closed";
                hint = "retry later, or raise the limits with timeouts(...)";
                break;
            }
            if (t instanceof UnknownHostException) {
                hint = "the host name " + ctx.host() + " does not resolve; check it";
                break;
            }
            if (t instanceof ConnectException) {
                hint = "nothing accepts connections on port " + ctx.port() + "; check the host and port, or retry"
                        + " later";
                break;
            }
            String m = t.getMessage();
            if (t instanceof SocketTimeoutException
                    || (m != null && m.toLowerCase(Locale.ROOT).contains("timed out"))) {
                happened = "did not answer in time";
                boolean noGreeting = ctx.mode() != SecurityMode.IMPLICIT_TLS
                        && ctx.mode() != SecurityMode.INSECURE_CLEARTEXT && ctx.cleartextReplies().isEmpty()
                        && !ctx.isTlsVerified();
                if (noGreeting) {
                    happened += " and sent no greeting";
                    hint = "if port " + ctx.port() + " expects implicit TLS (usually 993 for IMAP, 995 for POP3), use"
                            + " mode(SecurityMode.IMPLICIT_TLS); otherwise retry later";
                } else {
                    hint = "retry later, or raise the read timeout with timeouts(...)";
                }
                break;
            }
        }
        Handshake h = ctx.handshake().orElse(null);
        return new MailConnectionException(ctx.endpoint(), happened, hint, true, failure);
    }

    /** A server that offers no authentication mechanism SecureMail may use with the configured credentials. */
    static MailConnectionException noMechanism(MailProtocol protocol, ConnectionContext ctx, String what, String fix) {
        return new MailConnectionException(ctx.endpoint(), what, fix, false, null);
    }

    /** A refusal for security, at this connection. */
    static MailSecurityException refusal(MailSecurityException.Reason reason, MailProtocol protocol,
            ConnectionContext ctx,
                                         String what, String fix, Exception cause) {
        List<String> caps = ctx.cleartextReplies();
        return new MailSecurityException(reason, ctx.endpoint(), what, fix, caps, cause);
    }

    /** The property or host check every hardened store runs before it connects. */
    static MailSecurityException unsafeSession(MailProtocol protocol, MailWiring wiring, java.util.Properties actual,
                                               String configuredHost, String host, int port) {
        String lower = protocol.name().toLowerCase(Locale.ROOT);
        String unsafe = MailProperties.firstUnsafeChange(lower, wiring.expected(), actual);
        if (unsafe != null) {
            return new MailSecurityException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                    MailEndpoint.of(protocol, host, port, wiring.mode()), "was not contacted: the session property "
                    + unsafe + " was changed after" + " SecureMail built the session",
                    "build a new session with SecureMail instead of" + " changing its properties", List.of(), null);
        }
        if (configuredHost != null && host != null && !configuredHost.equalsIgnoreCase(host)) {
            return new MailSecurityException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                    MailEndpoint.of(protocol, host, port, wiring.mode()),
                    "was not contacted: this session was built for " + configuredHost
                    + " and its credentials are for that server only", "build a session for " + host
                    + " with SecureMail." + lower + "(\"" + host + "\")", List.of(), null);
        }
        return null;
    }
}
