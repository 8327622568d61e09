package org.securemail.examples.recipes;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.Attack;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;

/**
 * Provokes the failures docs/errors.md describes, against servers on 127.0.0.1, and keeps each with its message in
 * the words the docs use: {@code localhost:<port>} becomes {@code mail.example.com:587} (or {@code :465},
 * {@code imap.example.com:993}), so that the test can check the documented message is the real one.
 */
final class FailureCatalogue {
    static final char[] PASSWORD = "catalogue-Passw0rd".toCharArray();
    static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    /** A provoked failure and its message as documented. */
    record Provoked(Exception failure, String documentedMessage) {
    }

    private FailureCatalogue() {
    }

    static MimeMessage message() throws MessagingException {
        return RecipeFixtures.message("catalogue");
    }

    private static Provoked send(String name, HostileSmtpServer server, UnaryOperator<SmtpSender.Builder> settings,
            String docHost) {
        try (server; SmtpSender sender = settings.apply(SecureMail.smtp("localhost").port(server.port())
                .policy(RecipeFixtures.POLICY).timeouts(TIMEOUTS).credentials(Credentials.password("app", PASSWORD)))
                .build()) {
            sender.send(message());
            throw new AssertionError(name + ": the send did not fail");
        } catch (MessagingException e) {
            return new Provoked(e, normalise(e.getMessage(), server.port(), docHost));
        }
    }

    static String normalise(String message, int port, String docHostAndPort) {
        String docPort = docHostAndPort.substring(docHostAndPort.indexOf(':') + 1);
        return message.replace("localhost:" + port, docHostAndPort).replace("port " + port, "port " + docPort);
    }

    private static HostileSmtpServer tlsServer(TestPki.LeafBuilder leaf) {
        return HostileSmtpServer.builder(ServerTls.context(leaf.issue())).start();
    }

    private static HostileSmtpServer.Builder server() {
        return HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS);
    }

    /**
     * Provokes every failure of the catalogue.
     *
     * @return the failures, keyed by the heading of their section in docs/errors.md
     */
    static Map<String, Provoked> provokeAll() throws Exception {
        Map<String, Provoked> all = new LinkedHashMap<>();
        String smtp = "mail.example.com:587";
        UnaryOperator<SmtpSender.Builder> same = b -> b;
        sendAs(all, "STARTTLS_NOT_OFFERED", server().offerStartTls(false).start(), same, smtp);
        sendAs(all, "STARTTLS_REFUSED", server().startTlsReply("454 4.7.0 TLS not available due to temporary reason")
                .start(), same, smtp);
        sendAs(all, "DATA_AFTER_STARTTLS", server().afterGoAhead("250-AUTH PLAIN\r\n250 injected\r\n").start(), same,
                smtp);
        sendAs(all, "CAPABILITIES_AFTER_STARTTLS_FAILED", server().ehloAfterTlsReply("554 5.5.1 no").start(), same,
                smtp);
        sendAs(all, "OVERSIZED_REPLY", server().attack("GREETING", false, Attack.endlessLine("220 ")).start(), same,
                smtp);
        TestPki other = TestPki.create("Unknown Issuer");
        sendAs(all, "CERTIFICATE_UNTRUSTED", tlsServer(other.localhostLeaf()), same, smtp);
        all.put("TLS_REFUSED", all.get("CERTIFICATE_UNTRUSTED"));
        TestPki pki = RecipeFixtures.PKI;
        sendAs(all, "HOST_NAME_MISMATCH", tlsServer(pki.leaf().dnsNames("mail.other.test")), same, smtp);
        sendAs(all, "CERTIFICATE_EXPIRED", tlsServer(pki.localhostLeaf().expired()), same, smtp);
        sendAs(all, "CERTIFICATE_NOT_YET_VALID", tlsServer(pki.localhostLeaf().notYetValid()), same, smtp);
        sendAs(all, "CERTIFICATE_CHAIN_INCOMPLETE", HostileSmtpServer.builder(ServerTls.context(
                pki.localhostLeaf().issue().withoutIntermediates())).start(), same, smtp);
        sendAs(all, "CERTIFICATE_SELF_SIGNED", tlsServer(pki.localhostLeaf().selfSigned()), same, smtp);
        TlsPolicy otherPin = TlsPolicy.MODERN.toBuilder()
                .trust(TrustSource.pinnedKeys("sha256/" + "A".repeat(43) + "=")).build();
        sendAs(all, "CERTIFICATE_PIN_MISMATCH", server().start(), b -> b.policy(otherPin), smtp);
        sendAs(all, "CERTIFICATE_KEY_TOO_WEAK", tlsServer(pki.localhostLeaf().rsa(1024)), same, smtp);
        sendAs(all, "CERTIFICATE_SIGNATURE_WEAK", tlsServer(pki.localhostLeaf().signatureAlgorithm("SHA1withRSA")),
                same, smtp);
        sendAs(all, "HANDSHAKE_FAILED", server().start(), b -> b.mode(SecurityMode.IMPLICIT_TLS), smtp);
        Timeouts oneSecond = TIMEOUTS.withConnect(Duration.ofSeconds(1)).withRead(Duration.ofSeconds(1));
        sendAs(all, "Wrong mode for the port", server().implicitTls(true).start(), b -> b.timeouts(oneSecond),
                "mail.example.com:465");
        sendAs(all, "A step took too long", server().stallOn("DATA").start(), b -> b.timeouts(oneSecond), smtp);
        sendAs(all, "CredentialsRejectedException", server().authReply("535 5.7.8 Authentication credentials invalid")
                .start(), same, smtp);
        sendAs(all, "TransientDeliveryException", server().rcptReply(a -> "450 4.2.0 Mailbox busy, try later")
                .start(), same, smtp);
        sendAs(all, "PermanentDeliveryException", server().rcptReply(a -> "550 5.1.1 User unknown").start(), same,
                smtp);
        sendAs(all, "AmbiguousDeliveryException", server().dropAfterData().start(), same, smtp);
        sendAs(all, "The OAuth 2.0 token supplier failed", server().start(), b -> b.credentials(Credentials.oauth2(
                "app", () -> {
                    throw new IllegalStateException("could not fetch an OAuth 2.0 access token: token endpoint"
                            + " https://oauth2.googleapis.com/token answered HTTP 400: invalid_grant (Token has been"
                            + " expired or revoked.); if the refresh token expired or was revoked, sign in again");
                })), smtp);
        all.put("InvalidMessageException", invalidMessage());
        all.put("UNSAFE_CONFIGURATION", unsafeConfiguration());
        all.put("MailConnectionException", connectionRefused());
        return all;
    }

    private static void sendAs(Map<String, Provoked> all, String name, HostileSmtpServer server,
            UnaryOperator<SmtpSender.Builder> settings, String docHost) {
        all.put(name, send(name, server, settings, docHost));
    }

    private static Provoked invalidMessage() throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("app@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
        m.setHeader("X-Ticket", "42\r\nBcc: victim@example.test");
        m.setText("x");
        try (HostileSmtpServer server = server().start();
             SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).policy(RecipeFixtures.POLICY)
                     .timeouts(TIMEOUTS).build()) {
            sender.send(m);
            throw new AssertionError("the send did not fail");
        } catch (MessagingException e) {
            return new Provoked(e, e.getMessage());
        }
    }

    private static Provoked unsafeConfiguration() {
        Session session = SecureMail.smtp("localhost").buildSession();
        try {
            session.getStore("imap").connect("localhost", "alice", "password");
            throw new AssertionError("the store connected");
        } catch (MessagingException e) {
            return new Provoked(e, e.getMessage().replace("localhost:", "mail.example.com:")
                    .replace("\"localhost\"", "\"mail.example.com\""));
        }
    }

    private static Provoked connectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();                      // closed again at once: nothing listens there
        }
        try (ImapFetcher imap = SecureMail.imap("localhost").port(port).policy(RecipeFixtures.POLICY)
                .timeouts(TIMEOUTS).credentials(Credentials.password("alice", PASSWORD)).build()) {
            imap.folders();
            throw new AssertionError("folders() did not fail");
        } catch (MessagingException e) {
            return new Provoked(e, normalise(e.getMessage(), port, "imap.example.com:993"));
        }
    }
}
