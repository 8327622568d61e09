package org.securemail.transport.internal;

import jakarta.mail.Provider;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.SocketFactory;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;

/**
 * Keeps a session SecureMail built from handing out another protocol's plain Angus provider. A session built for
 * IMAP would otherwise answer {@code getStore("pop3")} or {@code Transport.send(msg)} with Angus's own POP3 store or
 * SMTP transport, which know nothing of SecureMail's mode, policy or guarded socket, and would send whatever
 * credentials the caller passes in cleartext. Every protocol the session was not built for gets
 * {@link RefusedStore} or {@link RefusedTransport} instead, which refuse before any connection is made.
 */
public final class OtherProtocols {
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("smtp", 25, "smtps", 465, "imap", 143,
            "imaps", 993, "pop3", 110, "pop3s", 995);

    // A plain SocketFactory even for ssl.socketFactory: Angus connects a plain socket itself before asking an
    // SSLSocketFactory to wrap it, but asks any other factory for the socket.
    private static final SocketFactory NO_SOCKETS = new NoSockets();

    private OtherProtocols() {
    }

    /**
     * Replaces the provider of every protocol the session knows, other than its own, with a refusing one.
     *
     * @param session the session SecureMail just built
     * @param own the protocols SecureMail registered its hardened providers for
     */
    public static void refuseAllBut(Session session, Set<String> own) {
        for (Provider p : session.getProviders()) {
            if (own.contains(p.getProtocol())) {
                continue;
            }
            // Should someone put the plain provider's class back into the properties, it still gets no socket.
            String prefix = "mail." + p.getProtocol() + ".";
            session.getProperties().put(prefix + "socketFactory", NO_SOCKETS);
            session.getProperties().put(prefix + "ssl.socketFactory", NO_SOCKETS);
            session.getProperties().put(prefix + "socketFactory.fallback", "false");
            Class<?> refusal = p.getType() == Provider.Type.STORE ? RefusedStore.class : RefusedTransport.class;
            try {
                session.setProvider(new Provider(p.getType(), p.getProtocol(), refusal.getName(), "SecureMail",
                        null));
            } catch (jakarta.mail.NoSuchProviderException e) {
                throw new IllegalStateException("cannot shut out the " + p.getProtocol() + " provider", e);
            }
        }
    }

    /** The refusal a session gives when asked to connect with a protocol it was not built for. */
    static MailSecurityException refusal(Session session, String protocol, String host, int port) {
        MailWiring wiring = (MailWiring) session.getProperties().get(MailWiring.PROPERTY);
        String built = wiring.rules().name().toLowerCase(Locale.ROOT);
        String p = protocol == null ? "?" : protocol.toLowerCase(Locale.ROOT);
        String family = p.endsWith("s") ? p.substring(0, p.length() - 1) : p;
        String h = host != null ? host : session.getProperty("mail." + p + ".host");
        return new MailSecurityException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                MailEndpoint.of(MailProtocol.valueOf(family.toUpperCase(Locale.ROOT)), h == null ? "localhost" : h,
                port > 0 ? port : DEFAULT_PORTS.getOrDefault(p, 0), wiring.mode()),
                "was not contacted: this Session was built by SecureMail." + built + "(host) and refuses " + p
                + ", which it was not built for", DEFAULT_PORTS.containsKey(p) ? "build a Session for " + family
                + " with SecureMail." + family
                + "(host)...buildSession()" : "SecureMail supports SMTP, IMAP and POP3 only", List.of(), null);
    }

    /** A socket factory that makes no socket at all. */
    private static final class NoSockets extends SocketFactory {
        private static IOException refused() {
            return new IOException("SecureMail: this session was not built for this protocol and opens no connection"
                    + " for it");
        }

        @Override
        public Socket createSocket() throws IOException {
            throw refused();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw refused();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw refused();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw refused();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            throw refused();
        }
    }
}
