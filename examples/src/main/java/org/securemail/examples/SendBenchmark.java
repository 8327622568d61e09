package org.securemail.examples;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.Credentials;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A benchmark harness (not a unit test): messages per second through an in-JVM SMTP server with STARTTLS and AUTH,
 * for three ways of sending, measured side by side in one run, in interleaved rounds:
 * <ol>
 *   <li>SecureMail's {@link SmtpSender}: one pooled connection, reused;</li>
 *   <li>SecureMail's drop-in session with {@code Transport.send}: a new connection per message (TCP_NODELAY);</li>
 *   <li>plain Jakarta Mail (Angus) as it ships, STARTTLS required, trusting the same CA: a new connection per
 *       message, without TCP_NODELAY.</li>
 * </ol>
 * Against the in-JVM SubEthaSMTP server by default, or against the real Postfix of the interop environment
 * ({@code interop/env/start.sh DIR}) when given {@code -Dexec.args=DIR/interop.properties}:
 * {@code mvn -B -q -DskipTests -Pdemo -Ddemo.main=org.securemail.examples.SendBenchmark -pl examples -am verify}.
 * It prints each round and the median rates, with ratios to plain Jakarta Mail.
 *
 * <p>Read the per-connection figures with the server in mind: SecureMail sets TCP_NODELAY, which removes Nagle and
 * delayed-ACK stalls against Postfix, but SubEthaSMTP leaves Nagle on its own sockets, and there a client without
 * the delay happens to wait on the server's Nagle after TLS 1.3 session tickets.
 */
public final class SendBenchmark {
    private static final int ROUNDS = 5;
    private static final int MESSAGES = 60;
    /** Postfix delivers only to alice@securemail.test; SubEthaSMTP takes anything. */
    private static final String FROM = "alice@securemail.test";

    private SendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            postfix(java.nio.file.Path.of(args[0]));
            return;
        }
        TestPki pki = TestPki.create("Benchmark");
        TestPki.Issued cert = pki.localhostLeaf().issue();
        char[] password = "bench-password".toCharArray();
        AtomicInteger received = new AtomicInteger();
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1")).hostName("localhost")
                .enableTLS().requireTLS().startTlsSocketFactory(ServerTls.context(cert)).requireAuth()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, ctx) -> {
                    if (!p.equals(new String(password))) {
                        throw new LoginFailedException("no");
                    }
                }))
                .messageHandler((ctx, from, to, data) -> received.incrementAndGet()).maxConnections(64).build();
        server.start();
        int port = server.getPortAllocated();
        TlsPolicy policy = TlsPolicy.MODERN.toBuilder()
                .trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
        try {
            run("in-JVM SubEthaSMTP", "localhost", port, policy, pki.rootCertificate(), "bench", password);
        } finally {
            server.stop();
        }
        System.out.println("  messages received: " + received.get());
    }

    /** Against the interop environment's Postfix submission port (STARTTLS required, AUTH through Dovecot). */
    private static void postfix(java.nio.file.Path properties) throws Exception {
        Properties env = new Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(properties)) {
            env.load(r);
        }
        java.security.cert.X509Certificate ca = TrustSource.pemFile(java.nio.file.Path.of(env.getProperty("ca.file")))
                .certificates().get(0);
        TlsPolicy policy = TlsPolicy.MODERN.toBuilder().trust(TrustSource.certificates(List.of(ca))).build();
        run("Postfix 3.7 (interop environment)", env.getProperty("host"),
                Integer.parseInt(env.getProperty("smtp.submission.starttls.port")), policy, ca, env.getProperty("user"),
                env.getProperty("password").toCharArray());
    }

    private static void run(String serverName, String host, int port, TlsPolicy policy,
                            java.security.cert.X509Certificate ca, String user, char[] password) throws Exception {
        SmtpSender pooled = SecureMail.smtp(host).port(port).policy(policy).maxConnections(1)
                .credentials(Credentials.password(user, password)).build();
        Session dropIn = SecureMail.smtp(host).port(port).policy(policy)
                .credentials(Credentials.password(user, password)).buildSession();
        Session plain = plainJakartaMail(host, port, ca);

        String[] names = {"SecureMail SmtpSender (pooled)", "SecureMail drop-in Transport.send",
            "plain Jakarta Mail Transport.send"};
        double[][] rates = new double[3][ROUNDS];
        try {
            for (int warm = 0; warm < 20; warm++) {
                pooled.send(message(dropIn));
                Transport.send(message(dropIn));
                Transport.send(message(plain), user, new String(password));
            }
            for (int round = 0; round < ROUNDS; round++) {
                rates[0][round] = rate(() -> pooled.send(message(dropIn)));
                rates[1][round] = rate(() -> Transport.send(message(dropIn)));
                rates[2][round] = rate(() -> Transport.send(message(plain), user, new String(password)));
                System.out.printf("round %d: %8.1f %8.1f %8.1f msg/s%n", round + 1, rates[0][round], rates[1][round],
                        rates[2][round]);
            }
        } finally {
            pooled.close();
        }
        double base = median(rates[2]);
        System.out.printf("%n%s: median of %d rounds of %d messages (STARTTLS + AUTH, one thread), Java %s%n",
                serverName, ROUNDS, MESSAGES, System.getProperty("java.version"));
        for (int i = 0; i < 3; i++) {
            System.out.printf("  %-36s %8.1f msg/s   %5.2fx plain Jakarta Mail%n", names[i], median(rates[i]),
                    median(rates[i]) / base);
        }
    }

    private interface Send {
        void run() throws MessagingException;
    }

    private static double rate(Send send) throws MessagingException {
        long start = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            send.run();
        }
        return MESSAGES / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static MimeMessage message(Session session) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(FROM));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(FROM));
        m.setSubject("benchmark");
        m.setText("x".repeat(2000));
        return m;
    }

    /** Jakarta Mail configured by hand the usual way, trusting the benchmark CA: what SecureMail replaces. */
    private static Session plainJakartaMail(String host, int port, java.security.cert.X509Certificate ca)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", ctx.getSocketFactory());
        return Session.getInstance(p);
    }
}
