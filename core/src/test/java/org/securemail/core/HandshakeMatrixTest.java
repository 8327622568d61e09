package org.securemail.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.policy.ClientCertificate;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.securemail.policy.TrustSource;
import org.securemail.testing.TestPki;
import org.securemail.testing.internal.OpensslServer;
import org.securemail.testing.internal.TlsTestServer;

/**
 * Real handshakes over loopback against servers that each offer exactly one weakness, and against good servers, under
 * both providers. Weaknesses the test JVM must not offer itself (TLS 1.0/1.1, static RSA, 1024-bit DH) come from
 * {@code openssl s_server} processes.
 */
class HandshakeMatrixTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestPki pki;
    private static TestPki otherPki;
    private static TestPki.Issued good;
    private static TlsEngine engine;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("Matrix");
        otherPki = TestPki.create("Unknown");
        good = pki.localhostLeaf().issue();
        engine = TlsEngine.create();
    }

    @AfterAll
    static void done() {
        engine = null;
    }

    private static TlsPolicy.Builder policy(TlsProvider provider) {
        return TlsPolicy.builder().trust(TrustSource.certificates(List.of(pki.rootCertificate()))).provider(provider);
    }

    private static SSLSocket connect(TlsPolicy policy, String host, int port, SecurityMode mode) throws IOException {
        return engine.connector(policy).connect(host, port, mode, TIMEOUT, TIMEOUT);
    }

    private static Handshake handshakeOf(SSLSocket socket) {
        return ((PolicyEnforcedSocket) socket).handshake().orElseThrow();
    }

    private static String readLine(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static TlsRefusedException refusal(TlsPolicy policy, int port) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> connect(policy, "localhost", port, SecurityMode.IMPLICIT_TLS).close());
        assertThat(t).isInstanceOf(TlsRefusedException.class);
        TlsRefusedException e = (TlsRefusedException) t;
        assertThat(e.host()).isEqualTo("localhost");
        assertThat(e.port()).isEqualTo(port);
        assertThat(e.mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
        assertThat(e.getMessage()).startsWith("localhost:" + port + " ").endsWith("(mode IMPLICIT_TLS)");
        return e;
    }

    private static TlsRefusedException refusedByServer(TlsProvider provider, TestPki.Issued identity) {
        try (TlsTestServer server = TlsTestServer.builder(identity).start()) {
            return refusal(policy(provider).build(), server.port());
        }
    }

    // ---- good paths ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls13Server_handshakeSucceeds_recordsEverything(TlsProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.builder(good).start();
             SSLSocket socket = connect(policy(provider).build(), "localhost", server.port(),
                     SecurityMode.IMPLICIT_TLS)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            Handshake h = handshakeOf(socket);
            assertThat(h.tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
            assertThat(h.cipherSuite().name()).startsWith("TLS_AES_");
            assertThat(h.isAuthenticated()).isTrue();
            assertThat(h.verifiedHostName()).contains("localhost");
            assertThat(h.sniHostName()).contains("localhost");
            assertThat(h.isResumed()).isFalse();
            assertThat(h.provider()).isEqualTo(provider);
            assertThat(h.providerName()).isEqualTo(provider == TlsProvider.JDK ? "SunJSSE" : "BCJSSE");
            assertThat(h.peerCertificates()).containsExactlyElementsOf(good.chain());
            if (provider == TlsProvider.JDK) {
                assertThat(h.namedGroup()).contains(NamedGroup.X25519);
            }
            assertThat(h.toString()).contains("TLSv1.3").contains("verified=localhost");
            assertThat(server.nextResult(TIMEOUT).protocol).isEqualTo("TLSv1.3");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls12EcdheGcmServer_handshakeSucceeds_recordsSuiteAndGroup(TlsProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.builder(good).protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").start();
             SSLSocket socket = connect(policy(provider).build(), "localhost", server.port(),
                     SecurityMode.IMPLICIT_TLS)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            Handshake h = handshakeOf(socket);
            assertThat(h.tlsVersion()).isEqualTo(TlsVersion.TLS_1_2);
            assertThat(h.cipherSuite().name()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            if (provider == TlsProvider.JDK) {
                assertThat(h.namedGroup()).contains(NamedGroup.X25519);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls12Server_secondConnection_isResumedAndRecheckedAsSuch(TlsProvider provider) throws Exception {
        TlsPolicy policy = policy(provider).build();
        try (TlsTestServer server = TlsTestServer.builder(good).protocols("TLSv1.2").start()) {
            try (SSLSocket first = connect(policy, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
                assertThat(readLine(first)).isEqualTo("hello");
                assertThat(handshakeOf(first).isResumed()).isFalse();
            }
            try (SSLSocket second = connect(policy, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
                assertThat(readLine(second)).isEqualTo("hello");
                Handshake h = handshakeOf(second);
                assertThat(h.isResumed()).isTrue();
                assertThat(h.isAuthenticated()).isTrue();
                assertThat(h.peerCertificates()).isNotEmpty();
            }
        }
    }

    /**
     * A session that an opportunistic connection set up without authenticating the server sits in the same
     * SSLContext's cache: a connection that requires authentication to the same host and port must not inherit it.
     */
    @ParameterizedTest
    @CsvSource({"JDK,TLSv1.2", "JDK,TLSv1.3", "BOUNCY_CASTLE,TLSv1.2", "BOUNCY_CASTLE,TLSv1.3"})
    void unauthenticatedOpportunisticSession_notTrustedByARequiredConnection(TlsProvider provider, String version)
            throws Exception {
        TestPki.Issued selfSigned = pki.localhostLeaf().selfSigned().issue();
        TlsPolicy policy = policy(provider).build();
        try (TlsTestServer server = TlsTestServer.builder(selfSigned).protocols(version).start()) {
            try (SSLSocket first = connect(policy, "localhost", server.port(), SecurityMode.STARTTLS_OPPORTUNISTIC)) {
                assertThat(readLine(first)).isEqualTo("hello");
                assertThat(handshakeOf(first).isAuthenticated()).isFalse();
            }
            for (int i = 0; i < 2; i++) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                        () -> connect(policy, "localhost", server.port(), SecurityMode.IMPLICIT_TLS).close());
                assertThat(t).isInstanceOf(TlsRefusedException.class);
                assertThat(((TlsRefusedException) t).reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_SELF_SIGNED);
            }
        }
    }

    /** An authenticated session is resumed, and still bound to the connection's own host name and policy. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void verifiedSession_resumedOnlyForItsHostAndPolicy(TlsProvider provider) throws Exception {
        TestPki.Issued nameOnly = pki.leaf().dnsNames("localhost").issue();
        TlsPolicy policy = policy(provider).build();
        TlsPolicy pinnedElsewhere = policy(provider).trust(TrustSource.pinnedKeys(
                TrustSource.spkiPin(pki.localhostLeaf().selfSigned().issue().certificate()))).build();
        try (TlsTestServer server = TlsTestServer.builder(nameOnly).protocols("TLSv1.2").start()) {
            for (int i = 0; i < 2; i++) {
                try (SSLSocket ok = connect(policy, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
                    assertThat(readLine(ok)).isEqualTo("hello");
                    assertThat(handshakeOf(ok).isResumed()).isEqualTo(i == 1);
                    assertThat(handshakeOf(ok).verifiedHostName()).contains("localhost");
                }
            }
            Throwable otherName = org.assertj.core.api.Assertions.catchThrowable(
                    () -> connect(policy, "127.0.0.1", server.port(), SecurityMode.IMPLICIT_TLS).close());
            assertThat(otherName).isInstanceOf(TlsRefusedException.class);
            assertThat(((TlsRefusedException) otherName).reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
            Throwable otherPolicy = org.assertj.core.api.Assertions.catchThrowable(
                    () -> connect(pinnedElsewhere, "localhost", server.port(), SecurityMode.IMPLICIT_TLS).close());
            assertThat(otherPolicy).isInstanceOf(TlsRefusedException.class);
            assertThat(((TlsRefusedException) otherPolicy).reason())
                    .isEqualTo(TlsRefusalReason.CERTIFICATE_PIN_MISMATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void ipAddressHost_matchesIpSubjectAltName_withoutSni(TlsProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.builder(good).start();
             SSLSocket socket = connect(policy(provider).build(), "127.0.0.1", server.port(),
                     SecurityMode.IMPLICIT_TLS)) {
            Handshake h = handshakeOf(socket);
            assertThat(h.verifiedHostName()).contains("127.0.0.1");
            assertThat(h.sniHostName()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void pinnedSelfSignedRelay_handshakeSucceeds(TlsProvider provider) throws Exception {
        TestPki.Issued selfSigned = pki.localhostLeaf().selfSigned().issue();
        TlsPolicy pinned = policy(provider)
                .trust(TrustSource.pinnedKeys(TrustSource.spkiPin(selfSigned.certificate()))).build();
        try (TlsTestServer server = TlsTestServer.builder(selfSigned).start();
             SSLSocket socket = connect(pinned, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            assertThat(handshakeOf(socket).verifiedHostName()).contains("localhost");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void pinnedIntermediate_chainBelowItVerified_handshakeSucceeds(TlsProvider provider) throws Exception {
        TlsPolicy pinned = policy(provider)
                .trust(TrustSource.pinnedKeys(TrustSource.spkiPin(pki.intermediateCertificate()))).build();
        try (TlsTestServer server = TlsTestServer.builder(good).start();
             SSLSocket socket = connect(pinned, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
            assertThat(handshakeOf(socket).isAuthenticated()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverRequiringClientCertificate_getsTheConfiguredOne(TlsProvider provider) throws Exception {
        TestPki.Issued client = pki.leaf().commonName("mail client").forClient().issue();
        TlsPolicy policy = policy(provider)
                .clientCertificate(ClientCertificate.of(client.privateKey(), client.chain())).build();
        try (TlsTestServer server = TlsTestServer.builder(good).requireClientCertificate(pki.rootCertificate()).start();
             SSLSocket socket = connect(policy, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            TlsTestServer.Result seen = server.nextResult(TIMEOUT);
            assertThat(seen.failure).isNull();
            assertThat(seen.clientCertificates).first().isEqualTo(client.certificate());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverRequiringClientCertificate_noneConfigured_refusedWithHint(TlsProvider provider) {
        // TLS 1.2: the server refuses during the handshake (under TLS 1.3 the client finishes first and the refusal
        // arrives with the first read).
        try (TlsTestServer server = TlsTestServer.builder(good).protocols("TLSv1.2")
                .requireClientCertificate(pki.rootCertificate()).start()) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.CLIENT_CERTIFICATE_REJECTED);
            assertThat(e.getMessage()).contains("TlsPolicy.clientCertificate");
        }
    }

    // ---- opportunistic ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void opportunistic_selfSignedServer_acceptedAsUnauthenticated(TlsProvider provider) throws Exception {
        TestPki.Issued selfSigned = pki.localhostLeaf().selfSigned().issue();
        try (TlsTestServer server = TlsTestServer.builder(selfSigned).start();
             SSLSocket socket = connect(policy(provider).build(), "localhost", server.port(),
                     SecurityMode.STARTTLS_OPPORTUNISTIC)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            Handshake h = handshakeOf(socket);
            assertThat(h.isAuthenticated()).isFalse();
            assertThat(h.verifiedHostName()).isEmpty();
            assertThat(h.authenticationFailure()).hasValueSatisfying(
                    f -> assertThat(f).startsWith("CERTIFICATE_SELF_SIGNED"));
            assertThat(h.toString()).contains("UNAUTHENTICATED");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void opportunistic_weakKey_stillRefused(TlsProvider provider) {
        TestPki.Issued weak = pki.localhostLeaf().rsa(1024).selfSigned().issue();
        try (TlsTestServer server = TlsTestServer.builder(weak).start()) {
            assertThatThrownBy(() -> connect(policy(provider).build(), "localhost", server.port(),
                    SecurityMode.STARTTLS_OPPORTUNISTIC))
                    .isInstanceOfSatisfying(TlsRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK));
        }
    }

    // ---- one weakness each ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls10OnlyServer_refused_protocolVersion(TlsProvider provider) {
        try (OpensslServer server = OpensslServer.start(good, "-tls1", "-cipher", "ALL:@SECLEVEL=0")) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.PROTOCOL_VERSION);
            assertThat(e.getMessage()).contains("TLS version below the policy minimum").contains("RFC 8996");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls11OnlyServer_refused_protocolVersion(TlsProvider provider) {
        try (OpensslServer server = OpensslServer.start(good, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.PROTOCOL_VERSION);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void staticRsaOnlyServer_refused_noSharedCipherSuite(TlsProvider provider) {
        try (OpensslServer server = OpensslServer.start(good, "-no_tls1_3", "-cipher", "AES128-GCM-SHA256")) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
            assertThat(e.getMessage()).contains("no cipher suite or key-exchange group in common");
            assertThat(e.getMessage()).contains("the server may offer only old TLS versions (TLS 1.0 or 1.1,"
                    + " forbidden by RFC 8996) or only old suites (static RSA, CBC, RC4, 3DES)");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void cbcOnlyServer_refusedUnderModern_noSharedCipherSuite(TlsProvider provider) {
        try (OpensslServer server = OpensslServer.start(good, "-no_tls1_3", "-cipher", "ECDHE-RSA-AES128-SHA256")) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverWithOnlyAGroupOutsideThePolicy_refused(TlsProvider provider) {
        try (OpensslServer server = OpensslServer.start(good, "-groups", "secp521r1")) {
            TlsRefusedException e = refusal(policy(provider).build(), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
            assertThat(e.getMessage()).contains("no cipher suite or key-exchange group in common");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverWithOnlySecp521r1_acceptedWhenThePolicyAllowsIt(TlsProvider provider) throws Exception {
        TlsPolicy p521 = policy(provider).namedGroups(org.securemail.policy.NamedGroup.SECP521R1).build();
        try (OpensslServer server = OpensslServer.start(good, "-groups", "secp521r1");
             SSLSocket socket = connect(p521, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
            Handshake h = handshakeOf(socket);
            if (provider == TlsProvider.JDK) {
                assertThat(h.namedGroup()).contains(NamedGroup.SECP521R1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void cbcOnlyServer_acceptedUnderCompatible(TlsProvider provider) throws Exception {
        TlsPolicy compatible = TlsPolicy.COMPATIBLE.toBuilder()
                .trust(TrustSource.certificates(List.of(pki.rootCertificate()))).provider(provider).build();
        try (OpensslServer server = OpensslServer.start(good, "-no_tls1_3", "-cipher", "ECDHE-RSA-AES128-SHA256");
             SSLSocket socket = connect(compatible, "localhost", server.port(), SecurityMode.IMPLICIT_TLS)) {
            assertThat(handshakeOf(socket).cipherSuite().name()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void dhe1024Server_refusedUnderCompatible_weakKeyExchange(TlsProvider provider) throws Exception {
        TlsPolicy compatible = TlsPolicy.COMPATIBLE.toBuilder()
                .trust(TrustSource.certificates(List.of(pki.rootCertificate()))).provider(provider).build();
        java.nio.file.Path dh = DhParams.file(1024);
        try (OpensslServer server = OpensslServer.start(good, "-no_tls1_3", "-cipher",
                "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-dhparam", dh.toString())) {
            TlsRefusedException e = refusal(compatible, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.WEAK_KEY_EXCHANGE);
            assertThat(e.getMessage()).contains("ephemeral key exchange below the policy minimum");
            if (provider == TlsProvider.JDK) {
                assertThat(e.getMessage()).contains("DH 1024-bit");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls12OnlyServer_refusedUnderRestricted_protocolVersion(TlsProvider provider) {
        TlsPolicy restricted = TlsPolicy.RESTRICTED.toBuilder()
                .trust(TrustSource.certificates(List.of(pki.rootCertificate()))).provider(provider).build();
        try (TlsTestServer server = TlsTestServer.builder(good).protocols("TLSv1.2").start()) {
            TlsRefusedException e = refusal(restricted, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.PROTOCOL_VERSION);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void expiredCertificate_refused(TlsProvider provider) {
        TestPki.Issued expired = pki.localhostLeaf().expired().issue();
        TlsRefusedException e = refusedByServer(provider, expired);
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_EXPIRED);
        assertThat(e.peerCertificates()).containsExactlyElementsOf(expired.chain());
        assertThat(e.getMessage()).contains("certificate expired: leaf").contains("renewed certificate");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void notYetValidCertificate_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, pki.localhostLeaf().notYetValid().issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_NOT_YET_VALID);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void wrongHostCertificate_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, pki.leaf().dnsNames("mail.example.test").issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
        assertThat(e.getMessage()).contains("[DNS:mail.example.test], not localhost");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void hostOnlyInCommonName_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, pki.leaf().commonName("localhost").issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
        assertThat(e.getMessage()).contains("the common name is ignored");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void selfSignedCertificate_refused(TlsProvider provider) {
        TestPki.Issued selfSigned = pki.localhostLeaf().selfSigned().issue();
        TlsRefusedException e = refusedByServer(provider, selfSigned);
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_SELF_SIGNED);
        assertThat(e.getMessage()).contains(TrustSource.spkiPin(selfSigned.certificate()));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void unknownCa_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, pki.localhostLeaf().issuedBy(otherPki).issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
        assertThat(e.getMessage()).contains("Unknown Root CA");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void missingIntermediate_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, good.withoutIntermediates());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_CHAIN_INCOMPLETE);
        assertThat(e.getMessage()).contains("Matrix Intermediate CA");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void sha1SignedLeaf_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider,
                pki.localhostLeaf().signatureAlgorithm("SHA1withRSA").issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_SIGNATURE_WEAK);
        assertThat(e.getMessage()).contains("SHA1withRSA");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void rsa1024Leaf_refused(TlsProvider provider) {
        TlsRefusedException e = refusedByServer(provider, pki.localhostLeaf().rsa(1024).issue());
        assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK);
        assertThat(e.getMessage()).contains("1024-bit RSA key (minimum 2048 bits)");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void pinMismatch_refused(TlsProvider provider) {
        TestPki.Issued other = pki.localhostLeaf().selfSigned().issue();
        TlsPolicy pinned = policy(provider)
                .trust(TrustSource.pinnedKeys(TrustSource.spkiPin(other.certificate()))).build();
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            TlsRefusedException e = refusal(pinned, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_PIN_MISMATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverClosingSilentlyAfterClientHello_refusedSayingSo(TlsProvider provider) throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = silent.accept()) {
                    s.getInputStream().read(new byte[5]); // the start of the ClientHello, then close: no alert
                } catch (IOException ignored) {
                    // client gone
                }
            });
            t.setDaemon(true);
            t.start();
            TlsRefusedException e = refusal(policy(provider).build(), silent.getLocalPort());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.HANDSHAKE_FAILED);
            assertThat(e.getMessage()).contains("closed the connection in the TLS handshake without an alert");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void plaintextServer_refusedWithStarttlsHint(TlsProvider provider) throws Exception {
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getOutputStream().write("220 mail.example.test ESMTP ready\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(new byte[1024]);
                } catch (IOException ignored) {
                    // client gone
                }
            });
            t.setDaemon(true);
            t.start();
            TlsRefusedException e = refusal(policy(provider).build(), plain.getLocalPort());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.HANDSHAKE_FAILED);
            assertThat(e.getMessage()).contains("did not answer with TLS");
        }
    }
}
