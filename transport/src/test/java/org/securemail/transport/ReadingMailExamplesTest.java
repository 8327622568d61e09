package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;

/**
 * The examples of docs/reading-mail.md and README.md, compiled and run. Each example is a method whose body is the
 * documented code; the tests run it against the hostile servers (which behave correctly unless told otherwise).
 */
class ReadingMailExamplesTest {
    @TempDir
    Path dir;

    // --- docs: "Reading the newest messages" (IMAP) ---
    static List<String> newestSubjects(ImapFetcher.Builder builder, char[] password) throws MessagingException {
        List<String> lines = new ArrayList<>();
        try (ImapFetcher imap = builder                                       // SecureMail.imap("imap.example.com")
                .credentials(Credentials.password("alice", password))
                .build();
             ImapMailbox inbox = imap.openFolder("INBOX")) {                  // read-only
            for (MessageSummary m : inbox.newest(20)) {                       // one FETCH for all 20
                lines.add(m.uid() + " " + m.from() + " " + m.subject() + (m.isSeen() ? "" : " (new)"));
            }
            lines.add(String.valueOf(inbox.endpoint().handshake().orElseThrow()));     // TLSv1.3 TLS_AES_... verified=...
        }
        return lines;
    }

    // --- docs: "Processing unread mail" ---
    static int processUnread(ImapFetcher imap, Path dir) throws MessagingException, IOException {
        int done = 0;
        try (ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            for (MessageSummary m : inbox.search(SearchCriteria.unseen(), 100)) {
                try (InputStream in = inbox.stream(m.uid())) {                // streamed in 16 KiB pieces
                    Files.copy(in, dir.resolve(m.uid() + ".eml"));
                }
                inbox.markSeen(m.uid());                                      // reading alone does not mark it
                done++;
            }
        }
        return done;
    }

    // --- docs: "Waiting for new mail" ---
    static IdleResult waitOnce(ImapMailbox inbox) throws MessagingException {
        IdleResult r = inbox.waitForNewMail(Duration.ofMinutes(10));          // NEW_MAIL, TIMED_OUT or STOPPED
        if (r == IdleResult.NEW_MAIL) {
            inbox.newest(10);                                                 // fetch what arrived
        }
        return r;
    }

    // --- docs: "POP3" ---
    static int downloadAndDelete(Pop3Fetcher.Builder builder, char[] password, Path dir)
            throws MessagingException, IOException {
        int n = 0;
        try (Pop3Fetcher pop3 = builder                                       // SecureMail.pop3("pop.example.com")
                .credentials(Credentials.password("alice", password))
                .build();
             Pop3Session session = pop3.open()) {                             // one connection, one login
            for (Pop3MessageInfo m : session.list()) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(m.uidl() + ".eml"))) {
                    session.retrieve(m.uidl(), out);                          // streamed, not held in memory
                }
                session.delete(m.uidl());                                     // committed by QUIT at the end
                n++;
            }
        }
        return n;
    }

    // --- docs: "Drop-in Jakarta Mail session" ---
    static int dropIn(ImapFetcher imap) throws MessagingException {
        Session session = imap.session();
        Store store = session.getStore("imap");                               // or "imaps": the mode decides
        store.connect();                                                      // credentials come from SecureMail
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            inbox.close(false);
            return messages.length;
        } finally {
            store.close();
        }
    }

    private static ImapFetcher.Builder imapBuilder(HostileImapServer server) {
        return SecureMail.imap("localhost").port(server.port()).mode(SecurityMode.STARTTLS_REQUIRED)
                .policy(Fixtures.policy()).tlsEngine(Fixtures.ENGINE).timeouts(FetchFixtures.FAST);
    }

    @Test
    void newestSubjects_example() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(25).start()) {
            List<String> lines = newestSubjects(imapBuilder(server), Fixtures.PASSWORD);
            assertThat(lines).hasSize(21);
            assertThat(lines.get(0)).isEqualTo("1025 [sender25@example.test] Message 25 (new)");
            assertThat(lines.get(20)).contains("TLSv1.3").contains("verified=localhost");
        }
    }

    @Test
    void processUnread_example() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(4).start();
             ImapFetcher imap = imapBuilder(server).credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .build()) {
            assertThat(processUnread(imap, dir)).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("1003.eml"))).contains("Subject: Message 3");
            assertThat(processUnread(imap, dir)).isZero();
        }
    }

    @Test
    void waitOnce_example() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(1).idleNewMail(true)
                .start();
             ImapFetcher imap = imapBuilder(server).credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .build();
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(waitOnce(inbox)).isEqualTo(IdleResult.NEW_MAIL);
            Future<IdleResult> waiting = thread.submit(() -> waitOnce(inbox));
            assertThat(server.awaitLine(l -> l.verb().equals("IDLE") && server.commands("IDLE") == 2,
                    Duration.ofSeconds(10))).isTrue();
            inbox.stopWaiting();                                              // from any thread: a clean stop
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isIn(IdleResult.STOPPED, IdleResult.NEW_MAIL);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void downloadAndDelete_example() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(2).start()) {
            Pop3Fetcher.Builder builder = SecureMail.pop3("localhost").port(server.port())
                    .mode(SecurityMode.STARTTLS_REQUIRED).policy(Fixtures.policy()).tlsEngine(Fixtures.ENGINE)
                    .timeouts(FetchFixtures.FAST);
            assertThat(downloadAndDelete(builder, Fixtures.PASSWORD, dir)).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("uid-1.eml"))).contains("Subject: Message 1");
            assertThat(server.deleted()).containsExactlyInAnyOrder("uid-1", "uid-2");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void dropIn_example() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3).start();
             ImapFetcher imap = imapBuilder(server).credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .build()) {
            assertThat(dropIn(imap)).isEqualTo(3);
        }
    }
}
