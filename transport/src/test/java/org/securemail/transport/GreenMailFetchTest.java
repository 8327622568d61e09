package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;

/**
 * Reading mail with implicit TLS (IMAPS 993-style and POP3S 995-style) from GreenMail, a real in-JVM mail server,
 * presenting a certificate from the test PKI. Each test has its own mailbox.
 */
class GreenMailFetchTest {
    private static final AtomicInteger USERS = new AtomicInteger();
    private static TlsGreenMail greenMail;

    private String login;
    private GreenMailUser user;

    @BeforeAll
    static void start() {
        greenMail = TlsGreenMail.start(Fixtures.SERVER_TLS);
    }

    @AfterAll
    static void stop() {
        greenMail.close();
    }

    private void newMailbox(String... subjectsAndSenders) throws Exception {
        login = "user" + USERS.incrementAndGet();
        user = greenMail.user(login + "@example.test", login, new String(Fixtures.PASSWORD));
        for (int i = 0; i < subjectsAndSenders.length; i += 2) {
            deliver(subjectsAndSenders[i], subjectsAndSenders[i + 1], "Body of " + subjectsAndSenders[i] + "\r\n");
        }
    }

    private void deliver(String subject, String from, String body) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(login + "@example.test"));
        m.setSubject(subject);
        m.setText(body, "UTF-8");
        TlsGreenMail.deliver(user, m);
    }

    private ImapFetcher.Builder imap() {
        return SecureMail.imap("localhost").port(greenMail.imapsPort()).policy(Fixtures.policy())
                .tlsEngine(Fixtures.ENGINE).timeouts(FetchFixtures.FAST)
                .credentials(Credentials.password(login, Fixtures.PASSWORD));
    }

    private Pop3Fetcher.Builder pop3() {
        return SecureMail.pop3("localhost").port(greenMail.pop3sPort()).policy(Fixtures.policy())
                .tlsEngine(Fixtures.ENGINE).timeouts(FetchFixtures.FAST)
                .credentials(Credentials.password(login, Fixtures.PASSWORD));
    }

    // ---- IMAP ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void imaps_listsFoldersAndNewestMessages_andReportsTheHandshake(TlsProvider provider) throws Exception {
        newMailbox("first", "bob@example.test", "second", "carol@example.test", "third", "bob@example.test");
        try (ImapFetcher imap = imap().policy(Fixtures.policy(provider)).build()) {
            assertThat(imap.folders()).contains("INBOX");
            assertThat(imap.endpoint().handshake().orElseThrow().provider()).isEqualTo(provider);
            assertThat(imap.endpoint().handshake().orElseThrow().tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
            try (ImapMailbox inbox = imap.openFolder("INBOX")) {
                assertThat(inbox.messageCount()).isEqualTo(3);
                List<MessageSummary> newest = inbox.newest(2);
                assertThat(newest).extracting(MessageSummary::subject).containsExactly("third", "second");
                assertThat(newest.get(0).from()).containsExactly(new InternetAddress("bob@example.test"));
                assertThat(newest.get(0).to()).containsExactly(new InternetAddress(login + "@example.test"));
                assertThat(newest.get(0).uid()).isGreaterThan(newest.get(1).uid());
                assertThat(newest.get(0).size()).isPositive();
                assertThat(newest.get(0).isSeen()).isFalse();
                assertThat(newest.get(0).sentDate()).isPresent();
                assertThat(inbox.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
            }
        }
    }

    @Test
    void imaps_search_unseenSinceFromSubject() throws Exception {
        newMailbox("Invoice 1", "billing@example.test", "Hello", "bob@example.test", "Invoice 2",
                "billing@example.test", "Lunch?", "carol@example.test");
        try (ImapFetcher imap = imap().build(); ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
            long helloUid = inbox.search(SearchCriteria.builder().subject("hello").build(), 10).get(0).uid();
            inbox.markSeen(helloUid);
            assertThat(inbox.search(SearchCriteria.unseen(), 10)).extracting(MessageSummary::subject)
                    .containsExactly("Lunch?", "Invoice 2", "Invoice 1");
            // GreenMail matches FROM against the whole address (RFC 9051 asks for a substring, as real servers do).
            SearchCriteria billing = SearchCriteria.builder().from("billing@example.test").build();
            assertThat(inbox.search(billing.toBuilder().subject("invoice").build(), 10))
                    .extracting(MessageSummary::subject).containsExactly("Invoice 2", "Invoice 1");
            assertThat(inbox.search(billing, 1))
                    .extracting(MessageSummary::subject).containsExactly("Invoice 2");
            assertThat(inbox.search(SearchCriteria.builder().since(LocalDate.now().minusDays(1)).build(), 10))
                    .hasSize(4);
            assertThat(inbox.search(SearchCriteria.builder().since(LocalDate.now().plusDays(2)).build(), 10))
                    .isEmpty();
            assertThat(inbox.search(SearchCriteria.ALL, 10)).hasSize(4);
        }
    }

    @Test
    void imaps_streamsABodyAndReadsAMessage_withoutMarkingThemRead() throws Exception {
        newMailbox();
        String big = "x".repeat(70) + "\r\n";
        deliver("big", "bob@example.test", big.repeat(2_000));
        try (ImapFetcher imap = imap().build(); ImapMailbox inbox = imap.openFolder("INBOX")) {
            long uid = inbox.newest(1).get(0).uid();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = inbox.stream(uid)) {
                in.transferTo(out);
            }
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("Subject: big").contains(big.repeat(10));
            assertThat(text.length()).isGreaterThan(140_000);
            assertThat(inbox.message(uid).getSubject()).isEqualTo("big");
            assertThat(inbox.newest(1).get(0).isSeen()).isFalse();
        }
    }

    @Test
    void imaps_markSeenMoveDelete() throws Exception {
        newMailbox("keep", "a@example.test", "archive me", "b@example.test", "delete me", "c@example.test");
        try (ImapFetcher imap = imap().build()) {
            greenMail.managers().getImapHostManager().createMailbox(user, "Archive");
            try (ImapMailbox inbox = imap.openFolderForWrite("INBOX")) {
                List<MessageSummary> all = inbox.newest(10);
                long delete = all.get(0).uid();
                long archive = all.get(1).uid();
                long keep = all.get(2).uid();
                inbox.markSeen(keep);
                inbox.move(archive, "Archive");
                inbox.delete(delete);
                assertThat(inbox.newest(10)).singleElement().satisfies(m -> {
                    assertThat(m.uid()).isEqualTo(keep);
                    assertThat(m.isSeen()).isTrue();
                });
            }
            assertThat(imap.folders()).contains("Archive");
            try (ImapMailbox archived = imap.openFolder("Archive")) {
                assertThat(archived.newest(10)).extracting(MessageSummary::subject).containsExactly("archive me");
            }
            assertThatThrownBy(() -> imap.openFolder("Nowhere")).isInstanceOf(jakarta.mail.FolderNotFoundException.class);
        }
    }

    @Test
    void imaps_oauth2_usesXoauth2() throws Exception {
        newMailbox("hello", "bob@example.test");
        // GreenMail checks an XOAUTH2 token as it checks a password.
        try (ImapFetcher imap = imap().credentials(Credentials.oauth2(login, () -> new String(Fixtures.PASSWORD)))
                .build(); ImapMailbox inbox = imap.openFolder("INBOX")) {
            assertThat(inbox.newest(5)).hasSize(1);
        }
    }

    @Test
    void imaps_wrongPassword_credentialsRejected() throws Exception {
        newMailbox();
        try (ImapFetcher imap = imap().credentials(Credentials.password(login, "wrong".toCharArray())).build()) {
            assertThatThrownBy(imap::folders).isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageStartingWith("localhost:" + greenMail.imapsPort() + " rejected the credentials of "
                            + login);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "imaps"})
    void imaps_dropInSession_storeConnectsWithoutCredentials(String name) throws Exception {
        newMailbox("drop-in", "bob@example.test");
        try (ImapFetcher imap = imap().build()) {
            Store store = imap.session().getStore(name);
            store.connect();
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("drop-in");
            inbox.close(false);
            store.close();
        }
    }

    // ---- POP3 ----

    @Test
    void pop3s_implicitTls_listRetrieveDelete() throws Exception {
        newMailbox("one", "bob@example.test", "two", "carol@example.test");
        try (Pop3Fetcher pop3 = pop3().build()) {
            // docs/angus-behaviours.md AB-6: implicit TLS must not set starttls.required, which Angus would fail on.
            assertThat(pop3.session().getProperty("mail.pop3.starttls.required")).isEqualTo("false");
            List<Pop3MessageInfo> list = pop3.list();
            assertThat(list).hasSize(2);
            assertThat(list).allMatch(m -> m.size() > 0);
            assertThat(pop3.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
            assertThat(pop3.retrieve(list.get(0).uidl()).getSubject()).isEqualTo("one");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pop3.retrieve(list.get(1).uidl(), out);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Subject: two").contains("Body of two");
            assertThat(pop3.delete(list.get(0).uidl())).isTrue();
            assertThat(pop3.list()).extracting(Pop3MessageInfo::uidl).containsExactly(list.get(1).uidl());
            assertThat(pop3.delete("no-such-uidl")).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pop3", "pop3s"})
    void pop3s_dropInSession_storeConnectsWithoutCredentials(String name) throws Exception {
        newMailbox("drop-in", "bob@example.test");
        try (Pop3Fetcher pop3 = pop3().build()) {
            Store store = pop3.session().getStore(name);
            assertThat(store.getClass().getSimpleName()).isEqualTo("HardenedPop3Store");
            store.connect();
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("drop-in");
            inbox.close(false);
            // Angus opens a new connection when a folder is opened after the first one closed.
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            inbox.close(false);
            store.close();
        }
    }

    @Test
    void pop3s_oauth2_usesXoauth2() throws Exception {
        newMailbox("hello", "bob@example.test");
        try (Pop3Fetcher pop3 = pop3().credentials(Credentials.oauth2(login, () -> new String(Fixtures.PASSWORD)))
                .build()) {
            assertThat(pop3.list()).hasSize(1);
        }
    }

    @Test
    void pop3s_wrongPassword_credentialsRejected() throws Exception {
        newMailbox();
        try (Pop3Fetcher pop3 = pop3().credentials(Credentials.password(login, "wrong".toCharArray())).build()) {
            assertThatThrownBy(pop3::list).isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageStartingWith("localhost:" + greenMail.pop3sPort() + " rejected the credentials of "
                            + login);
        }
    }

    @Test
    void pop3_starttlsModeAgainstAnImplicitTlsServer_failsFastAsAConfigurationError() throws Exception {
        newMailbox();
        try (Pop3Fetcher pop3 = pop3().mode(SecurityMode.STARTTLS_REQUIRED).timeouts(FetchFixtures.STALL).build()) {
            assertThatThrownBy(pop3::list).isInstanceOf(MailConnectionException.class)
                    .hasMessageContaining("sent no greeting within 1500 ms")
                    .hasMessageContaining("use mode(SecurityMode.IMPLICIT_TLS), or port 110 with STLS")
                    .matches(e -> !((MailConnectionException) e).isRetryable());
        }
    }
}
