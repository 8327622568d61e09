package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.WireAssertions;

/**
 * SMTP servers whose dialogue is odd but legal (RFC 5321, RFC 3207): multi-line greetings and replies, lower-case
 * keywords, extra spaces, a bare final reply code, QUIT answered by closing. SecureMail delivers the message intact
 * to each, still finds STARTTLS however it is spelled, and never sends AUTH or mail in cleartext.
 */
class OddButLegalSmtpTest {

    private static void assertNothingSentInCleartext(HostileSmtpServer server) {
        List<String> forbidden = new java.util.ArrayList<>(
                WireAssertions.secretForms("alice", new String(Fixtures.PASSWORD)));
        forbidden.add("Hello over TLS");
        WireAssertions.assertNothingSentInCleartext(server, forbidden);
    }

    private static DeliveryReport send(HostileSmtpServer server, SecurityMode mode) throws Exception {
        try (SmtpSender sender = Fixtures.sender(server.port()).mode(mode)
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            DeliveryReport report = sender.send(Fixtures.message("Odd but legal"));
            assertThat(server.messages()).singleElement().asString().contains("Subject: Odd but legal")
                    .contains("Hello over TLS.\r\nSecond line.\r\n");
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH"));
            return report;
        }
    }

    private static HostileSmtpServer.Builder server() {
        return HostileSmtpServer.builder(Fixtures.SERVER_TLS);
    }

    @Test
    void multiLineGreeting_delivered() throws Exception {
        try (HostileSmtpServer server = server().greeting("220-hostile.test ESMTP\r\n220-No UCE\r\n220 ready")
                .start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void multiLineGreetingWithBareFinalCode_delivered() throws Exception {
        try (HostileSmtpServer server = server().greeting("220-hostile.test ESMTP\r\n220").start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void lowerCaseKeywords_starttlsFoundAndUsed_authOnlyInsideTls() throws Exception {
        try (HostileSmtpServer server = server()
                .ehloReply(false, "250-hostile.test", "250-auth plain login", "250-8bitmime", "250 starttls")
                .ehloReply(true, "250-hostile.test", "250-pipelining", "250-auth plain login", "250 8bitmime")
                .start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO", "STARTTLS");
            assertNothingSentInCleartext(server);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"250-STARTTLS   ", "250-STARTTLS\t", "250-StartTLS", "250-  STARTTLS"})
    void starttlsWithTrailingSpaceOrMixedCase_found(String line) throws Exception {
        try (HostileSmtpServer server = server()
                .ehloReply(false, "250-hostile.test", line, "250 SIZE   10240000").start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO", "STARTTLS");
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void extraSpacesBetweenParameters_authMechanismsStillFound() throws Exception {
        try (HostileSmtpServer server = server()
                .ehloReply(true, "250-hostile.test  greets you", "250-AUTH   LOGIN    PLAIN  ", "250-SIZE  10240000",
                        "250 8BITMIME ")
                .start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertNothingSentInCleartext(server);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"250", "250 "})
    void ehloWithBareFinalCode_delivered(String last) throws Exception {
        // "250" or "250 " alone ends a reply (RFC 5321 4.2: the text after the code is optional).
        try (HostileSmtpServer server = server()
                .ehloReply(false, "250-hostile.test", "250-STARTTLS", last)
                .ehloReply(true, "250-hostile.test", "250-AUTH PLAIN", last).start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void singleLineEhloReplyWithoutExtensions_starttlsRequired_refusedBeforeAuth() {
        try (HostileSmtpServer server = server().authBeforeTls(true).ehloReply(false, "250 hostile.test").start();
             SmtpSender sender = Fixtures.sender(server.port())
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("Odd but legal")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " did not offer STARTTLS (mode"
                    + " STARTTLS_REQUIRED)");
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).doesNotContain("STARTTLS");
            assertNothingSentInCleartext(server);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void multiLineRepliesToEveryCommand_delivered() throws Exception {
        try (HostileSmtpServer server = server()
                .startTlsReply("220-2.0.0 Go ahead\r\n220 2.0.0 Ready to start TLS")
                .authReply("235-2.7.0 Welcome\r\n235 2.7.0 Authentication successful")
                .mailReply("250-2.1.0 Sender noted\r\n250 2.1.0 Ok")
                .rcptReply(a -> "250-2.1.5 Recipient noted\r\n250 2.1.5 Ok")
                .dataReply("354-Go on\r\n354 End data with <CR><LF>.<CR><LF>")
                .finalReply("250-2.0.0 Ok\r\n250 2.0.0 queued as MULTI42").start()) {
            DeliveryReport report = send(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(report.toString()).contains("MULTI42");
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void quitNotAnswered_serverCloses_deliveredWithoutError() throws Exception {
        try (HostileSmtpServer server = server().quitWithoutReply(true).start()) {
            send(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.tlsLines()).last().isEqualTo("QUIT");
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void implicitTls_multiLineGreetingAndLowerCaseKeywords_delivered() throws Exception {
        try (HostileSmtpServer server = server().implicitTls(true).greeting("220-hostile.test\r\n220 ESMTP")
                .ehloReply(true, "250-hostile.test", "250-auth plain", "250 8bitmime").start()) {
            send(server, SecurityMode.IMPLICIT_TLS);
            assertThat(server.cleartextBytes()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"250-  starttls", "250-STARTTLS\t"})
    void opportunistic_oddlySpacedStarttls_foundAndUsed_nothingButEhloInCleartext(String line) throws Exception {
        try (HostileSmtpServer server = server().ehloReply(false, "250-hostile.test", line, "250 8BITMIME").start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            DeliveryReport report = sender.send(Fixtures.message("Odd but legal"));
            assertThat(report.isEncrypted()).isTrue();
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO", "STARTTLS");
            assertThat(server.messages()).singleElement().asString().contains("Hello over TLS.");
            assertNothingSentInCleartext(server);
        }
    }
}
