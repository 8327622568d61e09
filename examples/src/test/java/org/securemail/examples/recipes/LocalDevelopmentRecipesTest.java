package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/** The Mailpit/MailHog recipe delivers to a cleartext server on loopback, and the mode refuses what it must. */
class LocalDevelopmentRecipesTest {

    @Test
    void mailpit_cleartextServerOnLoopback_delivers() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).offerStartTls(false).start();
             SmtpSender sender = LocalDevelopmentRecipes.mailpit(server.port())) {
            assertThat(sender).hasToString("SmtpSender{SMTP localhost:" + server.port()
                    + ", INSECURE_CLEARTEXT, no credentials}");
            DeliveryReport report = sender.send(RecipeFixtures.message("dev"));
            assertThat(report.finalReply()).startsWith("250");
            assertThat(report.isEncrypted()).isFalse();
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.INSECURE_CLEARTEXT);
            assertThat(server.messages()).hasSize(1);
            assertThat(server.lines()).noneMatch(l -> l.text.startsWith("AUTH"));
        }
    }

    @Test
    void insecureMode_withCredentials_refusedWhenBuilt() {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").port(1025).insecureCleartextForLocalDevelopment()
                .credentials(Credentials.password("dev", "dev".toCharArray())).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("credentials are never sent without TLS; a local development relay does not need them");
    }

    @Test
    void insecureMode_addressOfAnotherMachine_refusedWhenBuilt() {
        assertThatThrownBy(() -> SecureMail.smtp("192.0.2.25").port(1025).insecureCleartextForLocalDevelopment()
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("insecureCleartextForLocalDevelopment() is allowed only for a server on this machine (an"
                        + " address in 127.0.0.0/8 or ::1), not 192.0.2.25: the mail would cross the network in"
                        + " cleartext; use mode(SecurityMode.IMPLICIT_TLS) or mode(SecurityMode.STARTTLS_REQUIRED)");
    }

    @Test
    void insecureMode_notSetThroughMode() {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").mode(SecurityMode.INSECURE_CLEARTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mode INSECURE_CLEARTEXT is not set through mode(...); call"
                        + " insecureCleartextForLocalDevelopment() if you really mean an unencrypted local relay");
    }
}
