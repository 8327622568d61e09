package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.MessageRemovedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostilePop3Server;

/**
 * A POP3 session ({@link Pop3Fetcher#open()}): one connection and one login for a whole loop, deletions committed by
 * QUIT only, and nothing deleted when the session is abandoned or lost.
 */
class Pop3SessionTest {

    private static long logins(HostilePop3Server server) {
        return server.lines().stream().filter(l -> l.verb().equals("AUTH") || l.verb().equals("USER")).count();
    }

    private static List<String> verbs(HostilePop3Server server) {
        return server.lines().stream().map(HostilePop3Server.Line::verb).toList();
    }

    @Test
    void open_listRetrieveDeleteThree_oneConnectionOneLogin_deletionsCommittedByQuit() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(3).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            try (Pop3Session s = pop3.open()) {
                assertThat(s.endpoint().handshake()).isPresent();
                for (Pop3MessageInfo m : s.list()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    s.retrieve(m.uidl(), out);
                    assertThat(out.toString(StandardCharsets.ISO_8859_1))
                            .contains("Subject: Message " + m.number()).contains("\r\n.leading dot\r\n");
                    assertThat(s.delete(m.uidl())).isTrue();
                }
                assertThat(s.list()).isEmpty();
                assertThat(verbs(server)).doesNotContain("DELE", "QUIT");
                assertThat(server.deleted()).isEmpty();
            }
            assertThat(server.deleted()).containsExactly("uid-3", "uid-2", "uid-1");
            assertThat(server.connections()).isEqualTo(1);
            assertThat(logins(server)).isEqualTo(1);
            assertThat(verbs(server)).filteredOn("UIDL"::equals).hasSize(1);
            assertThat(verbs(server)).filteredOn("RETR"::equals).hasSize(3);
            assertThat(verbs(server)).endsWith("DELE", "DELE", "DELE", "QUIT");
            assertThat(pop3.endpoint().handshake()).isPresent();
        }
    }

    @Test
    void abandon_afterDeletes_nothingDeleted() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Pop3Session s = pop3.open();
            assertThat(s.delete(List.of("uid-1", "uid-2", "uid-9"))).containsExactlyInAnyOrder("uid-1", "uid-2");
            s.abandon();
            s.close(); // a second end does nothing
            assertThat(verbs(server)).doesNotContain("DELE").endsWith("QUIT");
            assertThat(server.deleted()).isEmpty();
            try (Pop3Session again = pop3.open()) {
                assertThat(again.list()).extracting(Pop3MessageInfo::uidl).containsExactly("uid-1", "uid-2");
            }
        }
    }

    @Test
    void deletedInSession_notListedNotRetrieved() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build();
             Pop3Session s = pop3.open()) {
            s.delete("uid-1");
            assertThat(s.delete("uid-1")).isFalse();
            assertThat(s.list()).extracting(Pop3MessageInfo::uidl).containsExactly("uid-2");
            assertThat(catchThrowableOfType(MessageRemovedException.class, () -> s.retrieve("uid-1")))
                    .hasMessage("the message with UIDL uid-1 was deleted in this session");
            assertThat(catchThrowableOfType(MessageRemovedException.class, () -> s.retrieve("nope")))
                    .hasMessage("the maildrop has no message with UIDL nope");
            assertThat(s.retrieve("uid-2").getSubject()).isEqualTo("Message 2");
        }
    }

    @Test
    void connectionLost_nothingCommitted_sessionOnlyCloses() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Pop3Session s = pop3.open();
            s.delete("uid-1");
            server.dropAllConnections();
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class,
                    () -> s.retrieve("uid-2", new ByteArrayOutputStream()));
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " lost the POP3 connection while"
                    + " retrieving uid-2");
            s.close();
            assertThat(catchThrowableOfType(IllegalStateException.class, s::list))
                    .hasMessage("the POP3 session with localhost is closed");
            assertThat(verbs(server)).doesNotContain("DELE");
            assertThat(server.deleted()).isEmpty();
        }
    }

    @Test
    void fetcherCalls_eachItsOwnSession_asBefore() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            assertThat(pop3.list()).hasSize(2);
            assertThat(pop3.delete("uid-2")).isTrue();
            assertThat(server.deleted()).containsExactly("uid-2");
            assertThat(server.connections()).isEqualTo(2);
            assertThat(logins(server)).isEqualTo(2);
        }
    }
}
