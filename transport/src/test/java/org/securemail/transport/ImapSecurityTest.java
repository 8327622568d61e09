package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsVersion;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.testing.WireAssertions;
import org.securemail.testing.internal.OpensslServer;

/**
 * Every security rule of IMAP fetching against a hostile IMAP server, each proving what reached the wire: no LOGIN,
 * AUTHENTICATE or mailbox command, and no form of the password or token, ever travelled in cleartext.
 */
class ImapSecurityTest {

    /** The password in every form it could travel in. */
    private static final List<String> FORBIDDEN = WireAssertions.secretForms(FetchFixtures.USER,
            new String(Fixtures.PASSWORD));

    private static MailSecurityException refusal(HostileImapServer server, SecurityMode mode) {
        try (ImapFetcher imap = FetchFixtures.imap(server.port(), mode).build()) {
            return catchThrowableOfType(MailSecurityException.class, imap::folders);
        }
    }

    // ---- STARTTLS done right ----

    @Test
    void starttls_loginDisabledBeforeTls_upgradesAsksCapabilityAgainAndLogsIn() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(3).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            assertThat(imap.folders()).containsExactly("INBOX", "Archive");
            assertThat(imap.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostileImapServer.Line::verb)
                    .containsExactly("CAPABILITY", "STARTTLS");
            assertThat(server.lines()).filteredOn(l -> l.tls).extracting(HostileImapServer.Line::verb)
                    .startsWith("CAPABILITY", "AUTHENTICATE");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void starttlsRequired_noStarttlsOffered_failsBeforeLogin() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesBeforeTls("IMAP4rev1 AUTH=PLAIN").start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " did not offer STARTTLS (mode"
                    + " STARTTLS_REQUIRED); the server or a network device stripped it; nothing was sent");
            assertThat(e.endpoint().protocol()).isEqualTo(MailProtocol.IMAP);
            assertThat(server.lines()).extracting(HostileImapServer.Line::verb).containsExactly("CAPABILITY");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NO TLS not available now", "BAD unknown command"})
    void starttlsAnsweredNoOrBad_refusedAndNothingMoreSent(String reply) {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).startTlsReply(reply).start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_REFUSED);
            assertThat(e.getMessage()).contains("refused STARTTLS: ").contains(reply.substring(4));
            assertThat(server.lines()).extracting(HostileImapServer.Line::verb)
                    .containsExactly("CAPABILITY", "STARTTLS");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void dataAfterGoAhead_refusedBeforeTls() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .afterGoAhead("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n").start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.DATA_AFTER_STARTTLS);
            assertThat(e.getMessage()).contains("after its STARTTLS go-ahead").contains("before the TLS handshake");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as alice", "* PREAUTH welcome"})
    void preauthGreeting_tlsRequired_refusedBeforeAnyCommand(String greeting) {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).greeting(greeting).start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.PREAUTH_WITHOUT_TLS);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " greeted with PREAUTH")
                    .contains("(mode STARTTLS_REQUIRED); RFC 9051 leaves no way to start TLS after PREAUTH");
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void capabilityFailsAfterStarttls_refusedRatherThanUsingCleartextCapabilities() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesBeforeTls("IMAP4rev1 STARTTLS AUTH=PLAIN").capabilityAfterTlsReply("NO not now")
                .start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED);
            assertThat(e.endpoint().handshake()).isPresent();
            assertThat(server.tlsLines()).extracting(l -> l.split(" ")[1]).containsExactly("CAPABILITY");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void capabilityAfterStarttlsListsNothing_refused() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .capabilitiesBeforeTls("IMAP4rev1 STARTTLS AUTH=PLAIN").capabilityAfterTlsReply("OK done").start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED);
            assertThat(e.getMessage()).contains("without listing its capabilities");
            assertThat(server.tlsLines()).extracting(l -> l.split(" ")[1]).containsExactly("CAPABILITY");
        }
    }

    // ---- credentials ----

    @ParameterizedTest
    @EnumSource(value = SecurityMode.class, names = {"IMPLICIT_TLS", "STARTTLS_REQUIRED"})
    void oauth2WithoutXoauth2Offered_neverSendsTheTokenAsAPassword(SecurityMode mode) {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .implicitTls(mode == SecurityMode.IMPLICIT_TLS).capabilitiesAfterTls("IMAP4rev1 AUTH=PLAIN").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), mode)
                     .credentials(Credentials.oauth2("alice", () -> "secret-token-123")).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, imap::folders);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " does not offer AUTH=XOAUTH2 (mode "
                    + mode + "); the OAuth 2.0 token was not sent (Jakarta Mail would have sent it as a LOGIN"
                    + " password); use Credentials.password(...) if the server takes passwords");
            assertThat(e.isRetryable()).isFalse();
            assertThat(server.lines()).extracting(HostileImapServer.Line::verb)
                    .doesNotContain("LOGIN", "AUTHENTICATE");
            assertThat(server.lines()).noneMatch(l -> l.text.contains("secret-token-123"));
        }
    }

    @Test
    void oauth2_expiredTokenRejected_askedAgainOnce_thenConnects() throws Exception {
        List<String> tokens = new CopyOnWriteArrayList<>();
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true)
                .authReplies("NO [AUTHENTICATIONFAILED] token expired").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS)
                     .credentials(Credentials.oauth2("alice", () -> {
                         String t = "token-" + (tokens.size() + 1);
                         tokens.add(t);
                         return t;
                     })).build()) {
            assertThat(imap.folders()).contains("INBOX");
            assertThat(tokens).containsExactly("token-1", "token-2");
            assertThat(server.commands("AUTHENTICATE")).isEqualTo(2);
            assertThat(server.commands("LOGIN")).isZero();
        }
    }

    @Test
    void wrongPassword_credentialsRejected() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS)
                .authReply("NO [AUTHENTICATIONFAILED] Invalid credentials").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            CredentialsRejectedException e = catchThrowableOfType(CredentialsRejectedException.class, imap::folders);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " rejected the credentials of alice")
                    .contains("Invalid credentials").doesNotContain(new String(Fixtures.PASSWORD));
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    // ---- TLS itself ----

    static Stream<Arguments> badCertificates() {
        TestPki pki = Fixtures.PKI;
        return Stream.of(
                Arguments.of("expired", pki.localhostLeaf().expired().issue(), TlsRefusalReason.CERTIFICATE_EXPIRED),
                Arguments.of("wrong host", pki.leaf().dnsNames("mail.example.test").issue(),
                        TlsRefusalReason.HOST_NAME_MISMATCH),
                Arguments.of("self-signed", pki.localhostLeaf().selfSigned().issue(),
                        TlsRefusalReason.CERTIFICATE_SELF_SIGNED),
                Arguments.of("untrusted CA", TestPki.create("Stranger").localhostLeaf().issue(),
                        TlsRefusalReason.CERTIFICATE_UNTRUSTED),
                Arguments.of("1024-bit RSA", pki.localhostLeaf().rsa(1024).issue(),
                        TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCertificates")
    void starttls_badCertificate_refusedBeforeLogin(String name, TestPki.Issued identity, TlsRefusalReason reason) {
        try (HostileImapServer server = HostileImapServer.builder(ServerTls.context(identity)).start()) {
            MailSecurityException e = refusal(server, SecurityMode.STARTTLS_REQUIRED);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(reason);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " refused the TLS connection ("
                    + reason + "): ");
            assertThat(server.tlsLines()).isEmpty();
            assertThat(server.connections()).as("no fallback to the JVM's default factory").isEqualTo(1);
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void implicitTls_untrustedCertificate_refused() {
        TestPki.Issued stranger = TestPki.create("Stranger").localhostLeaf().issue();
        try (HostileImapServer server = HostileImapServer.builder(ServerTls.context(stranger)).implicitTls(true)
                .start()) {
            MailSecurityException e = refusal(server, SecurityMode.IMPLICIT_TLS);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
            assertThat(server.lines()).isEmpty();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    static Stream<Arguments> weakTlsServers() {
        return Stream.of(
                Arguments.of("TLS 1.1 only", new String[] {"-tls1_1", "-cipher", "ALL:@SECLEVEL=0"},
                        TlsRefusalReason.PROTOCOL_VERSION),
                Arguments.of("static RSA only", new String[] {"-no_tls1_3", "-cipher", "AES128-GCM-SHA256"},
                        TlsRefusalReason.NO_SHARED_CIPHER_SUITE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakTlsServers")
    void implicitTls_weakServer_refusedWithTheTlsReason(String name, String[] options, TlsRefusalReason reason) {
        try (OpensslServer server = OpensslServer.start(Fixtures.SERVER, options);
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, imap::folders);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(reason);
        }
    }

    @Test
    void implicitTlsAgainstAStarttlsPort_refusedWithAHint() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start()) {
            MailSecurityException e = refusal(server, SecurityMode.IMPLICIT_TLS);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.HANDSHAKE_FAILED);
            assertThat(e.getMessage()).contains("did not answer with TLS");
        }
    }

    @Test
    void stalledServer_failsWithinTheReadTimeout() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true)
                .stallOn("GREETING").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS)
                     .timeouts(FetchFixtures.STALL).build()) {
            long start = System.nanoTime();
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, imap::folders);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " did not answer in time (mode"
                    + " IMPLICIT_TLS); retry later, or raise the read timeout with timeouts(...)");
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.endpoint().handshake()).isPresent();
        }
    }

    @Test
    void serverStallsOnLogin_failsWithinTheReadTimeout() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).stallOn("AUTHENTICATE")
                .start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .timeouts(FetchFixtures.STALL).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, imap::folders);
            assertThat(e.getMessage()).contains("did not answer in time");
        }
    }

    @Test
    void starttlsAgainstAnImplicitTlsPort_failsFastAsAConfigurationError() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .timeouts(FetchFixtures.STALL).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, imap::folders);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " sent no greeting within 1500 ms"
                    + " (mode STARTTLS_REQUIRED); port " + server.port() + " seems to expect implicit TLS: use"
                    + " mode(SecurityMode.IMPLICIT_TLS), or port 143 with STARTTLS");
            assertThat(e.isRetryable()).isFalse();
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void byeGreeting_reportedAsARetryableRefusal() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true)
                .greeting("* BYE too many connections from your address").start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS).build()) {
            MailConnectionException e = catchThrowableOfType(MailConnectionException.class, imap::folders);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " refused the connection: ")
                    .contains("too many connections").endsWith("(mode IMPLICIT_TLS); retry later");
            assertThat(e.isRetryable()).isTrue();
            assertThat(server.lines()).isEmpty();
        }
    }

    // ---- the session, whatever Angus would do ----

    @Test
    void sessionPropertyChangedAfterBuild_refusedBeforeConnecting() {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            imap.session().getProperties().put("mail.imap.ssl.trust", "*");
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, imap::folders);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("mail.imap.ssl.trust");
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void providerClassSwappedAfterBuild_stillCannotLogInOutsideTls() throws Exception {
        // docs/angus-behaviours.md AB-11: the property makes Session hand out Angus's own store, which SecureMail's
        // code never sees; the
        // socket factories in the session still refuse TLS outside a SecureMail connection, and the guarded plain
        // socket still stops LOGIN.
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            imap.session().getProperties().put("mail.imap.class", "org.eclipse.angus.mail.imap.IMAPStore");
            Store store = imap.session().getStore("imap");
            assertThat(store.getClass().getSimpleName()).isEqualTo("IMAPStore");
            jakarta.mail.MessagingException e = catchThrowableOfType(jakarta.mail.MessagingException.class,
                    () -> store.connect("localhost", server.port(), "alice", new String(Fixtures.PASSWORD)));
            assertThat(e).hasStackTraceContaining("TLS was requested outside a connection SecureMail opened");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "imaps"})
    void dropInSession_eitherStoreName_followsTheMode(String name) throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Session session = imap.session();
            Store store = session.getStore(name);
            assertThat(store.getClass().getSimpleName()).isEqualTo("HardenedImapStore");
            store.connect();
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            inbox.close(false);
            store.close();
            assertThat(server.lines()).filteredOn(l -> !l.tls).extracting(HostileImapServer.Line::verb)
                    .containsExactly("CAPABILITY", "STARTTLS");
            assertNothingSentInCleartext(server, FORBIDDEN);
        }
    }

    @Test
    void dropInSession_connectToAnotherHost_refused() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Store store = imap.session().getStore("imap");
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> store.connect("127.0.0.1", server.port(), "bob", "pw"));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("this session was built for localhost");
            assertThat(server.connections()).isZero();
        }
    }

    // ---- what the handshake records ----

    @Test
    void everyConnectionReportsItsHandshake() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).implicitTls(true).messages(1)
                .start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.IMPLICIT_TLS).build()) {
            imap.folders();
            try (ImapMailbox a = imap.openFolder("INBOX"); ImapMailbox b = imap.openFolder("Archive")) {
                assertThat(a.endpoint().handshake().orElseThrow().tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
                assertThat(b.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
                assertThat(a.endpoint().handshake().orElseThrow()).isNotSameAs(b.endpoint().handshake().orElseThrow());
            }
            assertThat(server.connections()).isGreaterThanOrEqualTo(2);
        }
    }
}
