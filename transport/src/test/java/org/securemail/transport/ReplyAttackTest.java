package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.Attack;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;

/**
 * What a server makes the client read is bounded, before TLS (an on-path attacker with no certificate at all) and
 * inside it, and no step lasts longer than its deadline however the server paces its bytes. This class runs in a JVM
 * with a 64 MiB heap (surefire execution "small-heap"): a client that reads without limits does not pass here by luck;
 * it fails with {@code OutOfMemoryError}, which must never escape.
 */
class ReplyAttackTest {
    private static final Timeouts DRIP = Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofSeconds(5))
            .withOperation(Duration.ofSeconds(2));

    private static Throwable send(HostileSmtpServer server, Timeouts timeouts) {
        try (SmtpSender sender = Fixtures.sender(server.port()).timeouts(timeouts)
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            return catchThrowable(() -> sender.send(Fixtures.message("attack")));
        }
    }

    private static MailSecurityException oversized(Throwable t) {
        assertThat(t).isInstanceOf(MailSecurityException.class);
        MailSecurityException e = (MailSecurityException) t;
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.OVERSIZED_REPLY);
        return e;
    }

    @Test
    void smtp_endlessMultilineGreetingBeforeTls_refusedAfterAHundredLines() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.endlessLines("220-" + "x".repeat(70))).start()) {
            MailSecurityException e = oversized(send(server, Fixtures.FAST));
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " sent a reply of more than 100 lines"
                    + " before TLS (mode STARTTLS_REQUIRED); the connection was closed before SecureMail read it; a"
                    + " mail server never needs that much before TLS, so something between it and this machine may"
                    + " be trying to exhaust memory");
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void smtp_greetingLineWithoutEnd_refusedAt4KiB() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.endlessLine("220 ")).start()) {
            MailSecurityException e = oversized(send(server, Fixtures.FAST));
            assertThat(e.getMessage()).contains("sent a line longer than 4096 octets before TLS");
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void smtp_endlessEhloReplyInsideTls_refusedAfterAThousandLines() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("EHLO", true, Attack.endlessLines("250-" + "x".repeat(70))).start()) {
            MailSecurityException e = oversized(send(server, Fixtures.FAST));
            assertThat(e.getMessage()).contains("sent a reply of more than 1000 lines inside TLS");
            assertThat(server.tlsLines()).noneMatch(l -> l.startsWith("AUTH") || l.startsWith("MAIL"));
        }
    }

    @Test
    void smtp_greetingDrippedJustInsideTheReadTimeout_endsAtTheStepDeadline() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.drip("220-slow\r\n", Duration.ofMillis(200))).start()) {
            long start = System.nanoTime();
            Throwable t = send(server, DRIP);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(t).isInstanceOf(TransientDeliveryException.class).hasMessageStartingWith("localhost:"
                    + server.port() + " took longer than allowed for connecting (limit 2 s), so the connection was"
                    + " closed (mode STARTTLS_REQUIRED)");
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void smtp_replyToMailDrippedInsideTls_endsAtTheStepDeadline() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .attack("MAIL", true, Attack.drip("250-ok\r\n", Duration.ofMillis(200))).start()) {
            Throwable t = send(server, DRIP);
            assertThat(t).isInstanceOf(TransientDeliveryException.class)
                    .hasMessageContaining("took longer than allowed for MAIL (limit 2 s)");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void imap_greetingAnnouncingA2GiBLiteral_refusedBeforeAnyAllocation() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.once("* OK {2147483000}\r\n")).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MailSecurityException e = oversized(catchThrowable(imap::folders));
            assertThat(e.getMessage()).contains("announced an IMAP literal of 2147483000 octets before TLS, where a"
                    + " server has no reason to send one");
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void imap_literalOverTheMaximumInsideTls_refused() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true)
                .attack("GREETING", true, Attack.once("* OK [ALERT] {40000000}\r\n")).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS)
                     .maxLiteralSize(1024 * 1024).build()) {
            MailSecurityException e = oversized(catchThrowable(imap::folders));
            assertThat(e.getMessage()).contains("announced an IMAP literal of 40000000 octets inside TLS, more than"
                    + " the maximum of 1048576");
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void imap_endlessCapabilityLineBeforeTls_refused() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.endlessLine("* OK [CAPABILITY IMAP4rev1 ")).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MailSecurityException e = oversized(catchThrowable(imap::folders));
            assertThat(e.getMessage()).contains("sent a line longer than 4096 octets before TLS");
        }
    }

    @Test
    void imap_greetingDripped_endsAtTheStepDeadline() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.drip("* OK slow\r\n", Duration.ofMillis(200))).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).timeouts(DRIP)
                     .build()) {
            Throwable t = catchThrowable(imap::folders);
            assertThat(t).isInstanceOf(MailConnectionException.class)
                    .hasMessageContaining("took longer than allowed for connecting (limit 2 s)");
            assertThat(((MailConnectionException) t).isRetryable()).isTrue();
        }
    }

    @Test
    void pop3_endlessCapaBeforeTls_refused() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .attack("CAPA", false, Attack.endlessLines("+OK Capability list follows",
                        "X-CAPABILITY-" + "x".repeat(60))).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Throwable t = catchThrowable(pop3::list);
            MailSecurityException e = oversized(t);
            assertThat(e.getMessage()).contains("before TLS");
            assertThat(server.lines()).extracting(l -> l.text).containsExactly("CAPA");
        }
    }

    @Test
    void pop3_greetingLineWithoutEnd_refused() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .attack("GREETING", false, Attack.endlessLine("+OK ")).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MailSecurityException e = oversized(catchThrowable(pop3::list));
            assertThat(e.getMessage()).contains("sent a line longer than 4096 octets before TLS");
        }
    }
}
