package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.securemail.testing.Attack;
import org.securemail.testing.HostileSmtpServer;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Outcomes typed as they are: an ambiguous delivery stays ambiguous on the drop-in path (Angus's {@code close()} used
 * to replace it with the failure of a QUIT on the dead socket), a 4xx to RCPT TO is transient with the server's reply
 * (Angus filed it under "valid unsent" with no reply), and TLS where a greeting belongs is a configuration error.
 */
class OutcomeTypesTest {

    private static MimeMessage message(Session s, String to) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("sender@example.test"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("outcome");
        m.setText("Hello over TLS.\n");
        return m;
    }

    @Test
    void dropInTransportSend_connectionLostAfterTheFinalDot_ambiguousNotAQuitFailure() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropAfterData().start()) {
            Session s = Fixtures.sender(server.port()).buildSession();
            Throwable t = catchThrowable(() -> Transport.send(message(s, "rcpt@example.test")));
            assertThat(t).isInstanceOf(AmbiguousDeliveryException.class)
                    .hasMessageContaining("the connection was lost after the whole message was sent")
                    .hasMessageContaining("retrying may deliver it twice");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void springSend_connectionLostAfterTheFinalDot_ambiguousInsideSpringsException() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropAfterData().start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port()).buildSession());
            MailSendException e = catchThrowableOfType(MailSendException.class,
                    () -> spring.send(message(spring.getSession(), "rcpt@example.test")));
            assertThat(e.getFailedMessages().values()).singleElement().isInstanceOf(AmbiguousDeliveryException.class);
        }
    }

    @Test
    void dropInTransportSend_quitFailsAfterDelivery_deliveredWithoutAnException() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropOn("QUIT").start()) {
            Session s = Fixtures.sender(server.port()).buildSession();
            Transport.send(message(s, "rcpt@example.test"));
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void onlyRecipientAnswered451_transientWithTheServersReply() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(a -> "451 4.3.0 Greylisted, try again later").start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(451);
            assertThat(e.serverReply()).contains("451 4.3.0 Greylisted, try again later");
            assertThat(e.enhancedStatus()).contains("4.3.0");
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " rejected every recipient"
                    + " (rcpt@example.test: 451 4.3.0 Greylisted, try again later): 451 4.3.0 Greylisted, try again"
                    + " later (mode STARTTLS_REQUIRED); retry later");
            assertThat(e.getValidUnsentAddresses()).extracting(Object::toString).containsExactly("rcpt@example.test");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void oneRecipientAnswered451_deliveredToTheOther_reportKeepsTheReply() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(a -> a.startsWith("later") ? "451 4.2.2 Mailbox busy" : "250 2.1.5 Ok").start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            MimeMessage m = Fixtures.message("x");
            m.setRecipients(Message.RecipientType.TO, "now@example.test, later@example.test");
            DeliveryReport r = sender.send(m);
            assertThat(r.accepted()).extracting(InternetAddress::getAddress).containsExactly("now@example.test");
            assertThat(r.rejected()).hasSize(1);
            assertThat(r.rejected().values()).containsExactly("451 4.2.2 Mailbox busy");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void dropIn_oneRecipientAnswered451_partialWithTheAddressValidButUnsent() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(a -> a.startsWith("later") ? "451 4.2.2 Mailbox busy" : "250 2.1.5 Ok").start()) {
            Session s = Fixtures.sender(server.port()).buildSession();
            SMTPSendFailedException e = catchThrowableOfType(SMTPSendFailedException.class,
                    () -> Transport.send(message(s, "now@example.test, later@example.test")));
            assertThat(e.getReturnCode()).isEqualTo(250);
            assertThat(e.getValidSentAddresses()).extracting(Object::toString).containsExactly("now@example.test");
            assertThat(e.getValidUnsentAddresses()).extracting(Object::toString).containsExactly("later@example.test");
            assertThat(e.getNextException()).hasMessageContaining("451 4.2.2 Mailbox busy");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void tlsRecordWhereAGreetingBelongs_configurationErrorNamingTheMode() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.once("\u0016\u0003\u0003\u0000\u0002\u0002\u0028")).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " answered with TLS where a greeting"
                    + " belongs (mode STARTTLS_REQUIRED); port " + server.port() + " seems to expect implicit TLS: use"
                    + " mode(SecurityMode.IMPLICIT_TLS), or port 587 with STARTTLS");
        }
    }

    @Test
    void implicitTlsAgainstACleartextGreeting_hintNamesStarttls() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(org.securemail.policy.SecurityMode.IMPLICIT_TLS)
                     .build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).contains("the server greeted in cleartext: port " + server.port()
                    + " usually speaks cleartext first: use mode(SecurityMode.STARTTLS_REQUIRED)");
        }
    }
}
