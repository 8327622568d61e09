package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;

/** {@link SmtpSender#send(MimeMessage, java.util.Collection, DeliveryOption...)}: RCPT TO for exactly these. */
class ExplicitRecipientsTest {

    @Test
    void explicitRecipients_onlyThoseGetRcpt_headersUnchanged() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            MimeMessage m = Fixtures.message("x");
            m.addRecipient(Message.RecipientType.CC, new InternetAddress("other@elsewhere.test"));
            m.addRecipient(Message.RecipientType.BCC, new InternetAddress("hidden@example.test"));
            DeliveryReport report = sender.send(m, List.of(new InternetAddress("hidden@example.test")));
            assertThat(report.accepted()).extracting(InternetAddress::getAddress).containsExactly("hidden@example.test");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("RCPT"))
                    .containsExactly("RCPT TO:<hidden@example.test>");
            assertThat(server.messages()).singleElement().asString().contains("To: rcpt@example.test",
                    "Cc: other@elsewhere.test").doesNotContain("Bcc", "hidden@");
        }
    }

    @Test
    void explicitRecipients_twoSends_sameMessageId() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            MimeMessage m = Fixtures.message("x");
            m.saveChanges();
            String id = m.getMessageID();
            DeliveryReport first = sender.send(m, List.of(new InternetAddress("a@one.test")));
            DeliveryReport second = sender.send(m, List.of(new InternetAddress("b@two.test")));
            assertThat(first.messageId()).contains(id);
            assertThat(second.messageId()).contains(id);
            assertThat(server.messages()).hasSize(2).allSatisfy(text -> assertThat(text).contains(id));
        }
    }

    @Test
    void explicitRecipients_empty_refusedBeforeConnecting() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            assertThatThrownBy(() -> sender.send(Fixtures.message("x"), List.of()))
                    .isInstanceOf(InvalidMessageException.class).hasMessageContaining("no recipient");
            assertThat(server.connections()).isZero();
        }
    }
}
