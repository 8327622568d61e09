package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;
import static org.securemail.testing.WireAssertions.secretForms;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.SmtpSender;

/** Submission services: the SES builders' settings (never contacted), and both modes against loopback servers. */
class SubmissionRecipesTest {
    private static final char[] PASSWORD = "BAbc123SesSmtpPassw0rd".toCharArray();

    @Test
    void amazonSes_defaultsToStartTlsRequiredOn587() {
        try (SmtpSender ses = SubmissionRecipes.amazonSes("eu-west-1", "AKIAEXAMPLE", PASSWORD).build()) {
            assertThat(ses).hasToString("SmtpSender{SMTP email-smtp.eu-west-1.amazonaws.com:587, STARTTLS_REQUIRED,"
                    + " Credentials{user=AKIAEXAMPLE, PASSWORD}}");
        }
    }

    @Test
    void amazonSesImplicitTls_uses465() {
        try (SmtpSender ses = SubmissionRecipes.amazonSesImplicitTls("us-east-1", "AKIAEXAMPLE", PASSWORD).build()) {
            assertThat(ses).hasToString("SmtpSender{SMTP email-smtp.us-east-1.amazonaws.com:465, IMPLICIT_TLS,"
                    + " Credentials{user=AKIAEXAMPLE, PASSWORD}}");
        }
    }

    @Test
    void amazonSes_notARegion_refusedAtOnce() {
        assertThatThrownBy(() -> SubmissionRecipes.amazonSes("evil.example.com#", "u", PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region must be an AWS region name such as eu-west-1: \"evil.example.com#\"");
    }

    @Test
    void submission_startTlsRequired_deliversWithAuthInsideTlsOnly() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start();
             SmtpSender sender = SubmissionRecipes.submission("localhost", SecurityMode.STARTTLS_REQUIRED, "apikey",
                     PASSWORD).port(server.port()).policy(RecipeFixtures.POLICY).timeouts(RecipeFixtures.FAST)
                     .build()) {
            DeliveryReport report = sender.send(RecipeFixtures.message("587"));
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH PLAIN"));
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO", "STARTTLS");
            assertNothingSentInCleartext(server, secretForms("apikey", new String(PASSWORD)));
        }
    }

    @Test
    void submission_implicitTls_sendsNothingInCleartext() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).implicitTls(true).start();
             SmtpSender sender = SubmissionRecipes.submission("localhost", SecurityMode.IMPLICIT_TLS, "apikey",
                     PASSWORD).port(server.port()).policy(RecipeFixtures.POLICY).timeouts(RecipeFixtures.FAST)
                     .build()) {
            DeliveryReport report = sender.send(RecipeFixtures.message("465"));
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
            assertThat(server.cleartextLines()).isEmpty();
            assertThat(server.messages()).hasSize(1);
            assertNothingSentInCleartext(server, List.of(new String(PASSWORD)));
        }
    }
}
