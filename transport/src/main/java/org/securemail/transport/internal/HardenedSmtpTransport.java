package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.event.TransportEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.PermanentDeliveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Angus Mail's SMTP transport, hardened. SecureMail registers it for "smtp" and "smtps" in every session it builds.
 * Angus opens the connection (greeting, EHLO, STARTTLS, AUTH) on SecureMail's guarded sockets; SecureMail runs the
 * mail transaction itself. On top of the guarded sockets, it fixes what Angus does on its own (each behaviour is
 * described in docs/angus-behaviours.md):
 * <ul>
 *   <li>it refuses to connect if the session's properties were changed after SecureMail built them, or to a host
 *       other than the session's when any credentials would be sent (SecureMail's or the caller's own), or with a
 *       caller's credentials in a mode that never carries them;</li>
 *   <li>STARTTLS is required, never optional, in the TLS modes, and never repeated on a TLS connection, so an AUTH
 *       answered with 530 cannot make Angus start TLS after the credentials left;</li>
 *   <li>after STARTTLS, EHLO must succeed again, or the connection is refused rather than run on what the server
 *       said in cleartext; data after the go-ahead is refused by the guarded socket;</li>
 *   <li>the transaction (MAIL FROM, RCPT TO, DATA, the content, the final dot) is SecureMail's: the envelope was
 *       checked before connecting ({@link Envelope}) and its command bytes are exactly those addresses; the content is
 *       the bytes {@link MessageCapture} checked and captured in one pass; commands are pipelined where the server
 *       offers PIPELINING (RFC 2920); each recipient's reply is kept, a 4xx as transient;</li>
 *   <li>MAIL FROM, RCPT TO and DATA are refused unless TLS is up and verified (or the mode allows cleartext);</li>
 *   <li>a lost connection after the end of data is reported as ambiguous, and {@link #close()} never replaces that
 *       outcome with a failed QUIT;</li>
 *   <li>the credentials come from SecureMail, and an OAuth 2.0 token rejected by the server is asked for once
 *       more.</li>
 * </ul>
 */
public class HardenedSmtpTransport extends SMTPTransport {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.smtp");
    private static final Logger DIALOGUE = LoggerFactory.getLogger("org.securemail.transport.smtp.dialogue");

    private final MailWiring wiring;
    private final boolean commandsInUtf8;
    private ConnectionContext ctx;
    private boolean authInProgress;
    private boolean finalDotSent;
    private boolean broken;
    private java.time.Duration connectDuration = java.time.Duration.ZERO;
    private int messagesOnConnection;
    private Map<String, String> extensions;

    /**
     * Creates the transport; called by Jakarta Mail's {@link Session}.
     *
     * @param session a session SecureMail built
     * @param urlname the URL name
     */
    public HardenedSmtpTransport(Session session, URLName urlname) {
        this(session, urlname, MailWiring.of(session, MailProtocol.SMTP));
    }

    /**
     * Creates a transport of an {@code SmtpSender}'s pool, on a session shared by senders with equal settings.
     *
     * @param session the shared session (it holds no wiring)
     * @param wiring this sender's wiring
     */
    public HardenedSmtpTransport(Session session, MailWiring wiring) {
        this(session, null, wiring);
    }

    private HardenedSmtpTransport(Session session, URLName urlname, MailWiring wiring) {
        // Angus takes its property prefix from the URL's protocol: getTransport("smtps") would read only mail.smtps.*,
        // which SecureMail never sets. The mode alone decides between implicit TLS and STARTTLS.
        super(session, StoreNames.as("smtp", urlname), "smtp", wiring.isImplicitTls());
        this.wiring = wiring;
        this.commandsInUtf8 = MessageCapture.allowsUtf8(session);
    }


    /** @return the connection this transport opened, once connected */
    public Optional<ConnectionContext> connection() {
        return Optional.ofNullable(ctx);
    }

    /** @return the handshake of the current connection, when it is TLS */
    public Optional<Handshake> handshake() {
        return ctx == null ? Optional.empty() : ctx.handshake();
    }

    /** @return whether the last transaction got as far as sending the end of the message */
    public boolean finalDotSent() {
        return finalDotSent;
    }

    /**
     * Tells, without a round trip, whether the connection is still open on this side: not broken, not closed, and
     * nothing unread waiting (a server that speaks while idle is announcing that it is closing, 421 or EOF).
     *
     * @return true when the connection may carry another transaction
     */
    public boolean isOpen() {
        // Not isConnected(): Angus's sends NOOP and waits for the reply.
        if (broken || ctx == null) {
            return false;
        }
        Socket s = ctx.currentSocket();
        if (s == null || s.isClosed() || s.isInputShutdown()) {
            return false;
        }
        try {
            return s.getInputStream().available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return whether the connection broke (an I/O failure); it must not be used again */
    public boolean isBroken() {
        return broken;
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        int p = port > 0 ? port : Integer.parseInt(session.getProperty("mail.smtp.port"));
        boolean own = wiring.user() != null;
        boolean callers = !own && user != null && password != null; // Angus authenticates only with both
        // Credentials, SecureMail's or the caller's own, go to the session's host only.
        String configuredHost = own || callers ? session.getProperty("mail.smtp.host") : null;
        MailSecurityException unsafe = StoreFailures.unsafeSession(MailProtocol.SMTP, wiring, session.getProperties(),
                configuredHost, host, p);
        if (unsafe != null) {
            throw reported(unsafe);
        }
        if (callers && !carriesCredentials(wiring.mode())) {
            throw reported(new MailSecurityException(MailSecurityException.Reason.CREDENTIALS_WITHHELD,
                    MailEndpoint.of(MailProtocol.SMTP, host, p, wiring.mode()),
                    "was not contacted: credentials are never sent in mode " + wiring.mode()
                    + ", which may run without TLS or without an authenticated server (RFC 8314)",
                    "use a session built with mode(SecurityMode.STARTTLS_REQUIRED) or"
                    + " mode(SecurityMode.IMPLICIT_TLS) to authenticate", List.of(), null));
        }
        ConnectionContext attempt = new ConnectionContext(host, p, wiring.mode(), wiring);
        String u = own ? wiring.user() : user;
        boolean retried = false;
        broken = false;
        finalDotSent = false;
        messagesOnConnection = 0;
        long start = System.nanoTime();
        while (true) {
            String secret = null;
            try (MailWiring.Scope scope = wiring.open(host, p)) {
                attempt = scope.context();
                ctx = attempt;
                secret = own ? wiring.secret() : password;
                boolean ok = super.protocolConnect(host, port, u, secret);
                if (ok) {
                    connectDuration = java.time.Duration.ofNanos(System.nanoTime() - start);
                    afterConnect();
                }
                return ok;
            } catch (AuthenticationFailedException e) {
                if (wiring.isOAuth2() && !retried && attempt.isTlsVerified()) {
                    retried = true;
                    wiring.rejected(secret);
                    LOG.info("SMTP {}:{} rejected the OAuth 2.0 token of {}; asking for a fresh token and retrying"
                            + " once", host, p, u);
                    continue;
                }
                throw reported(Failures.smtpConnect(e, attempt, u));
            } catch (MessagingException e) {
                throw reported(Failures.smtpConnect(e, attempt, u));
            } catch (IllegalStateException e) {
                throw new MessagingException("cannot connect to " + host + ":" + p + ": " + e.getMessage(), e);
            }
        }
    }

    /** Tells the caller's listeners of a failure about to be thrown, and returns it. */
    private MessagingException reported(MessagingException e) {
        wiring.events().failed(e);
        return e;
    }

    private static boolean carriesCredentials(SecurityMode mode) {
        return mode == SecurityMode.IMPLICIT_TLS || mode == SecurityMode.STARTTLS_REQUIRED;
    }

    private void afterConnect() throws MessagingException {
        if (wiring.mode().requiresTls() && !ctx.isTlsVerified()) {
            close();
            throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, ctx.endpoint(),
                    "connected without TLS", "this is a SecureMail bug: please report it", ctx.cleartextReplies(),
                    null);
        }
        if (LOG.isInfoEnabled()) {
            Optional<Handshake> h = ctx.handshake();
            LOG.info("SMTP connected to {}:{} mode={} {}", ctx.host(), ctx.port(), ctx.mode(),
                    h.map(x -> x.tlsVersion().protocolName() + " " + x.cipherSuite().name()
                            + (x.isAuthenticated() ? "" : " UNAUTHENTICATED")).orElse("cleartext"));
        }
        wiring.events().connected(ctx);
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
        extensions = null;
        boolean ok = super.ehlo(domain);
        if (ok) {
            extensions = extensions(getLastServerResponse());
        }
        if (afterTls && !ok) {
            throw new MailSecurityException(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED,
                    ctx.endpoint(), "failed EHLO after STARTTLS: " + lastReplyLine(),
                    "RFC 3207 requires a new EHLO inside TLS; SecureMail does not use what the server said before"
                    + " TLS, so the connection was closed", ctx.cleartextReplies(), null);
        }
        return ok;
    }

    /**
     * Reads the EHLO keywords as RFC 5321 defines them but whatever the spacing: Angus takes the keyword to end at the
     * first space after "250-", so "250- STARTTLS" or "250-STARTTLS" followed by a tab hides STARTTLS from it (and
     * would be refused as not offered) although {@link GuardedSocket} saw it announced.
     */
    static Map<String, String> extensions(String ehloReply) {
        Map<String, String> map = new LinkedHashMap<>();
        String[] lines = String.valueOf(ehloReply).split("\\r?\\n");
        for (int i = 1; i < lines.length; i++) { // the first line names the server
            String text = lines[i].length() > 4 ? lines[i].substring(4).strip() : "";
            if (!text.isEmpty()) {
                String[] kv = text.split("\\s+", 2);
                map.putIfAbsent(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
            }
        }
        return map;
    }

    @Override
    public boolean supportsExtension(String ext) {
        Map<String, String> ext0 = extensions;
        return ext0 != null && ext0.containsKey(ext.toUpperCase(Locale.ROOT));
    }

    @Override
    public String getExtensionParameter(String ext) {
        Map<String, String> ext0 = extensions;
        return ext0 == null ? null : ext0.get(ext.toUpperCase(Locale.ROOT));
    }

    @Override
    protected boolean supportsAuthentication(String auth) {
        String mechanisms = getExtensionParameter("AUTH");
        if (mechanisms != null) {
            for (String m : mechanisms.split("\\s+")) {
                if (m.equalsIgnoreCase(auth)) {
                    return true;
                }
            }
        }
        // Old servers announce "AUTH=LOGIN" (as Angus also accepts).
        return auth.equalsIgnoreCase("LOGIN") && supportsExtension("AUTH=LOGIN");
    }

    @Override
    protected void startTLS() throws MessagingException {
        if (ctx != null && ctx.handshake().isPresent()) {
            throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_REPEATED, ctx.endpoint(),
                    "asked for STARTTLS on a connection that is already TLS (" + lastReplyLine() + ")",
                    "the server is misconfigured; nothing more was sent", ctx.cleartextReplies(), null);
        }
        try {
            super.startTLS();
        } catch (MessagingException e) {
            MailSecurityException sec = Failures.security(e, MailProtocol.SMTP, ctx, ctx.host(), ctx.port(),
                    ctx.mode());
            if (sec != null) {
                throw sec;
            }
            if (getLastReturnCode() >= 400 && !Failures.isIo(e)) {
                throw new MailSecurityException(MailSecurityException.Reason.STARTTLS_REFUSED, ctx.endpoint(),
                        "refused STARTTLS: " + lastReplyLine(), "the server cannot start TLS now; nothing was sent",
                        ctx.cleartextReplies(), e);
            }
            throw e;
        }
    }

    private String lastReplyLine() {
        return Failures.oneLine(getLastServerResponse());
    }

    /** Refuses a transaction unless the connection is as secure as the mode promises. */
    private void requireSecureTransaction() throws MessagingException {
        if (ctx == null) {
            throw new MessagingException("SMTP transaction outside a SecureMail connection");
        }
        boolean tls = ctx.isTlsVerified();
        boolean refuse = (wiring.mode().requiresTls() && !tls)
                || (wiring.mode() == SecurityMode.STARTTLS_OPPORTUNISTIC && !tls && ctx.startTlsAnnounced());
        if (refuse) {
            throw new MailSecurityException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED, ctx.endpoint(),
                    "refused to send MAIL FROM without TLS", "nothing was sent", ctx.cleartextReplies(), null);
        }
    }

    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        checkCommand(cmd);
        if (cmd.regionMatches(true, 0, "AUTH ", 0, 5)) {
            authInProgress = true;
        }
        if (DIALOGUE.isDebugEnabled()) {
            DIALOGUE.debug("{}:{} C: {}", ctx == null ? "?" : ctx.host(), ctx == null ? 0 : ctx.port(), redact(cmd));
        }
        super.sendCommand(cmd);
    }

    /**
     * Refuses a command that would not go out as written: Angus keeps only the low byte of each character unless the
     * session sends UTF-8, so a character above U+007F would turn into another one (U+0140 into '@').
     */
    private void checkCommand(String cmd) throws MessagingException {
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && (!commandsInUtf8 || c <= 0x9f))) {
                throw new InvalidMessageException("refused to send an SMTP command holding the character "
                        + String.format(Locale.ROOT, "U+%04X", (int) c) + ", which would not reach the server as"
                        + " written; nothing was sent");
            }
        }
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
                    : Failures.oneLine(getLastServerResponse());
            DIALOGUE.debug("{}:{} S: {}", ctx == null ? "?" : ctx.host(), ctx == null ? 0 : ctx.port(), reply);
        }
        if (authInProgress && code != 334) {
            authInProgress = false;
        }
        return code;
    }

    // ---- the mail transaction ----

    /**
     * Sends a message (Jakarta Mail's entry point, used by {@code Transport.send} and frameworks): checks its envelope
     * and content, captures it once, and runs the transaction. When some recipients were rejected and others
     * accepted, the message is delivered to those accepted and an {@link SMTPSendFailedException} with reply 250
     * lists the rejected ones, as Jakarta Mail does with {@code mail.smtp.sendpartial}.
     */
    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        checkConnected();
        if (!(message instanceof MimeMessage)) {
            throw new InvalidMessageException("message is a " + (message == null ? "null"
                    : message.getClass().getName()) + ", not a MimeMessage; SMTP sends MIME messages only");
        }
        SmtpOutcome outcome;
        long start = System.nanoTime();
        String messageId;
        try {
            Envelope envelope = Envelope.of((MimeMessage) message, addresses, session);
            try (CapturedMessage captured = MessageCapture.capture(message)) {
                messageId = captured.messageId();
                outcome = deliver(captured, envelope);
            }
        } catch (MessagingException e) {
            wiring.events().failed(e);
            notifyTransportListeners(TransportEvent.MESSAGE_NOT_DELIVERED, new Address[0],
                    addresses == null ? new Address[0] : addresses, new Address[0], message);
            throw e;
        }
        // SecureMail's listeners hear of deliveries through this entry point (drop-in sessions, frameworks) here;
        // SmtpSender, which calls deliver(...) itself, tells them with its own report.
        boolean reused = messagesOnConnection++ > 0;
        wiring.events().delivered(ctx, outcome, messageId, reused, reused ? java.time.Duration.ZERO : connectDuration,
                java.time.Duration.ofNanos(System.nanoTime() - start));
        Address[] sent = outcome.accepted().toArray(new Address[0]);
        if (outcome.rejected().isEmpty()) {
            notifyTransportListeners(TransportEvent.MESSAGE_DELIVERED, sent, new Address[0], new Address[0], message);
            return;
        }
        List<Address> unsent = new ArrayList<>();
        List<Address> invalid = new ArrayList<>();
        MessagingException chain = null;
        for (Map.Entry<InternetAddress, SmtpOutcome.Rejection> r : outcome.rejected().entrySet()) {
            (r.getValue().code() >= 500 ? invalid : unsent).add(r.getKey());
            SMTPAddressFailedException a = new SMTPAddressFailedException(r.getKey(), "RCPT TO:<"
                    + r.getKey().getAddress() + ">", r.getValue().code(), r.getValue().reply());
            if (chain == null) {
                chain = a;
            } else {
                chain.setNextException(a);
            }
        }
        Address[] unsentA = unsent.toArray(new Address[0]);
        Address[] invalidA = invalid.toArray(new Address[0]);
        notifyTransportListeners(TransportEvent.MESSAGE_PARTIALLY_DELIVERED, sent, unsentA, invalidA, message);
        throw new SMTPSendFailedException(".", 250, outcome.finalReply(), chain, sent, unsentA, invalidA);
    }

    /**
     * Runs one mail transaction on this connection: MAIL FROM, every RCPT TO and DATA (pipelined when the server
     * offers PIPELINING), the captured content, dot-stuffed, and the final dot.
     *
     * @param message the captured content
     * @param envelope the checked envelope
     * @return the outcome, after the server's 250 to the end of the message
     * @throws MessagingException a typed failure: {@link MailSecurityException}, {@link InvalidMessageException},
     *     {@code TransientDeliveryException}, {@code PermanentDeliveryException} or {@code AmbiguousDeliveryException}
     */
    public synchronized SmtpOutcome deliver(CapturedMessage message, Envelope envelope) throws MessagingException {
        checkConnected();
        requireSecureTransaction();
        finalDotSent = false;
        boolean utf8 = envelope.needsUtf8() || message.utf8Headers();
        if (utf8 && !supportsExtension("SMTPUTF8")) {
            throw new InvalidMessageException(ctx.host() + ":" + ctx.port() + " does not offer SMTPUTF8, which this"
                    + " message needs for its non-ASCII " + (envelope.needsUtf8() ? "addresses" : "headers")
                    + " (RFC 6531); nothing was sent");
        }
        if (envelope.requireTls()) {
            checkRequireTls();
        }
        boolean pipelining = supportsExtension("PIPELINING");
        List<InternetAddress> accepted = new ArrayList<>();
        Map<InternetAddress, SmtpOutcome.Rejection> rejected = new LinkedHashMap<>();
        Socket socket = ctx.currentSocket();
        int mailCode;
        String mailReply;
        int dataCode = -1;
        String dataReply = null;
        try {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            String mail = mailCommand(message, envelope, utf8);
            List<InternetAddress> rcpts = envelope.recipients();
            if (pipelining) {
                write(out, mail);
                for (InternetAddress r : rcpts) {
                    write(out, rcptCommand(r, envelope));
                }
                write(out, "DATA");
                out.flush();
                mailCode = readReply();
                mailReply = Failures.oneLine(getLastServerResponse());
                for (InternetAddress r : rcpts) {
                    recipientReply(r, readReply(), accepted, rejected);
                }
                dataCode = readReply();
                dataReply = Failures.oneLine(getLastServerResponse());
            } else {
                write(out, mail);
                out.flush();
                mailCode = readReply();
                mailReply = Failures.oneLine(getLastServerResponse());
                if (mailCode / 100 == 2) {
                    for (InternetAddress r : rcpts) {
                        write(out, rcptCommand(r, envelope));
                        out.flush();
                        recipientReply(r, readReply(), accepted, rejected);
                    }
                    if (!accepted.isEmpty()) {
                        write(out, "DATA");
                        out.flush();
                        dataCode = readReply();
                        dataReply = Failures.oneLine(getLastServerResponse());
                    }
                }
            }
            if (mailCode / 100 != 2) {
                abortTransaction(dataCode);
                throw Failures.senderRefused(ctx, mailCode, mailReply);
            }
            if (accepted.isEmpty()) {
                abortTransaction(dataCode);
                throw Failures.recipientsRefused(ctx, rejected);
            }
            if (dataCode != 354) {
                abortTransaction(dataCode);
                throw Failures.dataRefused(ctx, dataCode, dataReply);
            }
            ctx.beginContent(message.size());
            try {
                // Already CRLF-terminated and dot-stuffed by MessageCapture: a plain copy. The closing dot and the
                // flush stay inside the content window, so that no buffered message line is taken for a command.
                message.writeTo(out);
                finalDotSent = true;
                write(out, ".");
                out.flush();
            } finally {
                ctx.endContent();
            }
            int code = readReply();
            String reply = Failures.oneLine(getLastServerResponse());
            if (code / 100 == 2) {
                LOG.debug("SMTP {}:{} accepted the message for {} of {} recipient(s): {}", ctx.host(), ctx.port(),
                        accepted.size(), rcpts.size(), reply);
                return new SmtpOutcome(accepted, rejected, getLastServerResponse().trim());
            }
            if (code < 0) {
                throw new java.io.EOFException("the server closed the connection without a reply");
            }
            throw Failures.contentRefused(ctx, code, reply, accepted);
        } catch (IOException e) {
            abandon();
            throw Failures.smtpSend(new MessagingException("I/O failure: " + e.getMessage(), e), ctx, finalDotSent);
        } catch (MessagingException e) {
            if (e instanceof InvalidMessageException || e instanceof MailSecurityException
                    || e instanceof org.securemail.transport.DeliveryException) {
                throw e;
            }
            abandon();
            throw Failures.smtpSend(e, ctx, finalDotSent);
        }
    }

    /**
     * REQUIRETLS (RFC 8689 §4.2.1): the message may go only over TLS that authenticated this server, and only to a
     * server that promises to keep the requirement for the next hop. Neither is negotiable: without them nothing is
     * sent, and the failure is permanent for this server.
     */
    private void checkRequireTls() throws MessagingException {
        boolean authenticated = ctx.handshake().map(Handshake::isAuthenticated).orElse(false);
        if (!authenticated) {
            throw new PermanentDeliveryException(ctx.endpoint(), "was not sent the message: it requires TLS that"
                    + " authenticates the server (REQUIRETLS, RFC 8689), and this connection is "
                    + ctx.handshake().map(h -> "TLS without an authenticated server").orElse("cleartext"), -1, null,
                    "send it in mode STARTTLS_REQUIRED or IMPLICIT_TLS, or to an MX that passes DANE or MTA-STS;"
                    + " nothing was sent", null, null, null);
        }
        if (!supportsExtension("REQUIRETLS")) {
            throw new PermanentDeliveryException(ctx.endpoint(), "does not offer REQUIRETLS, which this message"
                    + " requires (RFC 8689: 5.7.30 REQUIRETLS support required)", -1, null, "send it through a"
                    + " server that offers REQUIRETLS, or without the requirement; nothing was sent", null, null,
                    null);
        }
    }

    private String mailCommand(CapturedMessage message, Envelope envelope, boolean utf8) {
        StringBuilder cmd = new StringBuilder("MAIL FROM:<").append(envelope.from()).append('>');
        if (supportsExtension("SIZE")) {
            cmd.append(" SIZE=").append(message.size());
        }
        if (message.eightBitBody() && supportsExtension("8BITMIME")) {
            cmd.append(" BODY=8BITMIME");
        }
        if (utf8) {
            cmd.append(" SMTPUTF8");
        }
        if (envelope.ret() != null && supportsExtension("DSN")) {
            cmd.append(" RET=").append(envelope.ret());
        }
        if (envelope.submitter() != null && supportsExtension("AUTH")) {
            cmd.append(" AUTH=").append(xtext(envelope.submitter(), utf8));
        }
        if (envelope.extension() != null) {
            cmd.append(' ').append(envelope.extension());
        }
        return cmd.toString();
    }

    private String rcptCommand(InternetAddress r, Envelope envelope) {
        String cmd = "RCPT TO:<" + r.getAddress() + ">";
        if (envelope.dsnNotify() != null && supportsExtension("DSN")) {
            cmd += " NOTIFY=" + envelope.dsnNotify();
        }
        return cmd;
    }

    private void recipientReply(InternetAddress r, int code, List<InternetAddress> accepted,
                                Map<InternetAddress, SmtpOutcome.Rejection> rejected) throws IOException {
        if (code < 0) {
            throw new java.io.EOFException("the server closed the connection during RCPT TO");
        }
        if (code / 100 == 2) {
            accepted.add(r);
        } else {
            rejected.put(r, new SmtpOutcome.Rejection(code, Failures.oneLine(getLastServerResponse())));
        }
    }

    private int readReply() throws MessagingException {
        return readServerResponse();
    }

    /** Writes one transaction command, exactly as checked, without going through Angus's own encoding. */
    private void write(OutputStream out, String cmd) throws IOException, MessagingException {
        checkCommand(cmd);
        if (DIALOGUE.isDebugEnabled()) {
            DIALOGUE.debug("{}:{} C: {}", ctx.host(), ctx.port(), cmd);
        }
        out.write(cmd.getBytes(commandsInUtf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    /**
     * Ends a transaction that will not carry the message. When the server already said 354 to DATA it expects the
     * content; rather than send an empty message, SecureMail closes the connection (the server discards an
     * unfinished transaction). Otherwise RSET makes the connection ready for another message.
     */
    private void abortTransaction(int dataCode) throws MessagingException {
        if (dataCode == 354) {
            abandon();
            return;
        }
        String reply = getLastServerResponse();
        int code = getLastReturnCode();
        try {
            sendCommand("RSET");
            if (readServerResponse() / 100 != 2) {
                abandon();
            }
        } catch (MessagingException e) {
            abandon();
        }
        // Keep the reply that decided the outcome for getLastServerResponse().
        LOG.debug("SMTP transaction ended after {} {}", code, Failures.oneLine(reply));
    }

    /** Marks the connection unusable and closes it at once, without QUIT. */
    private void abandon() {
        broken = true;
        if (ctx != null) {
            Socket s = ctx.currentSocket();
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
        try {
            super.close();
        } catch (MessagingException ignored) {
            // the socket is already closed; QUIT cannot go out
        }
    }

    /**
     * Closes the connection with QUIT when it is still usable. Never throws for a failed QUIT: the outcome of the
     * last message is already decided, and {@code Transport.send} would otherwise replace it with this failure.
     */
    @Override
    public synchronized void close() throws MessagingException {
        if (broken) {
            abandon();
            return;
        }
        try {
            super.close();
        } catch (MessagingException e) {
            LOG.debug("SMTP {}:{} QUIT failed; the connection is closed", ctx == null ? "?" : ctx.host(),
                    ctx == null ? 0 : ctx.port(), e);
        }
    }
}
