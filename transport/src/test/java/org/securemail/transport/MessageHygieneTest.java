package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;

/** Messages that could smuggle headers or SMTP commands are refused before a byte is sent; bodies go out canonical. */
class MessageHygieneTest {

    private static void assertRefusedBeforeConnecting(MimeMessage m, String message) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            assertThatThrownBy(() -> sender.send(m)).isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining(message);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void headerValueWithCrlfInjection_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setHeader("Subject", "hello\r\nBcc: victim@example.test");
        assertRefusedBeforeConnecting(m, "message header Subject contains a line break that is not folding");
    }

    @Test
    void headerValueWithBareLf_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setHeader("X-Note", "a\nb");
        assertRefusedBeforeConnecting(m, "header X-Note contains a line break that is not folding");
    }

    @Test
    void headerValueWithNul_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setHeader("X-Note", "a\0b");
        assertRefusedBeforeConnecting(m, "header X-Note contains a NUL character");
    }

    @Test
    void headerLineOver998Octets_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setHeader("X-Long", "a".repeat(1000));
        assertRefusedBeforeConnecting(m, "header X-Long has a line longer than 998 octets");
    }

    @Test
    void bodyLineOver998OctetsIn7bit_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setText("b".repeat(1200));
        m.setHeader("Content-Transfer-Encoding", "7bit");
        assertRefusedBeforeConnecting(m, "line 1 of its body is longer than 998 octets");
    }

    @Test
    void nulInBody_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.setText("before\0after");
        m.setHeader("Content-Transfer-Encoding", "8bit");
        assertRefusedBeforeConnecting(m, "message contains a NUL octet");
    }

    @Test
    void missingSender_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.removeHeader("From");
        assertRefusedBeforeConnecting(m, "message has no sender: set it with setFrom(...)");
    }

    @Test
    void missingRecipients_refused() throws Exception {
        MimeMessage m = Fixtures.message("x");
        m.removeHeader("To");
        assertRefusedBeforeConnecting(m, "message has no recipient");
    }

    @Test
    void foldedHeader_accepted() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            MimeMessage m = Fixtures.message("x");
            m.setHeader("X-Folded", "first part\r\n second part");
            sender.send(m);
            assertThat(server.messages()).singleElement().asString().contains("X-Folded: first part\r\n second part");
        }
    }

    @Test
    void bareLineEndingsAndDots_goOutAsCrlfAndDotStuffed_noSmuggledEndOfData() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).offerStartTls(false).start();
             SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).timeouts(Fixtures.FAST)
                     .insecureCleartextForLocalDevelopment().build()) {
            MimeMessage m = Fixtures.message("smuggle");
            m.setText("line1\n.\nMAIL FROM:<evil@example.test>\r.\rline4\n.\r\nend\n");
            m.setHeader("Content-Transfer-Encoding", "7bit");
            sender.send(m);
            String wire = server.cleartextBytes();
            assertThat(wire.replace("\r\n", "")).as("no bare CR or LF on the wire").doesNotContain("\r")
                    .doesNotContain("\n");
            assertThat(server.messages()).singleElement().asString()
                    .contains("line1\r\n..\r\nMAIL FROM:<evil@example.test>\r\n..\r\nline4\r\n..\r\nend\r\n");
        }
    }

    // ---- a drop-in Transport.sendMessage without saveChanges(): Jakarta saves the message while writing it ----

    private static void sendUnsaved(HostileSmtpServer server, MimeMessage m) throws Exception {
        jakarta.mail.Session session = Fixtures.sender(server.port()).buildSession();
        try (jakarta.mail.Transport t = session.getTransport()) {
            t.connect();
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    @Test
    void dropIn_unsavedMessage_deliveredWithTheHeadersJakartaAdds() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            sendUnsaved(server, Fixtures.message("unsaved"));
            assertThat(server.messages()).singleElement().asString().contains("Message-ID: <", "MIME-Version: 1.0",
                    "Subject: unsaved");
        }
    }

    @Test
    void dropIn_unsavedMessage_headerInjection_refusedNothingSent() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            MimeMessage m = Fixtures.message("x");
            m.setHeader("X-Note", "hello\r\nBcc: victim@example.test");
            assertThatThrownBy(() -> sendUnsaved(server, m)).isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("X-Note");
            assertThat(server.messages()).isEmpty();
            assertThat(server.tlsLines()).noneMatch(l -> l.startsWith("MAIL") || l.startsWith("DATA"));
        }
    }
}
