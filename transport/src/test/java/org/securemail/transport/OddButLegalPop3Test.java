package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.MethodNotSupportedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.WireAssertions;

/**
 * POP3 servers whose dialogue is odd but legal (RFC 1939, RFC 2449): SecureMail reads their maildrop, content intact,
 * and still sends nothing but CAPA, STLS and QUIT in cleartext.
 */
class OddButLegalPop3Test {


    private static void assertNothingSentInCleartext(HostilePop3Server server) {
        WireAssertions.assertNothingSentInCleartext(server,
                WireAssertions.secretForms(FetchFixtures.USER, new String(Fixtures.PASSWORD)));
    }

    /** Lists, retrieves every message and deletes the first, in one session; checks the content. */
    private static void roundTrip(HostilePop3Server server, SecurityMode mode) throws Exception {
        try (Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), mode).build()) {
            try (Pop3Session s = pop3.open()) {
                List<Pop3MessageInfo> list = s.list();
                assertThat(list).extracting(Pop3MessageInfo::uidl).containsExactly("uid-1", "uid-2");
                for (Pop3MessageInfo m : list) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    s.retrieve(m.uidl(), out);
                    assertThat(out.toString(StandardCharsets.ISO_8859_1))
                            .contains("Message-ID: <p" + m.number() + "@example.test>")
                            .endsWith("Body of message " + m.number() + "\r\n.leading dot\r\n");
                }
                s.delete("uid-1");
            }
            assertThat(server.deleted()).containsExactly("uid-1");
            assertThat(pop3.endpoint().handshake()).isPresent();
        }
        assertNothingSentInCleartext(server);
    }

    @Test
    void capaWithoutUidlTopUser_uidlTriedAnyway_roundTripWorks() throws Exception {
        // The case: a server that implements UIDL without listing it. RFC 2449 lets CAPA be partial.
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2)
                .capaBeforeTls("STLS").capaAfterTls("IMPLEMENTATION odd").start()) {
            roundTrip(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.tlsLines()).contains("UIDL", "USER alice");
        }
    }

    @Test
    void capaWithoutUidl_uidlAnsweredErr_refusalNamesWhatTheServerSaid() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1)
                .capaAfterTls("USER").unsupported("UIDL").start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MethodNotSupportedException e = catchThrowableOfType(MethodNotSupportedException.class, pop3::list);
            assertThat(e).hasMessage("localhost:" + server.port() + " answered UIDL with \"-ERR unknown command\""
                    + " (its CAPA reply did not list UIDL either): SecureMail addresses POP3 messages by UIDL"
                    + " (RFC 1939) and cannot read this maildrop; Pop3Fetcher.session() gives the messages by number");
            assertThat(server.lines()).extracting(HostilePop3Server.Line::verb).endsWith("UIDL", "QUIT");
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void noCapaAtAll_implicitTls_roundTripWorksWithUserPass() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).implicitTls(true).messages(2)
                .noCapa(true).start()) {
            roundTrip(server, SecurityMode.IMPLICIT_TLS);
            assertThat(server.cleartextBytes()).isEmpty();
            assertThat(server.tlsLines()).contains("CAPA", "USER alice", "UIDL");
        }
    }

    @Test
    void noCapaAtAll_starttlsRequired_stlsNotAnnounced_refusedBeforeUser() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1).noCapa(true).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, pop3::list);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " did not offer STLS (mode"
                    + " STARTTLS_REQUIRED)");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server);
        }
    }

    @Test
    void lowerCaseCapabilities_stlsFoundAndUsed_saslPlainInsideTls() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2)
                .capaBeforeTls("user", "uidl", "stls", "sasl plain").capaAfterTls("user", "uidl", "sasl plain")
                .start()) {
            roundTrip(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(server.cleartextLines()).containsExactly("CAPA", "STLS");
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH PLAIN"));
        }
    }

    @Test
    void quitNotAnswered_serverClosesAtOnce_deletionsStillCommittedAndNoError() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2)
                .quitWithoutReply(true).start()) {
            roundTrip(server, SecurityMode.STARTTLS_REQUIRED);
        }
    }
}
