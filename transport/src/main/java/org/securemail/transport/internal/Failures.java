package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.core.Handshake;
import org.securemail.core.TlsRefusalReason;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.AmbiguousDeliveryException;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.PermanentDeliveryException;
import org.securemail.transport.TransientDeliveryException;

/**
 * Turns what Jakarta Mail throws into SecureMail's typed failures: a security refusal, transient, permanent or
 * ambiguous delivery failures, rejected credentials; each saying what happened, where, and what to do.
 */
public final class Failures {
    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\r?\\n\\s*");
    private static final Pattern REPLY_CODE = Pattern.compile("(?:response: |^)([2-5]\\d\\d)[ -]");

    private Failures() {
    }

    /** Walks causes and chained exceptions. */
    static List<Throwable> chain(Throwable t) {
        List<Throwable> all = new ArrayList<>();
        while (t != null && !all.contains(t) && all.size() < 20) {
            all.add(t);
            Throwable next = t instanceof MessagingException && ((MessagingException) t).getNextException() != null
                    ? ((MessagingException) t).getNextException() : t.getCause();
            t = next;
        }
        return all;
    }

    /**
     * Finds a security refusal anywhere in a failure and returns it as a {@link MailSecurityException}.
     *
     * @param failure what Jakarta Mail threw
     * @param protocol the protocol name for messages
     * @param ctx the connection, or null
     * @param host the host
     * @param port the port
     * @param mode the mode
     * @return the security exception, or null when the failure is not about security
     */
    public static MailSecurityException security(Exception failure, MailProtocol protocol, ConnectionContext ctx,
                                                 String host, int port, SecurityMode mode) {
        List<String> caps = ctx == null ? List.of() : ctx.cleartextReplies();
        Handshake h = ctx == null ? null : ctx.handshake().orElse(null);
        for (Throwable t : chain(failure)) {
            if (t instanceof MailSecurityException) {
                return (MailSecurityException) t;
            }
            if (t instanceof GuardException) {
                GuardException g = (GuardException) t;
                return new MailSecurityException(g.reason(), MailEndpoint.of(protocol, host, port,
                        mode).withHandshake(h), g.getMessage(), g.fix(), caps, failure);
            }
            if (t instanceof TlsRefusedException) {
                TlsRefusedException r = (TlsRefusedException) t;
                return new MailSecurityException(MailSecurityException.Reason.TLS_REFUSED, MailEndpoint.of(protocol,
                        host, port, mode).withHandshake(r.handshake().orElse(h)), "refused the TLS connection ("
                        + r.reason() + "): " + tlsDetail(r), portHint(r, ctx, port, mode), caps, failure);
            }
        }
        return null;
    }

    private static String tlsDetail(TlsRefusedException r) {
        String m = r.getMessage();
        String prefix = r.host() + ":" + r.port() + " ";
        String suffix = " (mode " + r.mode() + ")";
        if (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        if (m.endsWith(suffix)) {
            m = m.substring(0, m.length() - suffix.length());
        }
        return m;
    }

    private static String portHint(TlsRefusedException r, ConnectionContext ctx, int port, SecurityMode mode) {
        if (r.reason() != TlsRefusalReason.HANDSHAKE_FAILED || mode != SecurityMode.IMPLICIT_TLS) {
            return null;
        }
        boolean greeted = ctx != null && ctx.greetedInCleartext();
        if (greeted || port == 587 || port == 25 || port == 143 || port == 110) {
            return (greeted ? "the server greeted in cleartext: " : "") + "port " + port + " usually speaks cleartext"
                    + " first: use mode(SecurityMode.STARTTLS_REQUIRED), or the implicit-TLS port (465, 993, 995)";
        }
        return null;
    }

    /**
     * Translates a failure to open an SMTP connection.
     *
     * @param e what Jakarta Mail threw
     * @param ctx the connection
     * @param user the user name, for rejected credentials
     * @return the typed failure
     */
    public static MessagingException smtpConnect(MessagingException e, ConnectionContext ctx, String user) {
        MailSecurityException sec = security(e, MailProtocol.SMTP, ctx, ctx.host(), ctx.port(), ctx.mode());
        if (sec != null) {
            return sec;
        }
        WrongModeException wrong = find(e, WrongModeException.class);
        if (wrong != null) {
            return new PermanentDeliveryException(ctx.endpoint(), wrong.getMessage(), -1, null, wrong.fix(), e, null,
                    null);
        }
        String text = String.valueOf(e.getMessage());
        if (text.startsWith("STARTTLS is required but host does not support STARTTLS")) {
            return notOffered(MailProtocol.SMTP, ctx, "STARTTLS");
        }
        if (e instanceof AuthenticationFailedException) {
            return new CredentialsRejectedException(ctx.endpoint(), user, e.getMessage(), e);
        }
        Matcher m = REPLY_CODE.matcher(text);
        if (text.startsWith("Got bad greeting") && m.find()) {
            int code = Integer.parseInt(m.group(1));
            String reply = text.substring(text.indexOf("response: ") + 10);
            return code >= 500
                    ? new PermanentDeliveryException(ctx.endpoint(), "refused the connection", code, reply,
                            "the server does not accept mail from this client", e, null, null)
                    : new TransientDeliveryException(ctx.endpoint(), "refused the connection for" + " now", code,
                            reply, "retry later", e, null, null);
        }
        return ioFailure(e, ctx, "could not open the SMTP connection", "retry later; nothing was sent");
    }

    static MailSecurityException notOffered(MailProtocol protocol, ConnectionContext ctx, String command) {
        return new MailSecurityException(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, ctx.endpoint(),
                "did not offer " + command, "the server or a network device stripped it; nothing was sent"
                + (ctx.port() == 465 || ctx.port() == 993 || ctx.port() == 995 ? "; port " + ctx.port()
                + " expects implicit TLS: use" + " mode(SecurityMode.IMPLICIT_TLS)" : ""), ctx.cleartextReplies(),
                null);
    }

    /** Translates a connection-level I/O failure into a transient failure with a hint. */
    static TransientDeliveryException ioFailure(Exception e, ConnectionContext ctx, String what, String fix) {
        String hint = fix;
        String happened = what;
        for (Throwable t : chain(e)) {
            if (t instanceof StepTimeoutException) {
                happened = t.getMessage() + ", so the connection was closed";
                hint = fix + "; if the server is just slow, raise the limits with timeouts(...)";
                break;
            }
            if (t instanceof UnknownHostException) {
                hint = "the host name " + ctx.host() + " does not resolve; check it";
                break;
            }
            if (t instanceof ConnectException) {
                hint = "nothing accepts connections on port " + ctx.port()
                        + "; check the host and port, or retry later";
                break;
            }
            if (t instanceof SocketTimeoutException) {
                hint = "the server did not answer in time; retry later, or raise the read timeout with timeouts(...)";
                break;
            }
        }
        return new TransientDeliveryException(ctx.endpoint(), happened, -1, null, hint, e, null, null);
    }

    /** Finds an exception of a type in a failure's chain. */
    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t : chain(e)) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Returns a server reply on one line: trimmed, each line break (with the spaces around it) shown as " | ".
     *
     * @param s the reply, or null
     * @return the flattened reply, "" for null
     */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.trim();
        return t.indexOf('\n') < 0 ? t : LINE_BREAK.matcher(t).replaceAll(" | ");
    }

    /**
     * The server refused the sender (MAIL FROM).
     *
     * @param ctx the connection
     * @param code the reply code, or -1
     * @param reply the reply
     * @return the typed failure
     */
    static MessagingException senderRefused(ConnectionContext ctx, int code, String reply) {
        String fix = code == 530 ? "the server requires authentication: configure credentials(...)"
                : "check the sender address and that this account may use it";
        return byCode(ctx, "rejected the sender (MAIL FROM)", code, reply, fix, ctx.handshake().orElse(null), null,
                null, null);
    }

    /**
     * The server refused DATA although it accepted recipients.
     *
     * @param ctx the connection
     * @param code the reply code, or -1
     * @param reply the reply
     * @return the typed failure
     */
    static MessagingException dataRefused(ConnectionContext ctx, int code, String reply) {
        return byCode(ctx, "refused DATA", code, reply, "retry later", ctx.handshake().orElse(null), null, null, null);
    }

    /**
     * The server refused the message after receiving all of it.
     *
     * @param ctx the connection
     * @param code the reply code
     * @param reply the reply
     * @param accepted the recipients it had accepted
     * @return the typed failure
     */
    static MessagingException contentRefused(ConnectionContext ctx, int code, String reply,
                                             List<InternetAddress> accepted) {
        Address[] unsent = accepted.toArray(new Address[0]);
        return byCode(ctx, "rejected the message after receiving it", code, reply,
                code >= 500 ? "the server refused the content (size, policy or spam rules)" : "retry later",
                ctx.handshake().orElse(null), null, unsent, null);
    }

    /**
     * The server refused every recipient: transient when every refusal was a 4xx, permanent otherwise.
     *
     * @param ctx the connection
     * @param rejected each recipient with its reply
     * @return the typed failure
     */
    static MessagingException recipientsRefused(ConnectionContext ctx,
                                                Map<InternetAddress, SmtpOutcome.Rejection> rejected) {
        boolean allTransient = true;
        StringBuilder replies = new StringBuilder();
        int firstCode = -1;
        String firstReply = null;
        List<Address> unsent = new ArrayList<>();
        List<Address> invalid = new ArrayList<>();
        for (Map.Entry<InternetAddress, SmtpOutcome.Rejection> r : rejected.entrySet()) {
            int code = r.getValue().code();
            if (firstCode < 0) {
                firstCode = code;
                firstReply = r.getValue().reply();
            }
            boolean transientReply = code >= 400 && code < 500;
            allTransient &= transientReply;
            (transientReply ? unsent : invalid).add(r.getKey());
            if (replies.length() > 0) {
                replies.append("; ");
            }
            replies.append(r.getKey().getAddress()).append(": ").append(r.getValue().reply());
        }
        String what = "rejected every recipient (" + replies + ")";
        Handshake h = ctx.handshake().orElse(null);
        Address[] u = unsent.toArray(new Address[0]);
        Address[] i = invalid.toArray(new Address[0]);
        return allTransient && firstCode > 0
                ? new TransientDeliveryException(ctx.endpoint(), what, firstCode, firstReply, "retry later", null, u, i)
                : new PermanentDeliveryException(ctx.endpoint(), what, firstCode, firstReply,
                        "check the recipient addresses", null, u, i);
    }

    /**
     * Translates a failure of a transaction that is not a server reply: a refusal at the wire, or a lost connection.
     *
     * @param e what failed
     * @param ctx the connection
     * @param finalDotSent whether the end of data had been sent when it failed
     * @return the typed failure
     */
    public static MessagingException smtpSend(MessagingException e, ConnectionContext ctx, boolean finalDotSent) {
        MailSecurityException sec = security(e, MailProtocol.SMTP, ctx, ctx.host(), ctx.port(), ctx.mode());
        if (sec != null) {
            return sec;
        }
        if (finalDotSent) {
            StepTimeoutException late = find(e, StepTimeoutException.class);
            return ambiguous(ctx, e, late != null ? late.getMessage() + " after the whole message was sent, before the"
                    + " server confirmed it" : "the connection was lost after the whole message was sent, before the"
                    + " server confirmed it");
        }
        return ioFailure(e, ctx, "lost the connection before the message was complete",
                "the message was not delivered (an incomplete message is discarded by the server); retry");
    }

    static MessagingException byCode(ConnectionContext ctx, String what, int code, String reply, String fix,
                                             Handshake h, Exception e, Address[] unsent, Address[] invalid) {
        if (code >= 500) {
            return new PermanentDeliveryException(ctx.endpoint(), what, code, reply, fix, e, unsent, invalid);
        }
        if (code >= 400) {
            return new TransientDeliveryException(ctx.endpoint(), what, code, reply, "retry later", e, unsent, invalid);
        }
        return ioFailure(e == null ? new MessagingException(what) : e, ctx, what + (code < 0 ? " (no reply)"
                : " (reply " + code + ")"), "retry");
    }

    private static AmbiguousDeliveryException ambiguous(ConnectionContext ctx, Exception e, String what) {
        return new AmbiguousDeliveryException(ctx.endpoint(), what, -1, null,
                "the server may or may not have accepted the message: retrying may deliver it twice", e, null, null);
    }

    /** Whether a failure happened at the I/O level (not a reply): it is or wraps an I/O failure or a timeout. */
    static boolean isIo(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof IOException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("timed out")) {
                return true;
            }
        }
        return false;
    }
}
