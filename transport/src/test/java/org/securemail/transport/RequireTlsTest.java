package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** REQUIRETLS (RFC 8689): only over authenticated TLS, only to a server that offers it, with the MAIL parameter. */
class RequireTlsTest {

    private static boolean mailSent(HostileSmtpServer server) {
        return server.tlsLines().stream().anyMatch(l -> l.startsWith("MAIL"))
                || server.cleartextLines().stream().anyMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void requireTls_serverOffersIt_sentWithTheMailParameter() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).extensions("REQUIRETLS")
                .start(); SmtpSender sender = Fixtures.sender(server.port()).build()) {
            sender.send(Fixtures.message("x"), DeliveryOption.REQUIRE_TLS);
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("MAIL FROM")).singleElement().asString()
                    .endsWith(" REQUIRETLS");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void withoutTheOption_noParameter_evenWhereOffered() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).extensions("REQUIRETLS")
                .start(); SmtpSender sender = Fixtures.sender(server.port()).build()) {
            sender.send(Fixtures.message("x"));
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("MAIL FROM")).singleElement().asString()
                    .doesNotContain("REQUIRETLS");
        }
    }

    @Test
    void requireTls_serverDoesNotOfferIt_permanentFailureNothingSent() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x"), DeliveryOption.REQUIRE_TLS));
            assertThat(e.getMessage()).contains("does not offer REQUIRETLS").contains("RFC 8689");
            assertThat(e.isRetryable()).isFalse();
            assertThat(mailSent(server)).isFalse();
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void requireTls_opportunisticUnauthenticatedTls_refusedNothingSent() {
        TestPki.Issued selfSigned = Fixtures.PKI.localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(selfSigned))
                .extensions("REQUIRETLS").start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x"), DeliveryOption.REQUIRE_TLS));
            assertThat(e.getMessage()).contains("TLS without an authenticated server");
            assertThat(mailSent(server)).isFalse();
        }
    }

    @Test
    void requireTls_opportunisticCleartext_refusedNothingSent() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .extensions("REQUIRETLS").start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x"), DeliveryOption.REQUIRE_TLS));
            assertThat(e.getMessage()).contains("this connection is cleartext");
            assertThat(mailSent(server)).isFalse();
        }
    }

    @Test
    void dropIn_mailExtensionRequireTls_sameRules() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            jakarta.mail.Session session = Fixtures.sender(server.port()).buildSession();
            SMTPMessage m = new SMTPMessage(session);
            m.setFrom("sender@example.test");
            m.setRecipients(jakarta.mail.Message.RecipientType.TO, "rcpt@example.test");
            m.setText("x");
            m.setMailExtension("REQUIRETLS");
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> Transport.send(m));
            assertThat(e.getMessage()).contains("does not offer REQUIRETLS");
            assertThat(mailSent(server)).isFalse();
        }
    }

    @Test
    void nullOption_refused() {
        try (SmtpSender sender = Fixtures.sender(2525).build()) {
            assertThat(catchThrowableOfType(NullPointerException.class,
                    () -> sender.send(Fixtures.message("x"), (DeliveryOption) null))).hasMessage("option");
        }
    }
}
