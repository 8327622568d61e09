package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.testing.WireAssertions;

/**
 * Every security rule of POP3 fetching against a hostile POP3 server, each proving that no USER, PASS, AUTH or maildrop
 * command, and no form of the password, travelled in cleartext.
 */
class Pop3SecurityTest {

    /** The password in every form it could travel in. */
    private static final List<String> FORBIDDEN = WireAssertions.secretForms(FetchFixtures.USER,
            new String(Fixtures.PASSWORD));

    private static Pop3Fetcher fetcher(HostilePop3Server server) {
        return FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build();
    }

    private static MailSecurityException refusal(HostilePop3Server server) {
        try (Pop3Fetcher pop3 = fetcher(server)) {
            return catchThrowableOfType(MailSecurityException.class, pop3::list);
        }
    }

    @Test
    void stls_upgradesAsksCapaAgain_thenListsRetrievesAndDeletes() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(3).start();
             Pop3Fetcher pop3 = fetcher(server)) {
            List<Pop3MessageInfo> list = pop3.list();
            assertThat(list).extracting(Pop3MessageInfo::uidl).containsExactly("uid-1", "uid-2", "uid-3");
            assertThat(list).extracting(Pop3MessageInfo::number).containsExactly(1, 2, 3);
            assertThat(list).allMatch(m -> m.size() > 0);
            assertThat(pop3.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
            assertThat(server.lines()).filteredOn(l -> l.connection == 1 && !l.tls)
                    .extracting(HostilePop3Server.Line::verb).containsExactly("CAPA", "STLS");
            assertThat(server.lines()).filteredOn(l -> l.connection == 1 && l.tls)
                    .extracting(HostilePop3Server.Line::verb).startsWith("CAPA", "AUTH").contains("UIDL", "LIST")
                    .endsWith("QUIT");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pop3.retrieve("uid-2", out);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).contains("Subject: Message 2")
                    .contains("\r\n.leading dot\r\n");
            assertThat(pop3.retrieve("uid-3").getSubject()).isEqualTo("Message 3");
            assertThat(catchThrowableOfType(jakarta.mail.MessageRemovedException.class, () -> pop3.retrieve("nope")))
                    .hasMessage("the maildrop has no message with UIDL nope");

            assertThat(server.deleted()).isEmpty();
            assertThat(pop3.delete(List.of("uid-1", "uid-9"))).containsExactly("uid-1");
            assertThat(server.deleted()).containsExactly("uid-1");
            assertThat(pop3.list()).extracting(Pop3MessageInfo::uidl).containsExactly("uid-2", "uid-3");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void starttlsRequired_noStlsOffered_failsBeforeUser() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .capaBeforeTls("USER", "UIDL", "SASL PLAIN").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " did not offer STLS (mode"
                    + " STARTTLS_REQUIRED); the server or a network device stripped it; nothing was sent");
            assertThat(e.endpoint().protocol()).isEqualTo(MailProtocol.POP3);
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-ERR TLS not available", "-ERR [IN-USE] try later"})
    void stlsAnsweredErr_neverContinuesInCleartext(String reply) {
        // docs/angus-behaviours.md AB-4: with starttls.required=false, Angus continues in cleartext and sends
        // USER/PASS.
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).stlsReply(reply).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_REFUSED);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " refused STLS: " + reply
                    + " (mode STARTTLS_REQUIRED); the server cannot start TLS now; nothing but QUIT was sent");
            assertThat(server.lines()).extracting(HostilePop3Server.Line::verb).containsExactly("CAPA", "STLS", "QUIT");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void dataAfterGoAhead_refusedBeforeTls() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .afterGoAhead("+OK injected\r\n").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.DATA_AFTER_STARTTLS);
            assertThat(e.getMessage()).contains("after its STLS go-ahead");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void capaFailsInsideTls_capabilitiesFromBeforeTlsAreNotUsed() {
        // Before TLS the server claims XOAUTH2; inside TLS CAPA fails: the pre-TLS claim must not count.
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .capaBeforeTls("USER", "UIDL", "STLS", "SASL XOAUTH2").capaFailsAfterTls(true).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .credentials(Credentials.oauth2("alice", () -> "secret-token-123")).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, pop3::list);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " does not offer SASL XOAUTH2 (mode"
                    + " STARTTLS_REQUIRED); the OAuth 2.0 token was not sent; use Credentials.password(...) if the"
                    + " server takes passwords");
            assertThat(e.isRetryable()).isFalse();
            assertThat(server.lines()).extracting(HostilePop3Server.Line::verb).doesNotContain("AUTH", "USER", "PASS");
            assertThat(server.lines()).noneMatch(l -> l.text.contains("secret-token-123"));
        }
    }

    @Test
    void oauth2_expiredTokenRejected_askedAgainOnce() throws Exception {
        List<String> tokens = new CopyOnWriteArrayList<>();
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1)
                .authReplies("-ERR [AUTH] token expired").start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .credentials(Credentials.oauth2("alice", () -> {
                         String t = "token-" + (tokens.size() + 1);
                         tokens.add(t);
                         return t;
                     })).build()) {
            assertThat(pop3.list()).hasSize(1);
            assertThat(tokens).containsExactly("token-1", "token-2");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("AUTH XOAUTH2")).hasSize(2);
        }
    }

    @Test
    void wrongPassword_credentialsRejected() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .authReply("-ERR [AUTH] Invalid login").start();
             Pop3Fetcher pop3 = fetcher(server)) {
            CredentialsRejectedException e = catchThrowableOfType(CredentialsRejectedException.class, pop3::list);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " rejected the credentials of alice")
                    .contains("Invalid login");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void passwordWithoutSaslPlain_usesUserPassInsideTls() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).capaAfterTls("USER", "UIDL")
                .messages(1).start();
             Pop3Fetcher pop3 = fetcher(server)) {
            assertThat(pop3.list()).hasSize(1);
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("USER alice"))
                    .anyMatch(l -> l.startsWith("PASS "));
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void stls_untrustedCertificate_refusedBeforeUser() {
        TestPki.Issued stranger = TestPki.create("Stranger").localhostLeaf().issue();
        try (HostilePop3Server server = HostilePop3Server.builder(ServerTls.context(stranger)).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void implicitTls_weakCertificateKey_refused() {
        TestPki.Issued weak = Fixtures.PKI.localhostLeaf().rsa(1024).issue();
        try (HostilePop3Server server = HostilePop3Server.builder(ServerTls.context(weak)).implicitTls(true).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.IMPLICIT_TLS).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, pop3::list);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK);
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void implicitTls_neverSendsStls() throws Exception {
        // docs/angus-behaviours.md AB-6: Angus fails implicit TLS when starttls.required is set; SecureMail never sets
        // it there.
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).implicitTls(true).messages(2)
                .start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.IMPLICIT_TLS).build()) {
            assertThat(pop3.list()).hasSize(2);
            assertThat(server.lines()).allMatch(l -> l.tls).extracting(HostilePop3Server.Line::verb)
                    .doesNotContain("STLS");
        }
    }

    @Test
    void stalledServer_failsWithinTheReadTimeout() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).stallOn("UIDL").messages(1)
                .start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .timeouts(FetchFixtures.STALL).build()) {
            long start = System.nanoTime();
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, pop3::list);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(e.getMessage()).contains("did not answer in time").contains("(mode STARTTLS_REQUIRED)");
        }
    }

    @Test
    void stalledGreeting_failsWithinTheReadTimeout() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).stallOn("GREETING").start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .timeouts(FetchFixtures.STALL).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, pop3::list);
            assertThat(e.getMessage()).contains("sent no greeting within 1500 ms");
            assertThat(e.isRetryable()).isFalse();
        }
    }

    @Test
    void sessionPropertyChangedAfterBuild_refusedBeforeConnecting() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).start();
             Pop3Fetcher pop3 = fetcher(server)) {
            pop3.session().getProperties().put("mail.pop3.starttls.required", "false");
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, pop3::list);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("mail.pop3.starttls.required");
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void dropInSession_pop3sName_stillUsesStls() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1).start();
             Pop3Fetcher pop3 = fetcher(server)) {
            jakarta.mail.Store store = pop3.session().getStore("pop3s");
            store.connect();
            jakarta.mail.Folder inbox = store.getFolder("INBOX");
            inbox.open(jakarta.mail.Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            inbox.close(false);
            store.close();
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostilePop3Server.Line::verb)
                    .containsExactly("CAPA", "STLS");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void insecureCleartext_serverOffersStls_credentialsStayHome() {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).start();
             Pop3Fetcher pop3 = SecureMail.pop3("127.0.0.1").port(server.port()).timeouts(FetchFixtures.FAST)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .insecureCleartextForLocalDevelopment().build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, pop3::list);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED);
            assertThat(e.getMessage()).contains("offers STARTTLS, so SecureMail refused to send the credentials in"
                    + " cleartext (mode INSECURE_CLEARTEXT)");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void insecureCleartext_plainServer_works() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(null).messages(1).start();
             Pop3Fetcher pop3 = SecureMail.pop3("localhost").port(server.port()).timeouts(FetchFixtures.FAST)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD))
                     .insecureCleartextForLocalDevelopment().build()) {
            assertThat(pop3.list()).hasSize(1);
            assertThat(pop3.endpoint().handshake()).isEmpty();
        }
    }

    @Test
    void retrieve_serverStallsDuringRetr_connectionFailure_butCallerStreamFailureIsTheCallers() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).stallOn("RETR").messages(1)
                .start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .timeouts(FetchFixtures.STALL).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class,
                    () -> pop3.retrieve("uid-1", new ByteArrayOutputStream()));
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " did not answer in time (mode"
                    + " STARTTLS_REQUIRED); retry later, or raise the read timeout with timeouts(...)");
            assertThat(e.isRetryable()).isTrue();
        }
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1).start();
             Pop3Fetcher pop3 = fetcher(server)) {
            java.io.IOException disk = new java.io.IOException("disk full");
            java.io.OutputStream full = new java.io.OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    throw disk;
                }
            };
            assertThat(catchThrowableOfType(java.io.IOException.class, () -> pop3.retrieve("uid-1", full)))
                    .isSameAs(disk);
            assertThat(pop3.list()).hasSize(1);
        }
    }
}
