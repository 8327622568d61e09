package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Session;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The drop-in Session handed to Spring's {@link JavaMailSenderImpl#setSession}, the way most Spring applications send:
 * Spring's own sending code then runs on SecureMail's hardened transport.
 */
class SpringDropInTest {

    private static SimpleMailMessage springMessage() {
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom("sender@example.test");
        m.setTo("rcpt@example.test");
        m.setSubject("from spring");
        m.setText("Hello over TLS.\nSecond line.\n");
        return m;
    }

    private static void assertNoSecretInCleartext(HostileSmtpServer server) {
        String password = new String(Fixtures.PASSWORD);
        assertThat(server.cleartextLines()).allSatisfy(line -> assertThat(line.toUpperCase())
                .doesNotStartWith("AUTH").doesNotStartWith("MAIL").doesNotStartWith("RCPT")
                .doesNotStartWith("DATA"));
        assertThat(server.cleartextBytes()).doesNotContain(password).doesNotContain("Hello over TLS")
                .doesNotContain(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(Base64.getEncoder().encodeToString(("\0alice\0" + password)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void springSender_withSecureMailSession_sendsOnlyInsideTls() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            Session session = Fixtures.sender(server.port())
                    .credentials(Credentials.password("alice", Fixtures.PASSWORD)).buildSession();
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(session);

            spring.send(springMessage());

            assertThat(server.messages()).singleElement().asString().contains("Subject: from spring")
                    .contains("Hello over TLS.\r\nSecond line.");
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH PLAIN"))
                    .anyMatch(l -> l.startsWith("MAIL FROM:<sender@example.test>"));
            assertNoSecretInCleartext(server);
        }
    }

    @Test
    void springsOwnUsernameAndPassword_alsoTravelOnlyInsideTls() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port()).buildSession());
            spring.setUsername("alice");
            spring.setPassword(new String(Fixtures.PASSWORD));

            spring.send(springMessage());

            assertThat(server.messages()).hasSize(1);
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH "));
            assertNoSecretInCleartext(server);
        }
    }

    @Test
    void strippedStarttls_springGetsTheSecurityRefusal_andNothingLeaves() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port())
                    .credentials(Credentials.password("alice", Fixtures.PASSWORD)).buildSession());

            MailSendException e = catchThrowableOfType(MailSendException.class, () -> spring.send(springMessage()));

            assertThat(e.getFailedMessages().values()).singleElement()
                    .isInstanceOfSatisfying(MailSecurityException.class, s -> assertThat(s.reason())
                            .isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED));
            assertThat(server.messages()).isEmpty();
            assertNoSecretInCleartext(server);
        }
    }

    @Test
    void springProtocolSmtps_stillFollowsTheSessionsMode() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port())
                    .credentials(Credentials.password("alice", Fixtures.PASSWORD)).buildSession());
            spring.setProtocol("smtps");

            MailSendException e = catchThrowableOfType(MailSendException.class, () -> spring.send(springMessage()));

            assertThat(e.getFailedMessages().values()).singleElement().isInstanceOf(MailSecurityException.class);
            assertNoSecretInCleartext(server);
        }
    }
}
