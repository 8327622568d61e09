package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/** Sending through SubEthaSMTP, an in-JVM SMTP server, with STARTTLS and with implicit TLS. */
class SubethaSendTest {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    private SMTPServer start(boolean implicitTls) throws Exception {
        SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1")).hostName("localhost")
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                    if (!user.equals("alice") || !password.equals(new String(Fixtures.PASSWORD))) {
                        throw new LoginFailedException("bad credentials");
                    }
                }))
                .messageHandler((ctx, from, to, data) -> received.add(from + " -> " + to + "\n"
                        + new String(data, java.nio.charset.StandardCharsets.UTF_8)));
        if (implicitTls) {
            b.serverSocketFactory(Fixtures.SERVER_TLS);
        } else {
            b.enableTLS().requireTLS().requireAuth().startTlsSocketFactory(Fixtures.SERVER_TLS);
        }
        server = b.build();
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void starttlsRequired_withPassword_deliversAndReportsTls(TlsProvider provider) throws Exception {
        start(false);
        try (SmtpSender sender = Fixtures.sender(server.getPortAllocated()).policy(Fixtures.policy(provider))
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            DeliveryReport report = sender.send(Fixtures.message("hello starttls"));
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.STARTTLS_REQUIRED);
            assertThat(report.isEncrypted()).isTrue();
            assertThat(report.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
            assertThat(report.endpoint().handshake().orElseThrow().tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
            assertThat(report.endpoint().handshake().orElseThrow().provider()).isEqualTo(provider);
            assertThat(report.accepted()).containsExactly(new InternetAddress("rcpt@example.test"));
            assertThat(report.rejected()).isEmpty();
            assertThat(report.finalReply()).startsWith("250");
            assertThat(report.isConnectionReused()).isFalse();
            assertThat(received).singleElement().asString().contains("Subject: hello starttls")
                    .contains("Hello over TLS.\r\nSecond line.");

            DeliveryReport second = sender.send(Fixtures.message("second"));
            assertThat(second.isConnectionReused()).isTrue();
            assertThat(received).hasSize(2);
        }
    }

    @Test
    void implicitTls_deliversWithoutStarttls() throws Exception {
        start(true);
        try (SmtpSender sender = Fixtures.sender(server.getPortAllocated()).mode(SecurityMode.IMPLICIT_TLS)
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            DeliveryReport report = sender.send(Fixtures.message("hello implicit"));
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
            assertThat(report.endpoint().handshake()).isPresent();
            assertThat(received).hasSize(1);
        }
    }

    @Test
    void wrongPassword_credentialsRejected_afterTlsOnly() throws Exception {
        start(false);
        try (SmtpSender sender = Fixtures.sender(server.getPortAllocated())
                .credentials(Credentials.password("alice", "wrong".toCharArray())).build()) {
            assertThatThrownBy(() -> sender.send(Fixtures.message("x")))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageStartingWith("localhost:" + server.getPortAllocated() + " rejected the credentials of"
                            + " alice");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void dropInSession_transportSendObeysThePolicy() throws Exception {
        start(false);
        Session session = Fixtures.sender(server.getPortAllocated())
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build().session();
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.test"));
        m.setSubject("drop-in");
        m.setText("via Transport.send");
        Transport.send(m);
        assertThat(received).singleElement().asString().contains("Subject: drop-in");
        assertThat(session.getTransport("smtp").getClass().getSimpleName()).isEqualTo("HardenedSmtpTransport");
        assertThat(session.getTransport("smtps").getClass().getSimpleName()).isEqualTo("HardenedSmtpTransport");
    }
}
