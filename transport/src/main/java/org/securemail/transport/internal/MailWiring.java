package org.securemail.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.securemail.core.PlaintextFilter;
import org.securemail.core.TlsConnector;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.Timeouts;

/**
 * Everything one SecureMail-built Jakarta Mail session needs to enforce its mode at the socket level: the guarded
 * plain-socket factory, the policy TLS factory (whose sockets bound what the server sends and watch every command),
 * the host-name re-check, the timeouts and the {@link Watchdog} behind write timeouts. Stored as an object in the
 * session's properties, where the hardened transports find it.
 */
public final class MailWiring {
    /** The session property under which the wiring is stored. */
    public static final String PROPERTY = "org.securemail.wiring";

    private final CleartextRules rules;
    private final SecurityMode mode;
    private final TlsConnector connector;
    private final Timeouts timeouts;
    private final Limits tlsLimits;
    private volatile InetAddress connectAddress;
    /**
     * The connection being opened on each thread, whichever wiring opened it: the wiring's own factories act only on
     * their own connections, the {@link #routingPlainFactory() routing} ones on any.
     */
    private static final ThreadLocal<ConnectionContext> CURRENT = new ThreadLocal<>();
    private static final SocketFactory ROUTING_PLAIN = new RoutingPlainFactory();
    private static final SSLSocketFactory ROUTING_TLS = new RoutingTlsFactory();
    private static final HostnameVerifier ROUTING_VERIFIER = (host, session) -> {
        ConnectionContext ctx = CURRENT.get();
        return ctx != null && ctx.handshake().isPresent();
    };
    private final SocketFactory plainFactory = new PlainFactory();
    private final SSLSocketFactory tlsFactory = new TlsFactory();
    private final HostnameVerifier verifier = this::verifyHostAgain;
    private volatile String user;
    private volatile boolean oauth2;
    private volatile Supplier<String> secret;
    private volatile java.util.function.Consumer<String> rejected;
    private volatile Properties expected = new Properties();
    private volatile MailEvents events = MailEvents.NONE;

    /**
     * Creates the wiring for one session.
     *
     * @param rules the protocol's cleartext rules
     * @param mode the security mode
     * @param connector the policy's connector, or null for {@link SecurityMode#INSECURE_CLEARTEXT}
     * @param timeouts the timeouts, the step limit included
     * @param tlsLimits what the server may send inside TLS
     */
    public MailWiring(CleartextRules rules, SecurityMode mode, TlsConnector connector, Timeouts timeouts,
                      Limits tlsLimits) {
        this.rules = rules;
        this.mode = mode;
        this.connector = connector;
        this.timeouts = timeouts;
        this.tlsLimits = tlsLimits;
    }

    /**
     * Sets the credentials the hardened transports use, whatever Jakarta Mail passes them: the secret never needs to
     * sit in the session's properties or an Authenticator.
     *
     * @param user the user name
     * @param oauth2 whether the secret is an OAuth 2.0 token (asked for again once after a rejection)
     * @param secret supplies the password or a current token
     */
    public void credentials(String user, boolean oauth2, Supplier<String> secret) {
        credentials(user, oauth2, secret, rejectedSecret -> { });
    }

    /**
     * Makes every connection of this session go to the given address; the host name still names the server for the
     * certificate check, SNI and messages.
     *
     * @param address the address to connect to
     */
    public void connectTo(InetAddress address) {
        this.connectAddress = address;
    }

    /** @return the address every connection goes to, or null to use the one the host name resolves to */
    InetAddress connectAddress() {
        return connectAddress;
    }

    /**
     * Returns the wiring of a session SecureMail built, for the hardened provider the session instantiates.
     *
     * @param session the session
     * @param protocol the provider's protocol, for the message
     * @return the wiring
     * @throws IllegalStateException if the session was not built by SecureMail
     */
    public static MailWiring of(jakarta.mail.Session session, MailProtocol protocol) {
        Object w = session.getProperties().get(PROPERTY);
        if (!(w instanceof MailWiring)) {
            String name = protocol.name().toLowerCase(java.util.Locale.ROOT);
            throw new IllegalStateException("SecureMail's " + protocol + " provider works only in a Session built by"
                    + " SecureMail (SecureMail." + name + "(host)...buildSession())");
        }
        return (MailWiring) w;
    }

    /** @return whether the session's mode is implicit TLS, which decides how Angus opens its connections */
    public boolean isImplicitTls() {
        return mode() == SecurityMode.IMPLICIT_TLS;
    }

    /**
     * Sets the credentials SecureMail holds, with where a rejected OAuth 2.0 token is reported.
     *
     * @param user the user name
     * @param oauth2 whether the secret is an OAuth 2.0 token (asked for again once after a rejection)
     * @param secret supplies the password or a current token
     * @param rejected told of a token the server rejected, before a fresh one is asked for
     */
    public void credentials(String user, boolean oauth2, Supplier<String> secret,
                            java.util.function.Consumer<String> rejected) {
        this.user = user;
        this.oauth2 = oauth2;
        this.secret = secret;
        this.rejected = rejected;
    }

    /**
     * Reports that the server rejected a token this wiring supplied; a failing callback is logged and ignored.
     *
     * @param token the rejected token, or null when unknown
     */
    public void rejected(String token) {
        java.util.function.Consumer<String> r = rejected;
        if (r == null || token == null) {
            return;
        }
        try {
            r.accept(token);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MailWiring.class).warn("the OAuth 2.0 rejection callback failed", e);
        }
    }

    /**
     * Sets where the hardened transports report connections, deliveries and failures (the caller's listeners).
     *
     * @param events the events
     */
    public void events(MailEvents events) {
        this.events = java.util.Objects.requireNonNull(events, "events");
    }

    /** @return where to report connections, deliveries and failures; {@link MailEvents#NONE} without listeners */
    public MailEvents events() {
        return events;
    }

    /** @return the user name, or null without credentials */
    public String user() {
        return user;
    }

    /** @return whether the credentials are OAuth 2.0 */
    public boolean isOAuth2() {
        return oauth2;
    }

    /** @return the password or a fresh token, or null without credentials */
    public String secret() {
        Supplier<String> s = secret;
        return s == null ? null : s.get();
    }

    /**
     * Records the properties SecureMail set, to detect later changes.
     *
     * @param props a snapshot of the session's properties
     */
    public void expect(Properties props) {
        Properties copy = new Properties();
        copy.putAll(props);
        this.expected = copy;
    }

    /** @return the properties SecureMail set */
    public Properties expected() {
        return expected;
    }

    /** @return the security mode */
    public SecurityMode mode() {
        return mode;
    }

    /** @return the protocol's cleartext rules */
    public CleartextRules rules() {
        return rules;
    }

    /** @return the timeouts */
    public Timeouts timeouts() {
        return timeouts;
    }

    Watchdog watchdog() {
        return Watchdog.SHARED;
    }

    /** @return the factory of guarded plain sockets, for {@code mail.<p>.socketFactory} */
    public SocketFactory plainFactory() {
        return plainFactory;
    }

    /** @return the policy TLS factory, for {@code mail.<p>.ssl.socketFactory} */
    public SSLSocketFactory tlsFactory() {
        return tlsFactory;
    }

    /**
     * Returns a socket factory that acts for whichever wiring is opening a connection on the calling thread, and
     * refuses outside one: for a session shared by clients with equal settings, whose properties must not hold any
     * one client's wiring (its credentials).
     *
     * @return the routing factory of guarded plain sockets
     */
    public static SocketFactory routingPlainFactory() {
        return ROUTING_PLAIN;
    }

    /** @return the routing policy TLS factory (see {@link #routingPlainFactory()}) */
    public static SSLSocketFactory routingTlsFactory() {
        return ROUTING_TLS;
    }

    /** @return the routing host-name re-check (see {@link #routingPlainFactory()}) */
    public static HostnameVerifier routingHostnameVerifier() {
        return ROUTING_VERIFIER;
    }

    private static ConnectionContext opening() throws IOException {
        ConnectionContext ctx = CURRENT.get();
        if (ctx == null) {
            throw new GuardException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                    "a socket was requested outside a connection SecureMail opened",
                    "use the sender SecureMail built, unchanged");
        }
        return ctx;
    }

    private static final class RoutingPlainFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return opening().wiring().plainFactory().createSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return opening().wiring().plainFactory().createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return opening().wiring().plainFactory().createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return opening().wiring().plainFactory().createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return opening().wiring().plainFactory().createSocket(address, port, localAddress, localPort);
        }
    }

    private static final class RoutingTlsFactory extends SSLSocketFactory {
        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return opening().wiring().tlsFactory().createSocket(s, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            ConnectionContext ctx = CURRENT.get();
            return ctx == null ? new String[0] : ctx.wiring().tlsFactory().getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return getDefaultCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return opening().wiring().tlsFactory().createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return opening().wiring().tlsFactory().createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return opening().wiring().tlsFactory().createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return opening().wiring().tlsFactory().createSocket(address, port, localAddress, localPort);
        }
    }

    /** @return the host-name re-check, for {@code mail.<p>.ssl.hostnameverifier} */
    public HostnameVerifier hostnameVerifier() {
        return verifier;
    }

    /**
     * Binds a new connection to the calling thread until {@link Scope#close()}.
     *
     * @param host the host
     * @param port the port
     * @return the scope; close it when the connection is open (or failed)
     */
    public Scope open(String host, int port) {
        ConnectionContext ctx = new ConnectionContext(host, port, mode, this);
        ConnectionContext previous = CURRENT.get();
        CURRENT.set(ctx);
        return new Scope(ctx, previous);
    }

    /** The binding of a connection to the thread that opens it. */
    public final class Scope implements AutoCloseable {
        private final ConnectionContext ctx;
        private final ConnectionContext previous;

        Scope(ConnectionContext ctx, ConnectionContext previous) {
            this.ctx = ctx;
            this.previous = previous;
        }

        /** @return the connection */
        public ConnectionContext context() {
            return ctx;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** @return the connection this wiring is opening on the calling thread, or null */
    private ConnectionContext current() {
        ConnectionContext ctx = CURRENT.get();
        return ctx != null && ctx.wiring() == this ? ctx : null;
    }

    private boolean verifyHostAgain(String host, SSLSession session) {
        ConnectionContext ctx = current();
        return ctx != null && ctx.handshake().isPresent();
    }

    private PlaintextFilter filter(ConnectionContext ctx, GuardedSocket guard) {
        return new PlaintextFilter() {
            @Override
            public InputStream input(InputStream in) {
                return new ReplyBounds(in, rules, tlsLimits, "inside TLS", guard::breakConnection);
            }

            @Override
            public OutputStream output(OutputStream out) {
                return new CommandWatch(out, rules, ctx::checkTlsCommand, ctx::sendingContent);
            }
        };
    }

    private final class PlainFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            ConnectionContext ctx = current();
            if (ctx == null) {
                // Outside a connection SecureMail opened (a test, or code that took the factory): still guarded.
                ctx = new ConnectionContext("(unknown host)", 0, mode, MailWiring.this);
            }
            return GuardedSocket.unconnected(ctx);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("SecureMail connects its sockets itself, with a timeout");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("SecureMail connects its sockets itself, with a timeout");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("SecureMail connects its sockets itself, with a timeout");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            throw new IOException("SecureMail connects its sockets itself, with a timeout");
        }
    }

    private final class TlsFactory extends SSLSocketFactory {
        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            ConnectionContext ctx = current();
            if (connector == null || ctx == null) {
                throw new GuardException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                        "TLS was requested outside a connection SecureMail opened",
                        "use the Session or the sender/fetcher SecureMail built, unchanged");
            }
            GuardedSocket guard;
            if (s instanceof GuardedSocket && ((GuardedSocket) s).context() == ctx) {
                guard = (GuardedSocket) s;
                guard.beginTls();
            } else if (mode == SecurityMode.IMPLICIT_TLS && !(s instanceof GuardedSocket)) {
                guard = GuardedSocket.aroundImplicitTls(s, ctx);
            } else {
                throw new GuardException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                        "STARTTLS over a socket SecureMail did not create",
                                "this is a SecureMail bug: please report it");
            }
            SSLSocket tls = connector.layer(guard, host, port, mode, filter(ctx, guard));
            ctx.tls(tls);
            return tls;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return connector == null ? new String[0] : connector.socketFactory(SecurityMode.IMPLICIT_TLS)
                    .getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return getDefaultCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("SecureMail layers TLS over sockets it connected itself");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("SecureMail layers TLS over sockets it connected itself");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("SecureMail layers TLS over sockets it connected itself");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            throw new IOException("SecureMail layers TLS over sockets it connected itself");
        }
    }

}
