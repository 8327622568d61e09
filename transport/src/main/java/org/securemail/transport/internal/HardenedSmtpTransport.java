package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Angus Mail's SMTP transport, hardened. SecureMail registers it for "smtp" and "smtps" in every session it builds.
 * On top of the guarded sockets, it fixes what Angus does on its own (see FACTS.md):
 * <ul>
 *   <li>it refuses to connect if the session's properties were changed after SecureMail built them (A1, A2, A11);</li>
 *   <li>STARTTLS is required, never optional, in the TLS modes (A3), and never repeated on a TLS connection, so an
 *       AUTH answered with 530 cannot make Angus start TLS after the credentials left (A7);</li>
 *   <li>after STARTTLS, EHLO must succeed again, or the connection is refused rather than run on what the server
 *       said in cleartext (A8); data after the go-ahead is refused by the guarded socket (A9);</li>
 *   <li>MAIL FROM, RCPT TO and DATA are refused unless TLS is up and verified (or the mode allows cleartext);</li>
 *   <li>the message is checked before any byte of it is sent, and what is sent is the checked copy;</li>
 *   <li>a lost connection after the end of data is reported as ambiguous, not as a failure;</li>
 *   <li>the credentials come from SecureMail, and an OAuth 2.0 token rejected by the server is asked for once more.</li>
 * </ul>
 */
public class HardenedSmtpTransport extends SMTPTransport {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.smtp");
    private static final Logger DIALOGUE = LoggerFactory.getLogger("org.securemail.transport.smtp.dialogue");

    private final MailWiring wiring;
    private ConnectionContext ctx;
    private boolean authInProgress;
    private boolean inFinishData;
    private boolean finalDotSent;
    private boolean transactionStarted;
    private Address[] deliveredTo;
    private String finalReply;

    /**
     * Creates the transport; called by Jakarta Mail's {@link Session}.
     *
     * @param session a session SecureMail built
     * @param urlname the URL name
     */
    public HardenedSmtpTransport(Session session, URLName urlname) {
        // Angus takes its property prefix from the URL's protocol: getTransport("smtps") would read only mail.smtps.*,
        // which SecureMail never sets (FACTS A13). The mode alone decides between implicit TLS and STARTTLS.
        super(session, StoreNames.as("smtp", urlname), "smtp", wiringOf(session).mode() == SecurityMode.IMPLICIT_TLS);
        this.wiring = wiringOf(session);
    }

    private static MailWiring wiringOf(Session session) {
        Object w = session.getProperties().get(MailWiring.PROPERTY);
        if (!(w instanceof MailWiring)) {
            throw new IllegalStateException("HardenedSmtpTransport works only in a Session built by SecureMail"
                    + " (SecureMail.smtp(host)...buildSession())");
        }
        return (MailWiring) w;
    }

    /** @return the connection this transport opened, once connected */
    public Optional<ConnectionContext> connection() {
        return Optional.ofNullable(ctx);
    }

    /** @return the handshake of the current connection, when it is TLS */
    public Optional<Handshake> handshake() {
        return ctx == null ? Optional.empty() : ctx.handshake();
    }

    /** @return whether the last failed send had not yet begun a transaction (MAIL FROM not accepted) */
    public boolean failedBeforeTransaction() {
        return !transactionStarted;
    }

    /** @return the recipients the last message was delivered to */
    public Address[] deliveredTo() {
        return deliveredTo == null ? new Address[0] : deliveredTo.clone();
    }

    /** @return the server's reply to the end of the last message */
    public String finalReply() {
        return finalReply;
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        int p = port > 0 ? port : Integer.parseInt(session.getProperty("mail.smtp.port"));
        // The credentials given to SecureMail are for the session's host only; a caller's own may go anywhere (in TLS).
        String configuredHost = wiring.user() != null ? session.getProperty("mail.smtp.host") : null;
        MailSecurityException unsafe = StoreFailures.unsafeSession("SMTP", wiring, session.getProperties(),
                configuredHost, host, p);
        if (unsafe != null) {
            throw unsafe;
        }
        ConnectionContext attempt = new ConnectionContext(host, p, wiring.mode());
        String u = wiring.user() != null ? wiring.user() : user;
        boolean retried = false;
        while (true) {
            try (MailWiring.Scope scope = wiring.open(host, p)) {
                attempt = scope.context();
                ctx = attempt;
                String secret = wiring.user() != null ? wiring.secret() : password;
                boolean ok = super.protocolConnect(host, port, u, secret);
                if (ok) {
                    afterConnect();
                }
                return ok;
            } catch (AuthenticationFailedException e) {
                if (wiring.isOAuth2() && !retried && attempt.isTlsVerified()) {
                    retried = true;
                    LOG.info("SMTP {}:{} rejected the OAuth 2.0 token of {}; asking for a fresh token and retrying"
                            + " once", host, p, u);
                    continue;
                }
                throw Failures.smtpConnect(e, attempt, u);
            } catch (MessagingException e) {
                throw Failures.smtpConnect(e, attempt, u);
            } catch (IllegalStateException e) {
                throw new MessagingException("cannot connect to " + host + ":" + p + ": " + e.getMessage(), e);
            }
        }
    }

    private void afterConnect() throws MessagingException {
        if (wiring.mode().requiresTls() && !ctx.isTlsVerified()) {
            close();
            throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, "SMTP", ctx.host(),
                    ctx.port(), ctx.mode(), "connected without TLS", "this is a SecureMail bug: please report it",
                    null, ctx.cleartextReplies(), null);
        }
        if (LOG.isInfoEnabled()) {
            Optional<Handshake> h = ctx.handshake();
            LOG.info("SMTP connected to {}:{} mode={} {}", ctx.host(), ctx.port(), ctx.mode(),
                    h.map(x -> x.protocol().protocolName() + " " + x.cipherSuite().name()
                            + (x.isAuthenticated() ? "" : " UNAUTHENTICATED")).orElse("cleartext"));
        }
    }

    @Override
    public synchronized String getLocalHost() {
        String configured = session.getProperty("mail.smtp.localhost");
        if (configured != null && !configured.isEmpty()) {
            return configured;
        }
        return ctx == null ? "localhost" : ctx.localAddressLiteral().orElse("localhost");
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        boolean afterTls = ctx != null && ctx.isTlsVerified();
        boolean ok = super.ehlo(domain);
        if (afterTls && !ok) {
            throw new MailSecurityException(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED, "SMTP",
                    ctx.host(), ctx.port(), ctx.mode(), "failed EHLO after STARTTLS: " + lastReplyLine(),
                    "RFC 3207 requires a new EHLO inside TLS; SecureMail does not use what the server said before"
                            + " TLS, so the connection was closed", ctx.handshake().orElse(null),
                    ctx.cleartextReplies(), null);
        }
        return ok;
    }

    @Override
    protected void startTLS() throws MessagingException {
        if (ctx != null && ctx.handshake().isPresent()) {
            throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_REPEATED, "SMTP", ctx.host(),
                    ctx.port(), ctx.mode(), "asked for STARTTLS on a connection that is already TLS (" + lastReplyLine()
                    + ")", "the server is misconfigured; nothing more was sent", ctx.handshake().orElse(null),
                    ctx.cleartextReplies(), null);
        }
        try {
            super.startTLS();
        } catch (MessagingException e) {
            MailSecurityException sec = Failures.security(e, "SMTP", ctx, ctx.host(), ctx.port(), ctx.mode());
            if (sec != null) {
                throw sec;
            }
            if (getLastReturnCode() >= 400 && !Failures.isIo(e)) {
                throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_REFUSED, "SMTP", ctx.host(),
                        ctx.port(), ctx.mode(), "refused STARTTLS: " + lastReplyLine(),
                        "the server cannot start TLS now; nothing was sent", null, ctx.cleartextReplies(), e);
            }
            throw e;
        }
    }

    private String lastReplyLine() {
        String r = getLastServerResponse();
        return r == null ? "(no reply)" : r.trim().replaceAll("\\s*\\r?\\n\\s*", " | ");
    }

    /** Refuses a transaction command unless the connection is as secure as the mode promises. */
    private void requireSecureTransaction(String command) throws MessagingException {
        if (ctx == null) {
            throw new MessagingException("SMTP " + command + " outside a SecureMail connection");
        }
        boolean tls = ctx.isTlsVerified();
        boolean refuse = (wiring.mode().requiresTls() && !tls)
                || (wiring.mode() == SecurityMode.STARTTLS_OPPORTUNISTIC && !tls && ctx.startTlsAnnounced());
        if (refuse) {
            throw new MailSecurityException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED, "SMTP",
                    ctx.host(), ctx.port(), ctx.mode(), "refused to send " + command + " without TLS",
                    "nothing was sent", null, ctx.cleartextReplies(), null);
        }
    }

    @Override
    protected void mailFrom() throws MessagingException {
        requireSecureTransaction("MAIL FROM");
        super.mailFrom();
        transactionStarted = true;
    }

    @Override
    protected void rcptTo() throws MessagingException {
        requireSecureTransaction("RCPT TO");
        super.rcptTo();
    }

    @Override
    protected java.io.OutputStream data() throws MessagingException {
        requireSecureTransaction("DATA");
        return super.data();
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        inFinishData = true;
        try {
            super.finishData();
        } finally {
            inFinishData = false;
        }
    }

    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        if (inFinishData && cmd.equals(".")) {
            finalDotSent = true;
        }
        if (cmd.regionMatches(true, 0, "AUTH ", 0, 5)) {
            authInProgress = true;
        }
        if (DIALOGUE.isDebugEnabled()) {
            DIALOGUE.debug("{}:{} C: {}", ctx == null ? "?" : ctx.host(), ctx == null ? 0 : ctx.port(), redact(cmd));
        }
        super.sendCommand(cmd);
    }

    static String redact(String cmd) {
        if (cmd.regionMatches(true, 0, "AUTH ", 0, 5)) {
            String[] parts = cmd.split(" ", 3);
            return parts.length > 2 ? "AUTH " + parts[1] + " [credentials redacted]" : cmd;
        }
        return cmd;
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        int code = super.readServerResponse();
        if (DIALOGUE.isDebugEnabled()) {
            String reply = authInProgress && code == 334 ? "334 [challenge redacted]"
                    : String.valueOf(getLastServerResponse()).trim().replaceAll("\\s*\\r?\\n\\s*", " | ");
            DIALOGUE.debug("{}:{} S: {}", ctx == null ? "?" : ctx.host(), ctx == null ? 0 : ctx.port(), reply);
        }
        if (authInProgress && code != 334) {
            authInProgress = false;
        }
        return code;
    }

    @Override
    protected void notifyTransportListeners(int type, Address[] validSent, Address[] validUnsent, Address[] invalid,
                                            Message msg) {
        if (type == jakarta.mail.event.TransportEvent.MESSAGE_DELIVERED) {
            this.deliveredTo = validSent;
        }
        super.notifyTransportListeners(type, validSent, validUnsent, invalid, msg);
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        MessageHygiene.checkRecipients(addresses);
        PreparedMessage prepared = MessageHygiene.prepare(message);
        finalDotSent = false;
        transactionStarted = false;
        deliveredTo = null;
        finalReply = null;
        try {
            super.sendMessage(prepared, addresses);
            finalReply = getLastServerResponse();
        } catch (SMTPSendFailedException partial) {
            if (".".equals(partial.getCommand()) && partial.getReturnCode() == 250) {
                finalReply = partial.getMessage();
                deliveredTo = partial.getValidSentAddresses();
                throw partial; // delivered to the valid recipients; the others are in the exception
            }
            throw translate(partial);
        } catch (MessagingException e) {
            throw translate(e);
        }
    }

    private MessagingException translate(MessagingException e) {
        if (ctx == null) {
            return e;
        }
        return Failures.smtpSend(e, ctx, finalDotSent);
    }
}
