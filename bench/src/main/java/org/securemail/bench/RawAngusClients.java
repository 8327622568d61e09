package org.securemail.bench;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.TlsPolicy;

/**
 * The raw Jakarta Mail (Angus Mail 2.0.5) contenders, configured by hand the way a careful user does: STARTTLS
 * required, AUTH, and an {@link SSLSocketFactory} from an SSLContext whose only trust anchor is the run's CA (never
 * trust-all, never {@code ssl.trust}). Angus checks the server's host name itself ({@code ssl.checkserveridentity}
 * is true by default in 2.0.5).
 *
 * <p>"As shipped" adds nothing else. "Identical TLS" also offers exactly the TLS versions and cipher suites of
 * SecureMail's default policy, in the same order, from the same provider (SunJSSE), and sets TCP_NODELAY as SecureMail
 * does, so that a comparison measures SecureMail's own overhead and nothing else.
 */
final class RawAngusClients {
    private RawAngusClients() {
    }

    /** The JDK's default SSLContext type, trusting only {@code ca}. */
    static SSLContext trusting(X509Certificate ca, TrustManagerHook hook) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            TrustManager[] tms = tmf.getTrustManagers();
            if (hook != null) {
                tms = new TrustManager[] {hook.wrap((X509ExtendedTrustManager) tms[0])};
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tms, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the raw contender's SSLContext: " + e, e);
        }
    }

    /** The TLS versions of SecureMail's default policy, as Jakarta Mail's space-separated list. */
    static String protocols() {
        return "TLSv1.3 TLSv1.2";
    }

    /** SecureMail's default suites that the JDK supports, in the policy's order. */
    static String[] suites(SSLContext ctx) {
        Set<String> supported = new HashSet<>(Arrays.asList(ctx.getSupportedSSLParameters().getCipherSuites()));
        List<String> out = new ArrayList<>();
        for (CipherSuite s : TlsPolicy.MODERN.cipherSuites()) {
            if (supported.contains(s.name())) {
                out.add(s.name());
            }
        }
        return out.toArray(new String[0]);
    }

    private static Properties asShippedProperties(SmtpTarget t, SSLContext ctx) {
        Properties p = new Properties();
        p.put("mail.smtp.host", t.host());
        p.put("mail.smtp.port", Integer.toString(t.port()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", ctx.getSocketFactory());
        return p;
    }

    private static Properties identicalTlsProperties(SmtpTarget t, SSLContext ctx) {
        Properties p = asShippedProperties(t, ctx);
        p.put("mail.smtp.ssl.protocols", protocols());
        p.put("mail.smtp.ssl.ciphersuites", String.join(" ", suites(ctx)));
        p.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
        return p;
    }

    /** {@code Transport.send} per message, Angus as shipped: P0's and P2's baseline. */
    static SmtpClient asShipped(SmtpTarget t) {
        return perMessage(t, Session.getInstance(asShippedProperties(t, trusting(t.ca(), null))));
    }

    /** {@code Transport.send} per message with identical TLS and TCP_NODELAY: how much of P0 is Nagle. */
    static SmtpClient perMessageIdenticalTls(SmtpTarget t) {
        return perMessage(t, Session.getInstance(identicalTlsProperties(t, trusting(t.ca(), null))));
    }

    private static SmtpClient perMessage(SmtpTarget t, Session session) {
        String password = new String(t.password());
        return new SmtpClient() {
            @Override
            public void send(Mail mail, long sequence) throws Exception {
                Transport.send(mail.build(session, sequence), t.user(), password);
            }

            @Override
            public void close() {
            }
        };
    }

    /** One connection, connected once and reused, identical TLS: P1, P2 (one per thread), P4, latency. */
    static SmtpClient reusedConnection(SmtpTarget t) {
        Session session = Session.getInstance(identicalTlsProperties(t, trusting(t.ca(), null)));
        String password = new String(t.password());
        return new SmtpClient() {
            private Transport transport;

            @Override
            public void send(Mail mail, long sequence) throws Exception {
                if (transport == null) {
                    transport = session.getTransport("smtp");
                    transport.connect(t.host(), t.port(), t.user(), password);
                }
                MimeMessage m = mail.build(session, sequence);
                m.saveChanges();
                transport.sendMessage(m, m.getAllRecipients());
            }

            @Override
            public void close() throws MessagingException {
                if (transport != null) {
                    transport.close();
                }
            }
        };
    }

    /**
     * Plain JSSE for P3, the reference for what the JDK itself does: the same versions, suites and provider, SNI,
     * and the JDK's own host-name check ({@code HTTPS} endpoint identification).
     */
    static TlsClient jdkTls(SmtpTarget t) {
        TrustManagerHook counter = new TrustManagerHook();
        SSLContext ctx = trusting(t.ca(), counter);
        String[] suites = suites(ctx);
        Map<SSLSocket, Boolean> resumed = new WeakHashMap<>();
        return new TlsClient() {
            @Override
            public SSLSocket handshake(Socket connected) throws IOException {
                long before = counter.checks;
                SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(connected, t.host(),
                        t.implicitPort(), true);
                SSLParameters p = s.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setCipherSuites(suites);
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                resumed.put(s, counter.checks == before);
                return s;
            }

            @Override
            public boolean resumed(SSLSocket socket) {
                return resumed.getOrDefault(socket, false);
            }
        };
    }

    /**
     * IMAP over implicit TLS with identical TLS and TCP_NODELAY, and the ideal {@link FetchProfile} (ENVELOPE, FLAGS,
     * UID) for all the messages at once: P5's baseline.
     */
    static MailboxReader imap(ImapTarget t) {
        SSLContext ctx = trusting(t.ca(), null);
        Properties p = new Properties();
        p.put("mail.imaps.host", t.host());
        p.put("mail.imaps.port", Integer.toString(t.port()));
        p.put("mail.imaps.ssl.socketFactory", new NoDelaySslSocketFactory(ctx.getSocketFactory()));
        p.put("mail.imaps.ssl.protocols", protocols());
        p.put("mail.imaps.ssl.ciphersuites", String.join(" ", suites(ctx)));
        Session session = Session.getInstance(p);
        String password = new String(t.password());
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(UIDFolder.FetchProfileItem.UID);
        return (folderName, count) -> {
            Store store = session.getStore("imaps");
            store.connect(t.host(), t.port(), t.user(), password);
            try {
                Folder folder = store.getFolder(folderName);
                folder.open(Folder.READ_ONLY);
                try {
                    int total = folder.getMessageCount();
                    Message[] messages = folder.getMessages(Math.max(1, total - count + 1), total);
                    folder.fetch(messages, profile);
                    UIDFolder uids = (UIDFolder) folder;
                    List<MailboxReader.Summary> out = new ArrayList<>(messages.length);
                    for (int i = messages.length - 1; i >= 0; i--) {
                        MimeMessage m = (MimeMessage) messages[i];
                        out.add(new MailboxReader.Summary(uids.getUID(m), m.getMessageID(),
                                InternetAddress.toString(m.getFrom()),
                                InternetAddress.toString(m.getRecipients(Message.RecipientType.TO)), m.getSubject(),
                                millis(m.getSentDate()), millis(m.getReceivedDate()),
                                m.getFlags().contains(Flags.Flag.SEEN), m.getSize()));
                    }
                    return out;
                } finally {
                    folder.close(false);
                }
            } finally {
                store.close();
            }
        };
    }

    private static long millis(Date d) {
        return d == null ? -1 : d.getTime();
    }

    /** The plain-socket factory that Jakarta Mail takes as an object: its sockets set TCP_NODELAY. */
    static final class NoDelaySocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = new Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket s = new Socket(host, port, localHost, localPort);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = new Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = new Socket(address, port, localAddress, localPort);
            s.setTcpNoDelay(true);
            return s;
        }
    }

    /**
     * For implicit TLS, Angus makes the plain socket itself when given an SSL socket factory: this one sets
     * TCP_NODELAY on it before layering TLS, and otherwise only delegates.
     */
    static final class NoDelaySslSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        NoDelaySslSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            s.setTcpNoDelay(true);
            return delegate.createSocket(s, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }

    /** Counts server-certificate checks: a TLS handshake without one resumed a session. */
    static final class TrustManagerHook {
        volatile long checks;

        X509ExtendedTrustManager wrap(X509ExtendedTrustManager d) {
            return new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                        throws CertificateException {
                    d.checkClientTrusted(chain, authType, socket);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                        throws CertificateException {
                    checks++;
                    d.checkServerTrusted(chain, authType, socket);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                        throws CertificateException {
                    d.checkClientTrusted(chain, authType, engine);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                        throws CertificateException {
                    checks++;
                    d.checkServerTrusted(chain, authType, engine);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    d.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    checks++;
                    d.checkServerTrusted(chain, authType);
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return d.getAcceptedIssuers();
                }
            };
        }
    }
}
