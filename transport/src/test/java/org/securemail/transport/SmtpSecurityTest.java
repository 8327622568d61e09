package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.securemail.testing.WireAssertions.assertNothingDelivered;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsProvider;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.testing.WireAssertions;
import org.securemail.testing.internal.OpensslServer;

/**
 * Every security refusal of the SMTP sender against a hostile server, each proving that no AUTH, MAIL FROM, RCPT TO or
 * message byte reached the wire in cleartext.
 */
class SmtpSecurityTest {

    /** The password in every form it could travel in, and the message's subject and text. */
    private static final List<String> FORBIDDEN = forbidden();

    private static List<String> forbidden() {
        List<String> f = new ArrayList<>(WireAssertions.secretForms("alice", new String(Fixtures.PASSWORD)));
        f.add("secret subject");
        f.add("Hello over TLS");
        return f;
    }

    private static SmtpSender sender(HostileSmtpServer server) {
        return Fixtures.sender(server.port()).credentials(Credentials.password("alice", Fixtures.PASSWORD)).build();
    }

    private static MailSecurityException refusal(HostileSmtpServer server) {
        try (SmtpSender sender = sender(server)) {
            return catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("secret subject")));
        }
    }

    @Test
    void starttlsRequired_noStarttlsOffered_failsBeforeAuth() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " did not offer STARTTLS (mode"
                    + " STARTTLS_REQUIRED); the server or a network device stripped it; nothing was sent");
            assertThat(e.serverCapabilities()).contains("250 AUTH PLAIN LOGIN XOAUTH2");
            assertThat(e.endpoint().protocol()).isEqualTo(MailProtocol.SMTP);
            assertThat(server.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO");
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void starttlsRequired_starttlsAnswered454_refusedAndNothingElseSent() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .startTlsReply("454 4.7.0 TLS not available due to temporary reason").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_REFUSED);
            assertThat(e.getMessage()).contains("refused STARTTLS: 454 4.7.0 TLS not available");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void dataAfterGoAhead_refusedBeforeTls() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .afterGoAhead("250-AUTH PLAIN\r\n250 injected\r\n").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.DATA_AFTER_STARTTLS);
            assertThat(e.getMessage()).contains("after its STARTTLS go-ahead \"220 2.0.0 Ready to start TLS\" and"
                    + " before the TLS handshake");
            assertThat(server.tlsLines()).isEmpty();
            assertThat(server.cleartextLines()).last().isEqualTo("STARTTLS");
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void ehloFailsAfterStarttls_refusedRatherThanUsingCleartextCapabilities() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .ehloAfterTlsReply("554 5.5.1 Not now").authBeforeTls(true).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CAPABILITIES_AFTER_STARTTLS_FAILED);
            assertThat(e.endpoint().handshake()).isPresent();
            assertThat(server.tlsLines()).extracting(l -> l.split(" ")[0]).doesNotContain("AUTH", "MAIL", "HELO");
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void auth530InsideTls_neverStartsTlsAgain() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .authReply("530 5.7.0 Must issue a STARTTLS command first").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_REPEATED);
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("STARTTLS")).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void authOfferedOnlyInCleartext_withoutStarttls_noCredentialsLeave() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).authReply("530 5.7.0 Must issue a STARTTLS command first").start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void untrustedCertificate_noFallbackToTheJvmDefaultFactory() {
        TestPki other = TestPki.create("Stranger");
        try (HostileSmtpServer server = HostileSmtpServer.builder(
                ServerTls.context(other.localhostLeaf().issue())).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
            assertThat(server.connections()).as("Angus's socketFactory.fallback would reconnect").isEqualTo(1);
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    static Stream<Arguments> badCertificates() {
        TestPki pki = Fixtures.PKI;
        return Stream.of(
                Arguments.of("expired", pki.localhostLeaf().expired().issue(), TlsRefusalReason.CERTIFICATE_EXPIRED),
                Arguments.of("not yet valid", pki.localhostLeaf().notYetValid().issue(),
                        TlsRefusalReason.CERTIFICATE_NOT_YET_VALID),
                Arguments.of("wrong host", pki.leaf().dnsNames("mail.example.test").issue(),
                        TlsRefusalReason.HOST_NAME_MISMATCH),
                Arguments.of("self-signed", pki.localhostLeaf().selfSigned().issue(),
                        TlsRefusalReason.CERTIFICATE_SELF_SIGNED),
                Arguments.of("missing intermediate", pki.localhostLeaf().issue().withoutIntermediates(),
                        TlsRefusalReason.CERTIFICATE_CHAIN_INCOMPLETE),
                Arguments.of("SHA-1 signed", pki.localhostLeaf().signatureAlgorithm("SHA1withRSA").issue(),
                        TlsRefusalReason.CERTIFICATE_SIGNATURE_WEAK),
                Arguments.of("1024-bit RSA", pki.localhostLeaf().rsa(1024).issue(),
                        TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCertificates")
    void starttls_badCertificate_refusedBeforeAuth(String name, TestPki.Issued identity, TlsRefusalReason reason) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(identity)).start()) {
            MailSecurityException e = refusal(server);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(reason);
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " refused the TLS connection ("
                    + reason + "): ");
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    static Stream<Arguments> weakTlsServers() {
        return Stream.of(
                Arguments.of("TLS 1.0 only", new String[] {"-tls1", "-cipher", "ALL:@SECLEVEL=0"},
                        TlsRefusalReason.PROTOCOL_VERSION),
                Arguments.of("TLS 1.1 only", new String[] {"-tls1_1", "-cipher", "ALL:@SECLEVEL=0"},
                        TlsRefusalReason.PROTOCOL_VERSION),
                Arguments.of("static RSA only", new String[] {"-no_tls1_3", "-cipher", "AES128-GCM-SHA256"},
                        TlsRefusalReason.NO_SHARED_CIPHER_SUITE),
                Arguments.of("CBC only", new String[] {"-no_tls1_3", "-cipher", "ECDHE-RSA-AES128-SHA256"},
                        TlsRefusalReason.NO_SHARED_CIPHER_SUITE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakTlsServers")
    void implicitTls_weakServer_refusedWithTheTlsReason(String name, String[] options, TlsRefusalReason reason) {
        try (OpensslServer server = OpensslServer.start(Fixtures.SERVER, options);
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.IMPLICIT_TLS)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(reason);
            assertThat(e.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void implicitTlsAgainstACleartextPort_refusedWithAStarttlsHint(TlsProvider provider) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).policy(Fixtures.policy(provider))
                     .mode(SecurityMode.IMPLICIT_TLS).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.HANDSHAKE_FAILED);
            assertThat(e.getMessage()).contains("did not answer with TLS").contains("STARTTLS");
        }
    }

    @Test
    void starttlsAgainstAnImplicitTlsPort_failsFastAsAConfigurationError() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).implicitTls(true).start();
             SmtpSender sender = Fixtures.sender(server.port()).timeouts(Timeouts.of(
                     java.time.Duration.ofMillis(1500), java.time.Duration.ofMinutes(2),
                     java.time.Duration.ofMinutes(2))).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " sent no greeting within 1500 ms"
                    + " (mode STARTTLS_REQUIRED); port " + server.port() + " seems to expect implicit TLS: use"
                    + " mode(SecurityMode.IMPLICIT_TLS), or port 587 with STARTTLS");
            assertThat(e.replyCode()).isEqualTo(-1);
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void dropInSession_smtpsTransportName_stillFollowsTheMode() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            jakarta.mail.Session session = Fixtures.sender(server.port()).build().session();
            jakarta.mail.Transport smtps = session.getTransport("smtps");
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> smtps.connect("localhost", server.port(), "alice", new String(Fixtures.PASSWORD)));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertNothingSentInCleartext(server, FORBIDDEN);
            assertNothingDelivered(server);
        }
    }

    @Test
    void dropInSession_configuredCredentialsNeverGoToAnotherHost() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            jakarta.mail.Session session = Fixtures.sender(server.port())
                    .credentials(Credentials.password("alice", Fixtures.PASSWORD)).buildSession();
            jakarta.mail.Transport t = session.getTransport();
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> t.connect("127.0.0.1", server.port(), null, null));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("this session was built for localhost and its credentials are for"
                    + " that server only");
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void sessionPropertyChangedAfterBuild_dropInRefusedBeforeConnecting_senderUnaffected() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = sender(server)) {
            jakarta.mail.Session session = sender.session();
            session.getProperties().put("mail.smtp.ssl.trust", "*");
            jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(session);
            m.setFrom("sender@example.test");
            m.setRecipients(jakarta.mail.Message.RecipientType.TO, "rcpt@example.test");
            m.setText("x");
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> jakarta.mail.Transport.send(m));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("mail.smtp.ssl.trust");
            assertThat(server.connections()).isZero();
            // The sender's own connections never used that session: it still delivers under its policy.
            DeliveryReport report = sender.send(Fixtures.message("x"));
            assertThat(report.endpoint().handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void providerClassSwappedAfterBuild_isRefused() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = sender(server)) {
            jakarta.mail.Session session = sender.session();
            session.getProperties().put("mail.smtp.socketFactory.fallback", "true");
            try (jakarta.mail.Transport t = session.getTransport()) {
                assertThatThrownBy(t::connect)
                        .isInstanceOfSatisfying(MailSecurityException.class, e -> assertThat(e.reason())
                                .isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION));
            }
            assertThat(server.connections()).isZero();
        }
    }

    // ---- opportunistic relay mode ----

    @Test
    void opportunistic_noStarttlsOffered_sendsInCleartextWithoutCredentials() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false).start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            DeliveryReport report = sender.send(Fixtures.message("relay"));
            assertThat(report.isEncrypted()).isFalse();
            assertThat(report.endpoint().handshake()).isEmpty();
            assertThat(server.messages()).hasSize(1);
            assertThat(server.cleartextLines()).noneMatch(l -> l.startsWith("AUTH"));
        }
    }

    @Test
    void opportunistic_selfSignedStarttls_usedAndReportedUnauthenticated() throws Exception {
        TestPki.Issued selfSigned = Fixtures.PKI.localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(selfSigned)).start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            DeliveryReport report = sender.send(Fixtures.message("relay"));
            assertThat(report.isEncrypted()).isTrue();
            assertThat(report.endpoint().handshake().orElseThrow().isAuthenticated()).isFalse();
            assertThat(report.toString()).contains("UNAUTHENTICATED");
            assertThat(server.cleartextLines()).noneMatch(l -> l.startsWith("MAIL") || l.startsWith("RCPT"));
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("MAIL FROM"));
        }
    }

    @Test
    void opportunistic_starttlsOfferedButRefused_neverFallsBackToCleartext() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .startTlsReply("454 4.7.0 TLS not available").start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("relay")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_REFUSED);
            assertThat(server.cleartextLines()).noneMatch(l -> l.startsWith("MAIL"));
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void opportunistic_weakTls_stillRefused() {
        TestPki.Issued weak = Fixtures.PKI.localhostLeaf().rsa(1024).issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(weak)).start();
             SmtpSender sender = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("relay")));
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void opportunistic_withCredentials_refusedAtBuild() {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").mode(SecurityMode.STARTTLS_OPPORTUNISTIC)
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("credentials are never sent in STARTTLS_OPPORTUNISTIC mode");
    }

    // ---- insecure development relay ----

    @Test
    void insecureCleartext_onlyThroughItsNamedApi_andNeverWithCredentials() throws Exception {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").mode(SecurityMode.INSECURE_CLEARTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("insecureCleartextForLocalDevelopment()");
        assertThatThrownBy(() -> SecureMail.smtp("localhost").insecureCleartextForLocalDevelopment()
                .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("credentials are never sent without TLS");
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).offerStartTls(false).start();
             SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).timeouts(Fixtures.FAST)
                     .insecureCleartextForLocalDevelopment().build()) {
            DeliveryReport report = sender.send(Fixtures.message("dev"));
            assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.INSECURE_CLEARTEXT);
            assertThat(report.isEncrypted()).isFalse();
            assertThat(server.messages()).hasSize(1);
        }
    }

    // ---- OAuth 2.0 ----

    @Test
    void oauth2_expiredTokenRejected_askedAgainOnce_thenDelivers() throws Exception {
        List<String> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .authReplies("535 5.7.8 token expired").start();
             SmtpSender sender = Fixtures.sender(server.port()).credentials(Credentials.oauth2("alice@example.test",
                     () -> {
                         String t = "token-" + (tokens.size() + 1);
                         tokens.add(t);
                         return t;
                     })).build()) {
            DeliveryReport report = sender.send(Fixtures.message("oauth"));
            assertThat(report.finalReply()).startsWith("250");
            assertThat(tokens).containsExactly("token-1", "token-2");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("AUTH XOAUTH2")).hasSize(2);
            assertThat(server.cleartextLines()).noneMatch(l -> l.startsWith("AUTH"));
        }
    }

    /** A caching token source learns which token was rejected, drops it, and the retry carries a fresh one. */
    @Test
    void oauth2_cachedTokenRejected_callbackDropsIt_retryCarriesTheFreshOne() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> cache = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
        List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Supplier<String> cached = () -> cache.updateAndGet(
                t -> t != null ? t : "token-" + issued.incrementAndGet());
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .authReplies("535 5.7.8 token expired").start();
             SmtpSender sender = Fixtures.sender(server.port()).credentials(Credentials.oauth2("alice@example.test",
                     cached, token -> {
                         rejected.add(token);
                         cache.compareAndSet(token, null);
                     })).build()) {
            assertThat(sender.send(Fixtures.message("oauth")).finalReply()).startsWith("250");
            assertThat(rejected).containsExactly("token-1");
            assertThat(issued.get()).isEqualTo(2);
            java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("AUTH XOAUTH2"))
                    .extracting(l -> new String(b64.decode(l.substring("AUTH XOAUTH2 ".length())),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .satisfiesExactly(first -> assertThat(first).contains("Bearer token-1"),
                            second -> assertThat(second).contains("Bearer token-2"));
        }
    }

    @Test
    void oauth2_freshTokenAlsoRejected_failsAfterExactlyTwoAttempts() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .authReply("535 5.7.8 Username and Password not accepted").start();
             SmtpSender sender = Fixtures.sender(server.port())
                     .credentials(Credentials.oauth2("alice@example.test", () -> "always-bad")).build()) {
            assertThatThrownBy(() -> sender.send(Fixtures.message("oauth")))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageContaining("535 5.7.8 Username and Password not accepted")
                    .hasMessageNotContaining("always-bad");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("AUTH XOAUTH2")).hasSize(2);
        }
    }
}
