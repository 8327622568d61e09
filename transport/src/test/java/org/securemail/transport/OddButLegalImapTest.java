package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.WireAssertions;

/**
 * IMAP servers whose dialogue is odd but legal (RFC 9051, RFC 3501): capabilities only in the greeting's response
 * code or only after a CAPABILITY command, lower-case keywords, capabilities in the login reply, and untagged
 * EXISTS, EXPUNGE and FLAGS at any time after login. SecureMail reads the mailbox, content intact, and still sends
 * nothing but CAPABILITY, STARTTLS and LOGOUT in cleartext.
 */
class OddButLegalImapTest {


    private static void assertNothingSentInCleartext(HostileImapServer server) {
        WireAssertions.assertNothingSentInCleartext(server,
                WireAssertions.secretForms(FetchFixtures.USER, new String(Fixtures.PASSWORD)));
    }

    /** Lists the three messages and reads the newest whole; checks the content. */
    private static void readMailbox(HostileImapServer server, SecurityMode mode) throws Exception {
        try (ImapFetcher imap = FetchFixtures.imap(server.port(), mode).build();
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.newest(10)).extracting(MessageSummary::uid).containsExactly(1003L, 1002L, 1001L);
            try (InputStream in = inbox.stream(1003)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                        .contains("Message-ID: <m3@example.test>").contains("Body of message 3");
            }
            assertThat(imap.endpoint().handshake()).isPresent();
        }
        assertNothingSentInCleartext(server);
        assertThat(server.tlsLines()).anyMatch(l -> l.contains("AUTHENTICATE PLAIN"));
    }

    @Test
    void capabilitiesOnlyInGreetingCode_starttlsFoundThere_askedAgainInsideTls() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hostile IMAP ready").start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostileImapServer.Line::verb)
                    .containsExactly("STARTTLS");
            assertThat(server.lines()).filteredOn(l -> l.tls).extracting(HostileImapServer.Line::verb)
                    .startsWith("CAPABILITY");
        }
    }

    @Test
    void capabilitiesOnlyInGreetingCode_implicitTls_usedWithoutAsking() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true).messages(3)
                .greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] hostile IMAP ready").start()) {
            readMailbox(server, SecurityMode.IMPLICIT_TLS);
            assertThat(server.cleartextBytes()).isEmpty();
        }
    }

    @Test
    void capabilitiesOnlyAfterCapabilityCommand_bothModes() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .greeting("* OK ready").start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostileImapServer.Line::verb)
                    .containsExactly("CAPABILITY", "STARTTLS");
        }
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true).messages(3)
                .greeting("* OK ready").start()) {
            readMailbox(server, SecurityMode.IMPLICIT_TLS);
        }
    }

    @Test
    void lowerCaseKeywordsAndCapabilities_starttlsFoundAndUsed() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .lowerCaseKeywords(true).start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostileImapServer.Line::verb)
                    .containsExactly("CAPABILITY", "STARTTLS");
        }
    }

    @Test
    void lowerCaseGreetingCode_starttlsFoundThere() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .greeting("* ok [capability imap4rev1 starttls logindisabled] ready").lowerCaseKeywords(true)
                .start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
        }
    }

    @Test
    void lowerCaseCapabilitiesWithoutStarttls_starttlsRequired_refusedBeforeLogin() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesBeforeTls("IMAP4rev1 AUTH=PLAIN").lowerCaseKeywords(true).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, imap::folders);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " did not offer STARTTLS (mode"
                    + " STARTTLS_REQUIRED)");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void capabilitiesInLoginReplyCode_used() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .authReply("OK [CAPABILITY IMAP4rev1 IDLE MOVE UIDPLUS] Logged in").start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
        }
    }

    @Test
    void untaggedExistsExpungeFlagsAfterLogin_mailboxStillRead() throws Exception {
        // Another client expunges message 1 (UID 1001) and new mail arrives while this one reads; the server says so
        // in untagged responses where RFC 9051 lets it (EXPUNGE not during a FETCH by sequence number).
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .unsolicited("FETCH", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk)",
                        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited")
                .expungeBefore("UID FETCH").newMailBefore("FETCH").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build();
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            try (InputStream in = inbox.stream(1003)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                        .contains("Message-ID: <m3@example.test>").endsWith("Body of message 3, a line of text that"
                                + " repeats.\r\n");
            }
            assertThat(server.tlsLines()).anyMatch(l -> l.contains("UID FETCH 1003"));
            assertThat(inbox.newest(10)).extracting(MessageSummary::uid).containsExactly(1004L, 1003L, 1002L);
            assertThat(server.inboxUids()).containsExactly(1002L, 1003L, 1004L);
            assertThat(catchThrowableOfType(jakarta.mail.MessageRemovedException.class, () -> inbox.message(1001)))
                    .hasMessageContaining("has no message with UID 1001");
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void logoutNotAnswered_serverCloses_mailboxReadAndClosedWithoutError() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .logoutWithoutReply(true).start()) {
            readMailbox(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.tlsLines()).anyMatch(l -> l.endsWith("LOGOUT"));
        }
    }
}
