package org.securemail.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsaRecord;
import org.securemail.policy.TrustSource;
import org.securemail.testing.TestPki;
import org.securemail.testing.internal.OpensslServer;
import org.securemail.testing.internal.TlsTestServer;

/**
 * DANE for SMTP (RFC 7672, RFC 6698, RFC 7671) in real handshakes over loopback, under both providers: DANE-EE and
 * DANE-TA matches with each selector and matching type, the checks each usage skips and keeps, mismatches, the policy
 * floor, and sessions never resumed across record sets.
 */
class DaneTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestPki pki;
    private static TestPki otherPki;
    private static TestPki.Issued good;
    private static TestPki.Issued other;
    private static TlsEngine engine;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("Dane");
        otherPki = TestPki.create("Elsewhere");
        good = pki.localhostLeaf().issue();
        other = otherPki.localhostLeaf().issue();
        engine = TlsEngine.create();
    }

    // ---- records made from certificates, as an operator publishes them ----

    private static TlsaRecord record(int usage, int selector, int matchingType, X509Certificate c) throws Exception {
        byte[] selected = selector == TlsaRecord.SELECTOR_CERTIFICATE ? c.getEncoded() : c.getPublicKey().getEncoded();
        byte[] data = matchingType == TlsaRecord.MATCH_FULL ? selected
                : MessageDigest.getInstance(matchingType == TlsaRecord.MATCH_SHA256 ? "SHA-256" : "SHA-512")
                        .digest(selected);
        return TlsaRecord.of(usage, selector, matchingType, data);
    }

    private static TlsPolicy dane(TlsProvider provider, List<TlsaRecord> records, String... referenceNames) {
        return TlsPolicy.builder().provider(provider)
                .trust(TrustSource.dane(records, List.of(referenceNames.length == 0
                        ? new String[] {"mx.example.com"} : referenceNames)))
                .build();
    }

    private static SSLSocket connect(TlsPolicy policy, int port, SecurityMode mode) throws IOException {
        return engine.connector(policy).connect("localhost", port, mode, TIMEOUT, TIMEOUT);
    }

    private static Handshake accepted(TlsPolicy policy, int port) throws IOException {
        try (SSLSocket socket = connect(policy, port, SecurityMode.IMPLICIT_TLS)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            Handshake h = ((PolicyEnforcedSocket) socket).handshake().orElseThrow();
            assertThat(h.isAuthenticated()).isTrue();
            return h;
        }
    }

    private static TlsRefusedException refused(TlsPolicy policy, int port) {
        Throwable t = catchThrowable(() -> connect(policy, port, SecurityMode.IMPLICIT_TLS).close());
        assertThat(t).isInstanceOf(TlsRefusedException.class);
        TlsRefusedException e = (TlsRefusedException) t;
        assertThat(e.getMessage()).startsWith("localhost:" + port + " ").endsWith("(mode IMPLICIT_TLS)");
        return e;
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

    // ---- DANE-EE(3) ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe311_expiredLeafForAnUnrelatedName_accepted(TlsProvider provider) throws Exception {
        TestPki.Issued expiredElsewhere = pki.leaf().dnsNames("unrelated.example").expired().issue();
        TlsPolicy policy = dane(provider, List.of(record(3, 1, 1, expiredElsewhere.certificate())));
        try (TlsTestServer server = TlsTestServer.builder(expiredElsewhere).start()) {
            Handshake h = accepted(policy, server.port());
            assertThat(h.peerCertificates()).first().isEqualTo(expiredElsewhere.certificate());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe311_selfSignedLeaf_accepted(TlsProvider provider) throws Exception {
        TestPki.Issued selfSigned = pki.leaf().dnsNames("mx.example.com").selfSigned().issue();
        try (TlsTestServer server = TlsTestServer.builder(selfSigned).start()) {
            accepted(dane(provider, List.of(record(3, 1, 1, selfSigned.certificate()))), server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe_eachSelectorAndMatchingType_accepted(TlsProvider provider) throws Exception {
        X509Certificate leaf = good.certificate();
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            for (int[] srm : new int[][] {{0, 1}, {1, 2}, {0, 0}, {1, 0}, {0, 2}}) {
                accepted(dane(provider, List.of(record(3, srm[0], srm[1], leaf))), server.port());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe_otherKey_refusedAsMismatch_sayingWhatItSaw(TlsProvider provider) throws Exception {
        TlsaRecord elsewhere = record(3, 1, 1, other.certificate());
        TlsaRecord elsewhereCert = record(3, 0, 1, other.certificate());
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            TlsRefusedException e = refused(dane(provider, List.of(elsewhere, elsewhereCert)), server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
            assertThat(e.reason().isAuthenticationFailure()).isTrue();
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " presented a certificate that"
                    + " matches none of its 2 DNSSEC-signed TLSA records (DANE, RFC 7672): leaf \"")
                    .contains(record(3, 1, 1, good.certificate()).toString().substring(6))
                    .contains(elsewhere.toString())
                    .contains("must publish records for the certificate it serves");
            assertThat(e.peerCertificates()).containsExactlyElementsOf(good.chain());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe_recordOfTheIntermediate_refused(TlsProvider provider) throws Exception {
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            TlsRefusedException e = refused(dane(provider, List.of(record(3, 1, 1, pki.intermediateCertificate()))),
                    server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEe_oneOfSeveralRecordsMatches_accepted(TlsProvider provider) throws Exception {
        List<TlsaRecord> rollover = List.of(record(3, 1, 1, other.certificate()), record(3, 1, 1, good.certificate()));
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            accepted(dane(provider, rollover), server.port());
        }
    }

    // ---- DANE-TA(2) ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa201_intermediateSent_leafNamesAReferenceName_accepted(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, pki.intermediateCertificate())),
                "mx.example.com", "localhost");
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            assertThat(accepted(policy, server.port()).verifiedHostName()).contains("localhost");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_wildcardLeaf_matchesAReferenceName(TlsProvider provider) throws Exception {
        TestPki.Issued wildcard = pki.leaf().dnsNames("*.mail.example").issue();
        TlsPolicy policy = dane(provider, List.of(record(2, 1, 1, pki.intermediateCertificate())), "mx.mail.example");
        TlsPolicy tooDeep = dane(provider, List.of(record(2, 1, 1, pki.intermediateCertificate())),
                "a.mx.mail.example");
        try (TlsTestServer server = TlsTestServer.builder(wildcard).start()) {
            accepted(policy, server.port());
            assertThat(refused(tooDeep, server.port()).reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_leafNamesNoReferenceName_refused(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, pki.intermediateCertificate())), "mx.example.com");
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            TlsRefusedException e = refused(policy, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
            assertThat(e.getMessage()).contains("certificate does not name the mail exchanger")
                    .contains("[mx.example.com]").contains("RFC 7672 §3.2.2");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa210_rootKeyOnlyInDns_verifiesTheTopCertificate_accepted(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(2, 1, 0, pki.rootCertificate())), "localhost");
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            accepted(policy, server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa211_rootDigestOnlyInDns_rootNotSent_refused(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(2, 1, 1, pki.rootCertificate())), "localhost");
        try (TlsTestServer server = TlsTestServer.builder(good).start()) {
            assertThat(refused(policy, server.port()).reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_anchorSentButLeafNotSignedThroughIt_refused(TlsProvider provider) throws Exception {
        List<X509Certificate> forged = List.of(good.certificate(), otherPki.intermediateCertificate());
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, otherPki.intermediateCertificate())), "localhost");
        try (ChainServer server = ChainServer.start(good.privateKey(), forged)) {
            TlsRefusedException e = refused(policy, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
            assertThat(e.getMessage()).contains("matches a DANE-TA record, but the leaf")
                    .contains("does not chain up to it");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_expiredIntermediateBelowTheAnchor_refused(TlsProvider provider) throws Exception {
        CustomChain.Holder root = CustomChain.root("DANE TA Root");
        CustomChain.Holder expired = CustomChain.issue(root, "Expired Intermediate", true,
                CustomChain.daysAgo(60), CustomChain.daysAgo(1));
        CustomChain.Holder leaf = CustomChain.issue(expired, "mx", false, CustomChain.daysAgo(30),
                CustomChain.inDays(30), "localhost");
        List<X509Certificate> chain = List.of(leaf.certificate, expired.certificate, root.certificate);
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, root.certificate)), "localhost");
        TlsPolicy anchoredAtTheIntermediate = dane(provider, List.of(record(2, 1, 1, expired.certificate)),
                "localhost");
        try (ChainServer server = ChainServer.start(leaf.keys.getPrivate(), chain)) {
            TlsRefusedException e = refused(policy, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_EXPIRED);
            assertThat(e.getMessage()).contains("certificate expired: chain certificate \"CN=Expired Intermediate");
            // The anchor's own dates are not checked: DNS, not the certificate, says it is trusted (RFC 7671 §5.2).
            accepted(anchoredAtTheIntermediate, server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_issuerThatIsNotACa_refused(TlsProvider provider) throws Exception {
        CustomChain.Holder root = CustomChain.root("DANE TA Root");
        CustomChain.Holder notCa = CustomChain.issue(root, "Not A CA", false, CustomChain.daysAgo(1),
                CustomChain.inDays(30), "other.example");
        CustomChain.Holder leaf = CustomChain.issue(notCa, "mx", false, CustomChain.daysAgo(1),
                CustomChain.inDays(30), "localhost");
        List<X509Certificate> chain = List.of(leaf.certificate, notCa.certificate, root.certificate);
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, root.certificate)), "localhost");
        try (ChainServer server = ChainServer.start(leaf.keys.getPrivate(), chain)) {
            TlsRefusedException e = refused(policy, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
            assertThat(e.getMessage()).contains("\"CN=Not A CA").contains("is not a CA");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTa_recordMatchingTheLeaf_isNoAnchor_refused(TlsProvider provider) throws Exception {
        TestPki.Issued selfSigned = pki.localhostLeaf().selfSigned().issue();
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, selfSigned.certificate())), "localhost");
        try (TlsTestServer server = TlsTestServer.builder(selfSigned).start()) {
            assertThat(refused(policy, server.port()).reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
        }
    }

    // ---- the policy floor still holds ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEeMatch_weakLeafKey_stillRefused(TlsProvider provider) throws Exception {
        TestPki.Issued weak = pki.localhostLeaf().rsa(1024).issue();
        try (TlsTestServer server = TlsTestServer.builder(weak).start()) {
            TlsRefusedException e = refused(dane(provider, List.of(record(3, 1, 1, weak.certificate()))),
                    server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneEeMatch_tls11OnlyServer_stillRefused(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(3, 1, 1, good.certificate())));
        try (OpensslServer server = OpensslServer.start(good, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")) {
            assertThat(refused(policy, server.port()).reason()).isEqualTo(TlsRefusalReason.PROTOCOL_VERSION);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void daneTaMatch_sha1SignedLeaf_stillRefused(TlsProvider provider) throws Exception {
        TestPki.Issued sha1 = pki.localhostLeaf().signatureAlgorithm("SHA1withRSA").issue();
        TlsPolicy policy = dane(provider, List.of(record(2, 0, 1, pki.intermediateCertificate())), "localhost");
        try (TlsTestServer server = TlsTestServer.builder(sha1).start()) {
            assertThat(refused(policy, server.port()).reason())
                    .isEqualTo(TlsRefusalReason.CERTIFICATE_SIGNATURE_WEAK);
        }
    }

    // ---- modes and sessions ----

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void opportunisticMode_daneMismatch_acceptedAsUnauthenticated(TlsProvider provider) throws Exception {
        TlsPolicy policy = dane(provider, List.of(record(3, 1, 1, other.certificate())));
        try (TlsTestServer server = TlsTestServer.builder(good).start();
             SSLSocket socket = connect(policy, server.port(), SecurityMode.STARTTLS_OPPORTUNISTIC)) {
            assertThat(readLine(socket)).isEqualTo("hello");
            Handshake h = ((PolicyEnforcedSocket) socket).handshake().orElseThrow();
            assertThat(h.isAuthenticated()).isFalse();
            assertThat(h.authenticationFailure()).hasValueSatisfying(f -> assertThat(f).startsWith("DANE_MISMATCH"));
        }
    }

    /**
     * A session verified under one TLSA record set is resumed under that set only: another record set that also
     * matches gets a full handshake, one that does not match is refused.
     */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void verifiedSession_resumedOnlyUnderItsOwnRecordSet(TlsProvider provider) throws Exception {
        TlsPolicy first = dane(provider, List.of(record(3, 1, 1, good.certificate())));
        TlsPolicy widened = dane(provider, List.of(record(3, 1, 1, good.certificate()),
                record(3, 1, 1, other.certificate())));
        TlsPolicy replaced = dane(provider, List.of(record(3, 1, 1, other.certificate())));
        try (TlsTestServer server = TlsTestServer.builder(good).protocols("TLSv1.2").start()) {
            assertThat(accepted(first, server.port()).isResumed()).isFalse();
            assertThat(accepted(first, server.port()).isResumed()).isTrue();
            assertThat(accepted(widened, server.port()).isResumed()).isFalse();
            TlsRefusedException e = refused(replaced, server.port());
            assertThat(e.reason()).isEqualTo(TlsRefusalReason.DANE_MISMATCH);
            assertThat(accepted(first, server.port()).isResumed()).isTrue();
        }
    }
}
