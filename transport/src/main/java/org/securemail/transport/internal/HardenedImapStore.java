package org.securemail.transport.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.MailConnectionException;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Angus Mail's IMAP store, hardened. SecureMail registers it for "imap" and "imaps" in every session it builds for
 * IMAP; both names behave by the session's mode, never by the name (AB-13; the AB ids are the sections of
 * docs/angus-behaviours.md). Every IMAP connection, the ones Angus opens later for folders and its connection pool
 * included, is created by {@link #newIMAPProtocol}, which:
 * <ul>
 *   <li>refuses to connect if the session's properties were changed after SecureMail built them (AB-1, AB-2,
 *       AB-11), or to another host than the one the session was built for;</li>
 *   <li>binds the connection to the guarded plain socket and the policy TLS factory (the plain socket lets only
 *       CAPABILITY, STARTTLS, LOGOUT and NOOP out before TLS, whatever happens above it);</li>
 *   <li>refuses a PREAUTH greeting when TLS is required (RFC 9051);</li>
 *   <li>in STARTTLS mode, requires STARTTLS to be offered and to succeed (AB-3), refuses data after the go-ahead (AB-9,
 *       in the guarded socket), asks CAPABILITY again inside TLS and refuses the connection if that fails, so nothing
 *       learned before TLS is used (RFC 9051, RFC 2595);</li>
 *   <li>refuses to authenticate with OAuth 2.0 when the server does not offer AUTH=XOAUTH2, where Angus would send the
 *       token as a LOGIN password (AB-5);</li>
 *   <li>logs one INFO line per connection.</li>
 * </ul>
 * The credentials come from SecureMail, so {@code Store.connect()} needs no arguments; an OAuth 2.0 token is asked
 * for again for every new connection and once more after a rejection.
 */
public class HardenedImapStore extends IMAPStore {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.imap");

    private final MailWiring wiring;
    private final String configuredHost;
    private final ThreadLocal<ConnectionContext> attempt = new ThreadLocal<>();
    private final ThreadLocal<MessagingException> lastFailure = new ThreadLocal<>();
    private final ThreadLocal<Boolean> inProtocolConnect = new ThreadLocal<>();
    private volatile ConnectionContext latest;
    private volatile boolean connected;
    private volatile boolean everConnected;

    /**
     * Creates the store; called by Jakarta Mail's {@link Session}.
     *
     * @param session a session SecureMail built
     * @param url the URL name; its protocol ("imap" or "imaps") is ignored: the mode decides
     */
    public HardenedImapStore(Session session, URLName url) {
        super(session, StoreNames.as("imap", url), "imap", MailWiring.of(session, MailProtocol.IMAP).isImplicitTls());
        this.wiring = MailWiring.of(session, MailProtocol.IMAP);
        this.configuredHost = session.getProperty("mail.imap.host");
    }


    /** @return the most recent connection this store opened (for itself or a folder) */
    public Optional<ConnectionContext> latestConnection() {
        return Optional.ofNullable(latest);
    }

    /** @return the handshake of the most recent connection, when it is TLS */
    public Optional<Handshake> handshake() {
        ConnectionContext c = latest;
        return c == null ? Optional.empty() : c.handshake();
    }

    /** @return whether the store is connected, without the NOOP {@link #isConnected()} sends */
    public boolean isConnectedWithoutCheck() {
        return connected;
    }

    /**
     * Returns, once, the typed failure of the last connection this thread tried to open for a folder: Angus reports
     * those only as "connection failure".
     *
     * @return the failure, or empty
     */
    public Optional<MessagingException> takeLastFailure() {
        MessagingException e = lastFailure.get();
        lastFailure.remove();
        return Optional.ofNullable(e);
    }

    /** @return the mode of the session */
    public SecurityMode mode() {
        return wiring.mode();
    }

    @Override
    protected synchronized void setConnected(boolean connected) {
        super.setConnected(connected);
        this.connected = connected;
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        int p = port > 0 ? port : Integer.parseInt(session.getProperty("mail.imap.port"));
        MailSecurityException unsafe = StoreFailures.unsafeSession(MailProtocol.IMAP, wiring, session.getProperties(),
                configuredHost, host, p);
        if (unsafe != null) {
            wiring.events().failed(unsafe);
            throw unsafe;
        }
        String u = wiring.user() != null ? wiring.user() : user;
        boolean retried = false;
        while (true) {
            attempt.remove();
            lastFailure.remove();
            inProtocolConnect.set(Boolean.TRUE);
            String secret = null;
            try {
                secret = wiring.user() != null ? wiring.secret() : password;
                boolean ok = super.protocolConnect(host, port, u, secret);
                everConnected |= ok;
                return ok;
            } catch (MessagingException e) {
                ConnectionContext ctx = attempt.get() != null ? attempt.get()
                        : new ConnectionContext(MailProtocol.IMAP, host, p, wiring.mode());
                MessagingException typed = StoreFailures.connect(MailProtocol.IMAP, e, ctx, u);
                if (typed instanceof CredentialsRejectedException && wiring.isOAuth2() && !retried
                        && ctx.isTlsVerified()) {
                    retried = true;
                    wiring.rejected(secret);
                    LOG.info("IMAP {}:{} rejected the OAuth 2.0 token of {}; asking for a fresh token and retrying"
                            + " once", host, p, u);
                    continue;
                }
                wiring.events().failed(typed);
                throw typed;
            } catch (IllegalStateException e) {
                throw new MessagingException("cannot connect to " + host + ":" + p + ": " + e.getMessage(), e);
            } finally {
                attempt.remove();
                inProtocolConnect.remove();
            }
        }
    }

    @Override
    protected IMAPProtocol newIMAPProtocol(String host, int port) throws IOException, ProtocolException {
        MailSecurityException unsafe = StoreFailures.unsafeSession(MailProtocol.IMAP, wiring, session.getProperties(),
                configuredHost, host, port);
        if (unsafe != null) {
            lastFailure.set(unsafe);
            throw StoreFailures.carry(unsafe);
        }
        try (MailWiring.Scope scope = wiring.open(host, port)) {
            ConnectionContext ctx = scope.context();
            attempt.set(ctx);
            HardenedImapProtocol p;
            try {
                p = new HardenedImapProtocol(name, host, port, session.getProperties(), isSSL, logger);
            } catch (HardenedImapProtocol.PreauthRefused e) {
                throw fail(StoreFailures.refusal(MailSecurityException.Reason.PREAUTH_WITHOUT_TLS, MailProtocol.IMAP,
                        ctx,
                        "greeted with PREAUTH (\"" + e.getMessage() + "\") on a connection that must become TLS",
                        "RFC 9051 leaves no way to start TLS after PREAUTH, so the connection was closed and nothing"
                                + " was sent; configure the server not to pre-authenticate, or use implicit TLS",
                        e));
            } catch (IOException | ProtocolException e) {
                throw fail(openFailure(e, ctx));
            }
            p.context(ctx);
            String user = wiring.user();
            p.onAuthenticationFailure(e -> lastFailure.set(new CredentialsRejectedException(
                    ctx.endpoint(), user, e.getMessage(), e)));
            try {
                secure(p, ctx);
            } catch (MessagingException e) {
                p.disconnect();
                throw fail(e);
            }
            if (wiring.isOAuth2() && everConnected && this.password != null && inProtocolConnect.get() == null) {
                // A pooled connection logs in with the password field: give it a current token.
                this.password = wiring.secret();
            }
            latest = ctx;
            if (LOG.isInfoEnabled()) {
                LOG.info("IMAP connected to {}:{} mode={} {}", host, port, ctx.mode(),
                        ctx.handshake().map(h -> h.tlsVersion().protocolName() + " " + h.cipherSuite().name())
                                .orElse("cleartext"));
            }
            wiring.events().connected(ctx);
            return p;
        }
    }

    private StoreFailures.Carrier fail(MessagingException typed) {
        lastFailure.set(typed);
        return StoreFailures.carry(typed);
    }

    private MessagingException openFailure(Exception e, ConnectionContext ctx) {
        MailSecurityException sec = StoreFailures.security(e, MailProtocol.IMAP, ctx, ctx.host(), ctx.port(),
                ctx.mode());
        if (sec != null) {
            return sec;
        }
        if (e instanceof ProtocolException && !Failures.isIo(e)) {
            return new MailConnectionException(ctx.endpoint(), "refused the connection: "
                    + Failures.oneLine(e.getMessage()), "retry later", true, e);
        }
        return StoreFailures.io(MailProtocol.IMAP, e, ctx, "could not open the IMAP connection", "retry later");
    }

    /** STARTTLS and the capability checks, before Angus logs in. */
    private void secure(HardenedImapProtocol p, ConnectionContext ctx) throws MessagingException {
        if (wiring.mode() == SecurityMode.STARTTLS_REQUIRED && !p.isSSL()) {
            if (!p.hasCapability("STARTTLS")) {
                throw Failures.notOffered(MailProtocol.IMAP, ctx, "STARTTLS");
            }
            try {
                p.startTLS();
            } catch (CommandFailedException | BadCommandException e) {
                throw StoreFailures.refusal(MailSecurityException.Reason.STARTTLS_REFUSED, MailProtocol.IMAP, ctx,
                        "refused STARTTLS: " + Failures.oneLine(e.getMessage()),
                        "the server cannot start TLS now; nothing more was sent", e);
            } catch (ProtocolException e) {
                MailSecurityException sec = StoreFailures.security(e, MailProtocol.IMAP, ctx, ctx.host(), ctx.port(),
                        ctx.mode());
                if (sec != null) {
                    throw sec;
                }
                throw StoreFailures.io(MailProtocol.IMAP, e, ctx, "failed during STARTTLS", "retry later");
            }
            p.resetCapabilityAnswered();
            try {
                p.capability();
            } catch (ProtocolException e) {
                MailSecurityException sec = StoreFailures.security(e, MailProtocol.IMAP, ctx, ctx.host(), ctx.port(),
                        ctx.mode());
                if (sec != null) {
                    throw sec;
                }
                throw StoreFailures.refusal(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED,
                        MailProtocol.IMAP,
                        ctx, "failed CAPABILITY after STARTTLS: " + Failures.oneLine(e.getMessage()),
                        "RFC 9051 requires the client to ask again inside TLS; SecureMail does not use what the"
                                + " server said before TLS, so the connection was closed", e);
            }
            if (!p.capabilityAnswered()) {
                throw StoreFailures.refusal(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED,
                        MailProtocol.IMAP,
                        ctx, "answered CAPABILITY after STARTTLS without listing its capabilities",
                        "SecureMail does not use what the server said before TLS, so the connection was closed",
                        null);
            }
        }
        if (wiring.mode().requiresTls() && !ctx.isTlsVerified()) {
            throw StoreFailures.refusal(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, MailProtocol.IMAP, ctx,
                    "connected without TLS", "this is a SecureMail bug: please report it", null);
        }
        if (p.isAuthenticated() || wiring.user() == null) {
            return;
        }
        if (wiring.isOAuth2() && !p.hasCapability("AUTH=XOAUTH2")) {
            throw StoreFailures.noMechanism(MailProtocol.IMAP, ctx, "does not offer AUTH=XOAUTH2",
                    "the OAuth 2.0 token was not sent (Jakarta Mail would have sent it as a LOGIN password); use"
                            + " Credentials.password(...) if the server takes passwords");
        }
        if (!wiring.isOAuth2() && p.hasCapability("LOGINDISABLED") && !p.hasCapability("AUTH=PLAIN")
                && !p.hasCapability("AUTH=LOGIN")) {
            throw StoreFailures.noMechanism(MailProtocol.IMAP, ctx,
                    "offers no way to log in with a password (LOGINDISABLED"
                            + " and neither AUTH=PLAIN nor AUTH=LOGIN)",
                    "use Credentials.oauth2(...) if the server takes OAuth 2.0 tokens; nothing was sent");
        }
    }
}
