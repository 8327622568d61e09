package org.securemail.transport.internal;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Angus Mail's POP3 store, hardened. SecureMail registers it for "pop3" and "pop3s" in every session it builds for
 * POP3; both names behave by the session's mode (AB-13), so implicit TLS never sets {@code starttls.required},
 * which Angus would fail on (AB-6). The AB ids are the sections of docs/angus-behaviours.md.
 *
 * <p>Angus opens POP3 connections in a package-private method, from {@code Store.connect}, {@code isConnected} and
 * {@code Folder.open}; this store and {@link HardenedPop3Folder} wrap each of those in a SecureMail connection scope,
 * so the guarded plain socket (only CAPA, STLS and QUIT before TLS) and the policy TLS factory serve every connection,
 * and translate what Angus reports: with {@code starttls.required} Angus refuses a server without STLS, or one that
 * answers STLS with -ERR, instead of continuing in cleartext (AB-3, AB-4), but reports both as an
 * {@link AuthenticationFailedException}; SecureMail reports {@link MailSecurityException#reason()}
 * {@code STARTTLS_NOT_OFFERED} or {@code STARTTLS_REFUSED}. Data after the STLS go-ahead is refused by the guarded
 * socket (AB-9). Angus replaces the capabilities learned before TLS with the answer to CAPA inside TLS (none, if CAPA
 * fails there), so nothing learned before TLS is used.
 */
public class HardenedPop3Store extends POP3Store {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.pop3");

    private final MailWiring wiring;
    private final String configuredHost;
    private volatile ConnectionContext latest;
    private volatile String host;
    private volatile int port;

    /**
     * Creates the store; called by Jakarta Mail's {@link Session}.
     *
     * @param session a session SecureMail built
     * @param url the URL name; its protocol ("pop3" or "pop3s") is ignored: the mode decides
     */
    public HardenedPop3Store(Session session, URLName url) {
        super(session, StoreNames.as("pop3", url), "pop3", MailWiring.of(session, MailProtocol.POP3).isImplicitTls());
        this.wiring = MailWiring.of(session, MailProtocol.POP3);
        this.configuredHost = session.getProperty("mail.pop3.host");
    }


    /** @return the most recent connection this store opened */
    public Optional<ConnectionContext> latestConnection() {
        return Optional.ofNullable(latest);
    }

    /** @return the handshake of the most recent connection, when it is TLS */
    public Optional<Handshake> handshake() {
        ConnectionContext c = latest;
        return c == null ? Optional.empty() : c.handshake();
    }

    /** @return the mode of the session */
    public SecurityMode mode() {
        return wiring.mode();
    }

    /** An action that may open a POP3 connection. */
    interface Opening<T> {
        T run() throws MessagingException;
    }

    /**
     * Runs an action that may open a connection inside a SecureMail scope, checks a connection it opened, and
     * translates its failures.
     */
    <T> T scoped(String host, int port, Opening<T> action) throws MessagingException {
        MailSecurityException unsafe = StoreFailures.unsafeSession(MailProtocol.POP3, wiring, session.getProperties(),
                configuredHost, host, port);
        if (unsafe != null) {
            throw unsafe;
        }
        ConnectionContext ctx = null;
        try (MailWiring.Scope scope = wiring.open(host, port)) {
            ctx = scope.context();
            T result = action.run();
            if (ctx.guard() != null || ctx.tlsSocket() != null) {
                opened(ctx);
            }
            return result;
        } catch (MessagingException e) {
            throw translate(e, ctx != null ? ctx : new ConnectionContext(MailProtocol.POP3, host, port, wiring.mode()));
        }
    }

    private void opened(ConnectionContext ctx) throws MessagingException {
        if (wiring.mode().requiresTls() && !ctx.isTlsVerified()) {
            close();
            throw StoreFailures.refusal(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, MailProtocol.POP3, ctx,
                    "connected without TLS", "this is a SecureMail bug: please report it", null);
        }
        latest = ctx;
        if (LOG.isInfoEnabled()) {
            LOG.info("POP3 connected to {}:{} mode={} {}", ctx.host(), ctx.port(), ctx.mode(),
                    ctx.handshake().map(h -> h.tlsVersion().protocolName() + " " + h.cipherSuite().name())
                            .orElse("cleartext"));
        }
        wiring.events().connected(ctx);
    }

    private MessagingException translate(MessagingException e, ConnectionContext ctx) {
        MessagingException typed = StoreFailures.carried(e);
        if (typed != null) {
            return typed;
        }
        MailSecurityException sec = StoreFailures.security(e, MailProtocol.POP3, ctx, ctx.host(), ctx.port(),
                ctx.mode());
        if (sec != null) {
            return sec;
        }
        String text = String.valueOf(e.getMessage());
        if (text.startsWith("STLS required but not supported")) {
            return Failures.notOffered(MailProtocol.POP3, ctx, "STLS");
        }
        if (text.startsWith("STLS required but failed")) {
            return StoreFailures.refusal(MailSecurityException.Reason.STARTTLS_REFUSED, MailProtocol.POP3, ctx,
                    "refused STLS" + stlsReply(ctx), "the server cannot start TLS now; nothing but QUIT was sent", e);
        }
        if (text.startsWith("No authentication mechanisms supported")) {
            return wiring.isOAuth2()
                    ? StoreFailures.noMechanism(MailProtocol.POP3, ctx, "does not offer SASL XOAUTH2",
                            "the OAuth 2.0 token was not sent; use Credentials.password(...) if the server takes"
                                    + " passwords")
                    : StoreFailures.noMechanism(MailProtocol.POP3, ctx, "offers no way to log in with a password",
                            "nothing was sent");
        }
        if (e instanceof AuthenticationFailedException && wiring.mode() == SecurityMode.INSECURE_CLEARTEXT
                && ctx.startTlsAnnounced() && !Failures.isIo(e)) {
            // Once the server announces STLS, the guarded socket stops the credentials; Angus's POP3 code loses that
            // exception and its message. (In the TLS modes Angus itself never tries before STLS succeeded.)
            return StoreFailures.blocked(MailProtocol.POP3, ctx, "refused to send the credentials in cleartext", e);
        }
        if (e instanceof AuthenticationFailedException && !Failures.isIo(e)
                && !text.toLowerCase(Locale.ROOT).contains("connect failed")) {
            if (!ctx.isTlsVerified() && wiring.mode().requiresTls()) {
                return StoreFailures.io(MailProtocol.POP3, e, ctx, "closed the connection before TLS", "retry later");
            }
            return new CredentialsRejectedException(ctx.endpoint(), wiring.user(), e.getMessage(), e);
        }
        return StoreFailures.io(MailProtocol.POP3, e, ctx, "could not open the POP3 connection", "retry later");
    }

    /** The server's -ERR answer to STLS, as the guarded socket recorded it (Angus drops it), or "". */
    private static String stlsReply(ConnectionContext ctx) {
        List<String> replies = ctx.cleartextReplies();
        for (int i = replies.size() - 1; i >= 0; i--) {
            if (replies.get(i).regionMatches(true, 0, "-ERR", 0, 4)) {
                return ": " + Failures.oneLine(replies.get(i));
            }
        }
        return "";
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String passwd)
            throws MessagingException {
        int p = port > 0 ? port : Integer.parseInt(session.getProperty("mail.pop3.port"));
        String u = wiring.user() != null ? wiring.user() : user;
        this.host = host;
        this.port = p;
        boolean retried = false;
        while (true) {
            String secret = null;
            try {
                secret = wiring.user() != null ? wiring.secret() : passwd;
                String given = secret;
                return scoped(host, p, () -> super.protocolConnect(host, port, u, given));
            } catch (CredentialsRejectedException e) {
                if (wiring.isOAuth2() && !retried) {
                    retried = true;
                    wiring.rejected(secret);
                    LOG.info("POP3 {}:{} rejected the OAuth 2.0 token of {}; asking for a fresh token and retrying"
                            + " once", host, p, u);
                    continue;
                }
                wiring.events().failed(e);
                throw e;
            } catch (MessagingException e) {
                wiring.events().failed(e);
                throw e;
            } catch (IllegalStateException e) {
                throw new MessagingException("cannot connect to " + host + ":" + p + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized boolean isConnected() {
        String h = host;
        if (h == null) {
            return super.isConnected();
        }
        try {
            return scoped(h, port, super::isConnected);
        } catch (MessagingException e) {
            return false;
        }
    }

    @Override
    public Folder getFolder(String name) throws MessagingException {
        super.getFolder(name); // checks that the store is connected
        return new HardenedPop3Folder(this, name);
    }

    @Override
    public Folder getFolder(URLName url) throws MessagingException {
        super.getFolder(url);
        return new HardenedPop3Folder(this, url.getFile());
    }

    /** Opens a folder (which may open a connection) inside a SecureMail scope. */
    <T> T forFolder(Opening<T> action) throws MessagingException {
        String h = host;
        if (h == null) {
            return action.run();
        }
        return scoped(h, port, action);
    }

    /**
     * Asks for the unique-id listing (UIDL) on the open connection, for a server whose CAPA reply did not list UIDL.
     * RFC 2449 lets a server answer CAPA partially, and a client that needs a command tries it; Angus instead never
     * sends UIDL then (docs/reading-mail.md). Call it only between two Angus commands, with the folder open:
     * POP3 servers send nothing unasked, so Angus has no reply bytes buffered and the next one is ours.
     *
     * @return the UIDL of each message number
     * @throws MethodNotSupportedException if the server answers UIDL with -ERR
     * @throws MessagingException if the connection fails or the reply is not POP3
     */
    public synchronized Map<Integer, String> uidlNotAnnounced() throws MessagingException {
        ConnectionContext ctx = latest;
        Socket socket = ctx == null ? null : ctx.tlsSocket() != null ? ctx.tlsSocket() : ctx.guard();
        if (socket == null || socket.isClosed()) {
            throw new MessagingException("the POP3 connection is not open");
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write("UIDL\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            if (status.startsWith("-ERR")) {
                throw new MethodNotSupportedException(ctx.host() + ":" + ctx.port() + " answered UIDL with \""
                        + status + "\" (its CAPA reply did not list UIDL either): SecureMail addresses POP3 messages by"
                        + " UIDL (RFC 1939) and cannot read this maildrop; Pop3Fetcher.session() gives the messages"
                        + " by number");
            }
            if (!status.startsWith("+OK")) {
                throw new MessagingException(ctx.host() + ":" + ctx.port() + " answered UIDL with neither +OK nor"
                        + " -ERR: \"" + status + "\"");
            }
            Map<Integer, String> uids = new LinkedHashMap<>();
            for (String l = line(in); !l.equals("."); l = line(in)) {
                String entry = l.startsWith("..") ? l.substring(1) : l;
                String[] parts = entry.trim().split(" +", 2);
                try {
                    uids.put(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1].trim() : "");
                } catch (NumberFormatException e) {
                    throw new MessagingException(ctx.host() + ":" + ctx.port() + " sent a UIDL line that does not"
                            + " start with a message number: \"" + l + "\"");
                }
            }
            return uids;
        } catch (IOException e) {
            throw new MessagingException("UIDL failed: " + e.getMessage(), e);
        }
    }

    /** One reply line, without its line ending, read byte by byte so nothing after it is consumed. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new java.io.EOFException("the server closed the connection in the middle of a reply");
            }
            buf.write(c);
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
