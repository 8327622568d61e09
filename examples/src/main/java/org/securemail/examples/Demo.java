package org.securemail.examples;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.securemail.core.Handshake;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The demo README.md runs: no outside server needed. It starts an in-JVM SMTP server (SubEthaSMTP) on 127.0.0.1 that
 * requires STARTTLS and authentication, with a certificate generated at start; builds a sender that trusts only that
 * certificate (by its public-key pin) under the default policy; sends one message; prints the delivery report and
 * what TLS negotiated.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param out where to print
     * @return the delivery report
     * @throws Exception if the demo fails
     */
    public static DeliveryReport run(java.io.PrintStream out) throws Exception {
        // 1. A certificate for "localhost", made now, and the only thing the sender will trust.
        TestPki pki = TestPki.create("SecureMail Demo");
        TestPki.Issued serverCertificate = pki.localhostLeaf().issue();
        String pin = TrustSource.spkiPin(serverCertificate.certificate());

        // 2. An SMTP server on this machine: STARTTLS and AUTH required, messages kept in memory.
        String user = "demo";
        char[] password = randomPassword();
        List<String> inbox = new CopyOnWriteArrayList<>();
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1")).hostName("localhost")
                .enableTLS().requireTLS().startTlsSocketFactory(ServerTls.context(serverCertificate))
                .requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, ctx) -> {
                    if (!u.equals(user) || !p.equals(new String(password))) {
                        throw new LoginFailedException("wrong credentials");
                    }
                }))
                .messageHandler((ctx, from, to, data) -> inbox.add(new String(data, StandardCharsets.UTF_8)))
                .build();
        server.start();
        int port = server.getPortAllocated();
        out.println("SMTP server listening on 127.0.0.1:" + port + " (STARTTLS required), certificate " + pin);

        // 3. The sender: STARTTLS_REQUIRED is the default mode, MODERN the default policy; trust only the pin.
        TlsPolicy policy = TlsPolicy.MODERN.toBuilder().trust(TrustSource.pinnedKeys(pin)).build();
        DeliveryReport report;
        try (SmtpSender sender = SecureMail.smtp("localhost").port(port).policy(policy)
                .credentials(Credentials.password(user, password)).build()) {
            report = sender.send(message());
            Handshake tls = report.endpoint().handshake().orElseThrow();
            out.println();
            out.println("Delivered: " + report.finalReply());
            out.println("  accepted for      " + report.accepted());
            out.println("  mode              " + report.endpoint().mode());
            out.println("  TLS               " + tls.tlsVersion().protocolName() + " " + tls.cipherSuite()
                    + ", group " + tls.keyExchange().orElse("unknown"));
            out.println("  server verified   " + tls.verifiedHostName().orElse("no") + " (SNI "
                    + tls.sniHostName().orElse("none") + "), certificate \""
                    + tls.peerCertificates().get(0).getSubjectX500Principal().getName() + "\"");
            out.println("  handshake         " + tls.duration().toMillis() + " ms, connect "
                    + report.connectDuration().toMillis() + " ms, transaction "
                    + report.transactionDuration().toMillis() + " ms");
            out.println("  report            " + report);
        } finally {
            server.stop();
        }
        out.println();
        out.println("The server received " + inbox.size() + " message(s); the first begins:");
        inbox.get(0).lines().filter(l -> l.startsWith("Subject:") || l.startsWith("From:") || l.startsWith("To:"))
                .forEach(l -> out.println("  " + l));
        return report;
    }

    private static MimeMessage message() throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("demo@localhost"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("you@localhost"));
        m.setSubject("Hello from SecureMail");
        m.setText("This message and the password travelled only inside TLS that met the policy.\n");
        return m;
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }
}
