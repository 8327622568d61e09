package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.MessageRemovedException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;

/**
 * What a mailbox does on the wire, against the hostile IMAP server (which records every command): one-FETCH summary
 * fetches, streamed bodies, UID-addressed changes, IDLE.
 */
class ImapMailboxTest {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    private static ImapFetcher fetcher(HostileImapServer server) {
        return FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build();
    }

    @Test
    void newest_manyMessages_stillOneFetchCommand() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(1200).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            List<MessageSummary> newest = inbox.newest(1000);
            assertThat(newest).hasSize(1000);
            assertThat(newest.get(0).uid()).isEqualTo(2200L);
            assertThat(server.commands("FETCH")).as("one FETCH for the listing").isEqualTo(1);
            assertThat(server.lines()).filteredOn(l -> l.verb().equals("FETCH")).singleElement()
                    .satisfies(l -> assertThat(l.text).contains("201:1200"));
        }
    }

    @Test
    void newest_fetchesInOneCommand_newestFirst() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(50).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            List<MessageSummary> newest = inbox.newest(20);
            assertThat(newest).hasSize(20);
            assertThat(newest).extracting(MessageSummary::uid).startsWith(1050L, 1049L, 1048L).endsWith(1031L);
            MessageSummary first = newest.get(0);
            assertThat(first.subject()).isEqualTo("Message 50");
            assertThat(first.from()).containsExactly(new InternetAddress("sender50@example.test"));
            assertThat(first.to()).containsExactly(new InternetAddress("alice@example.test"));
            assertThat(first.messageId()).contains("<m50@example.test>");
            assertThat(first.sentDate()).isPresent();
            assertThat(first.receivedDate()).isPresent();
            assertThat(first.size()).isPositive();
            assertThat(first.flags()).containsExactly(MessageFlag.SEEN);
            assertThat(newest.get(1).isSeen()).isFalse();
            assertThat(server.commands("FETCH")).as("one FETCH for the listing").isEqualTo(1);
            assertThat(server.commands("UID FETCH")).as("never one per message").isZero();
            assertThat(server.lines()).filteredOn(l -> l.verb().equals("FETCH")).singleElement()
                    .satisfies(l -> assertThat(l.text).contains("31:50").contains("ENVELOPE").contains("FLAGS")
                            .contains("UID").contains("RFC822.SIZE"));
            assertThat(server.commands("EXAMINE")).isEqualTo(1);
        }
    }

    @Test
    void search_unseen_runsOnTheServer_andFetchesTheMatchesInOneCommand() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(10).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            List<MessageSummary> unseen = inbox.search(SearchCriteria.unseen(), 3);
            assertThat(unseen).extracting(MessageSummary::uid).containsExactly(1009L, 1007L, 1005L);
            assertThat(unseen).noneMatch(MessageSummary::isSeen);
            assertThat(server.lines()).filteredOn(l -> l.verb().endsWith("SEARCH")).singleElement()
                    .satisfies(l -> assertThat(l.text).contains("UNSEEN"));
            assertThat(server.commands("FETCH")).isEqualTo(1);
        }
    }

    @Test
    void stream_readsALargeMessageInPieces_withoutMarkingItRead() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2)
                .bodyBytes(100_000).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = inbox.stream(1001)) {
                in.transferTo(out);
            }
            String text = out.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("From: Sender 1 <sender1@example.test>\r\n").contains("Subject: Message 1\r\n")
                    .contains("Body of message 1");
            assertThat(text.length()).isGreaterThan(100_000);
            List<String> bodyFetches = server.lines().stream().filter(l -> l.verb().equals("FETCH"))
                    .map(l -> l.text).filter(t -> t.contains("BODY.PEEK[]<")).toList();
            assertThat(bodyFetches).as("16 KiB partial fetches").hasSizeGreaterThanOrEqualTo(7)
                    .allMatch(t -> t.matches(".*BODY\\.PEEK\\[]<\\d+\\.16384>.*"));
            assertThat(inbox.newest(2).get(1).isSeen()).isFalse();
        }
    }

    /** A body cut short, at a piece boundary or inside one, fails the read instead of ending a shorter copy. */
    @ParameterizedTest
    @ValueSource(ints = {0, 100, 16_384, 40_000})
    void stream_bodyShorterThanAnnounced_lastReadFails(int cut) throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(1)
                .bodyBytes(60_000).bodyCutAt(cut).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Throwable t;
            try (InputStream in = inbox.stream(1001)) {
                t = org.assertj.core.api.Assertions.catchThrowable(() -> in.transferTo(out));
            }
            assertThat(t).isInstanceOf(java.io.EOFException.class)
                    .hasMessageContaining("message 1001 of INBOX at localhost:" + server.port() + " ended after " + cut
                            + " of the ").hasMessageContaining("octets the server announced (RFC822.SIZE)");
            assertThat(out.size()).isEqualTo(cut);
        }
    }

    @Test
    void message_returnsALazyMimeMessage() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.message(1002).getSubject()).isEqualTo("Message 2");
            assertThatThrownBy(() -> inbox.message(9999)).isInstanceOf(MessageRemovedException.class)
                    .hasMessage("INBOX has no message with UID 9999 (it was deleted or moved, or the folder's"
                            + " UIDVALIDITY changed)");
        }
    }

    @Test
    void readOnlyFolder_refusesChanges() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.isWritable()).isFalse();
            assertThatThrownBy(() -> inbox.delete(1001)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot delete a message: INBOX was opened read-only; open it with"
                            + " openFolderForWrite(\"INBOX\")");
            assertThatThrownBy(() -> inbox.markSeen(1001)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> inbox.move(1001, "Archive")).isInstanceOf(IllegalStateException.class);
            assertThat(server.commands("STORE")).isZero();
            assertThat(server.commands("UID STORE")).isZero();
        }
    }

    @Test
    void markSeenMoveDelete_addressMessagesByUid() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(5).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            inbox.markSeen(1003);
            assertThat(server.lines()).anyMatch(l -> l.verb().equals("STORE") && l.text.contains("\\Seen"));
            inbox.move(1004, "Archive");
            assertThat(server.lines()).anyMatch(l -> l.verb().equals("MOVE") && l.text.endsWith("Archive"));
            inbox.delete(1005);
            assertThat(server.lines()).anyMatch(l -> l.verb().equals("UID EXPUNGE") && l.text.endsWith("1005"));
            assertThat(server.inboxUids()).containsExactly(1001L, 1002L, 1003L);
            assertThat(inbox.newest(10)).extracting(MessageSummary::uid).containsExactly(1003L, 1002L, 1001L);
            assertThat(inbox.newest(10).get(0).isSeen()).isTrue();
            assertThat(server.commands("EXPUNGE")).as("never a plain EXPUNGE with UIDPLUS").isZero();
        }
    }

    @Test
    void moveWithoutMoveCapability_copiesThenExpungesThatMessageOnly() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3)
                .capabilitiesAfterTls("IMAP4rev1 AUTH=PLAIN UIDPLUS").start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            inbox.move(1002, "Archive");
            assertThat(server.commands("MOVE")).isZero();
            assertThat(server.commands("COPY")).isEqualTo(1);
            assertThat(server.lines()).anyMatch(l -> l.verb().equals("UID EXPUNGE") && l.text.endsWith("1002"));
            assertThat(server.inboxUids()).containsExactly(1001L, 1003L);
        }
    }

    @Test
    void withoutUidplus_moveAndDeleteSpareMessagesAnotherClientMarkedDeleted() throws Exception {
        // Without UIDPLUS there is no UID EXPUNGE; a plain EXPUNGE would also remove 1003, which another client marked
        // \Deleted and could still undelete.
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(5)
                .capabilitiesAfterTls("IMAP4rev1 AUTH=PLAIN").markedDeleted(1003, 1005).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            inbox.move(1001, "Archive");
            assertThat(server.commands("MOVE")).isZero();
            assertThat(server.inboxUids()).containsExactly(1002L, 1003L, 1004L, 1005L);
            inbox.delete(1004);
            assertThat(server.inboxUids()).containsExactly(1002L, 1003L, 1005L);
            assertThat(server.flags(1003)).contains("\\Deleted");
            assertThat(server.flags(1005)).contains("\\Deleted");
            assertThat(server.flags(1002)).doesNotContain("\\Deleted");
        }
    }

    // ---- IDLE ----

    @Test
    void waitForNewMail_returnsWhenTheServerAnnouncesAMessage() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2).idleNewMail(true)
                .start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.waitForNewMail(Duration.ofSeconds(20))).isEqualTo(IdleResult.NEW_MAIL);
            assertThat(inbox.newest(1).get(0).uid()).isEqualTo(1003L);
            assertThat(server.lines()).extracting(l -> l.text).contains("DONE");
        }
    }

    @Test
    void waitForNewMail_timesOut_andLeavesTheConnectionUsable() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            long start = System.nanoTime();
            assertThat(inbox.waitForNewMail(Duration.ofMillis(300))).isEqualTo(IdleResult.TIMED_OUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.lines()).extracting(l -> l.text).contains("DONE");
            assertThat(inbox.newest(5)).hasSize(2);
        }
    }

    @Test
    void stopWaiting_fromAnotherThread_endsTheWaitCleanly() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            Future<IdleResult> result = THREADS.submit(() -> inbox.waitForNewMail(Duration.ofMinutes(5)));
            assertThat(server.awaitLine(l -> l.verb().equals("IDLE"), Duration.ofSeconds(10))).isTrue();
            inbox.stopWaiting();
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(IdleResult.STOPPED);
            assertThat(inbox.newest(1)).hasSize(1);
        }
    }

    @Test
    void waitForNewMail_withoutIdleSupport_saysSo() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesAfterTls("IMAP4rev1 AUTH=PLAIN").start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThatThrownBy(() -> inbox.waitForNewMail(Duration.ofSeconds(1)))
                    .isInstanceOf(jakarta.mail.MethodNotSupportedException.class)
                    .hasMessage("localhost:" + server.port() + " does not support IDLE (RFC 2177) (mode"
                            + " STARTTLS_REQUIRED); poll with newest(...) instead");
            assertThat(server.commands("IDLE")).isZero();
        }
    }

    @Test
    void waitForNewMail_argumentsCheckedAtOnce() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = fetcher(server);
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThatThrownBy(() -> inbox.waitForNewMail(Duration.ofMinutes(30)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeout must be positive and at most 29 minutes: PT30M");
            assertThatThrownBy(() -> inbox.waitForNewMail(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> inbox.newest(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("count must be between 1 and 10000: 0");
            inbox.stopWaiting(); // nobody waits: nothing happens
            CompletableFuture.runAsync(inbox::stopWaiting, THREADS).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void insecureCleartext_onLoopbackOnly_works() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(null).capabilitiesBeforeTls("IMAP4rev1 AUTH=PLAIN")
                .messages(1).start();
             ImapFetcher imap = SecureMail.imap("127.0.0.1").port(server.port()).timeouts(FetchFixtures.FAST)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .insecureCleartextForLocalDevelopment().build();
             ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.newest(1)).hasSize(1);
            assertThat(inbox.endpoint().handshake()).isEmpty();
            assertThat(imap.endpoint().mode()).isEqualTo(SecurityMode.INSECURE_CLEARTEXT);
        }
    }

    @Test
    void insecureCleartext_serverOffersStarttls_credentialsStayHome() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesBeforeTls("IMAP4rev1 STARTTLS AUTH=PLAIN").start();
             ImapFetcher imap = SecureMail.imap("localhost").port(server.port()).timeouts(FetchFixtures.FAST)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .insecureCleartextForLocalDevelopment().build()) {
            assertThatThrownBy(imap::folders).isInstanceOfSatisfying(MailSecurityException.class, e -> {
                assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED);
                assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " offers STARTTLS, so SecureMail"
                        + " refused to send the credentials in cleartext (mode INSECURE_CLEARTEXT); use"
                        + " mode(SecurityMode.STARTTLS_REQUIRED); nothing was sent");
            });
            assertThat(server.lines()).extracting(HostileImapServer.Line::verb).containsExactly("CAPABILITY");
            assertThat(server.cleartextBytes()).doesNotContain(new String(Fixtures.PASSWORD));
        }
    }
}
