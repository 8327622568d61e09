package org.securemail.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsPolicyTest {

    private static List<String> suiteNames(TlsPolicy p) {
        return p.cipherSuites().stream().map(CipherSuite::name).collect(Collectors.toList());
    }

    @Test
    void modern_isTheDefault_tls13And12_ecdheAeadOnly() {
        assertThat(TlsPolicy.builder().build()).isEqualTo(TlsPolicy.MODERN);
        assertThat(TlsPolicy.MODERN.versions()).containsExactly(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
        assertThat(TlsPolicy.MODERN.cipherSuites()).allSatisfy(s -> {
            assertThat(s.isAead()).isTrue();
            assertThat(s.keyExchange()).isIn(CipherSuite.KeyExchange.TLS13, CipherSuite.KeyExchange.ECDHE);
        });
        assertThat(suiteNames(TlsPolicy.MODERN)).containsExactly(
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(TlsPolicy.MODERN.namedGroups()).containsExactly(
                NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1);
        assertThat(TlsPolicy.MODERN.minimumRsaKeyBits()).isEqualTo(2048);
        assertThat(TlsPolicy.MODERN.minimumEcKeyBits()).isEqualTo(256);
        assertThat(TlsPolicy.MODERN.minimumDhKeyBits()).isEqualTo(2048);
        assertThat(TlsPolicy.MODERN.trust()).isEqualTo(TrustSource.system());
        assertThat(TlsPolicy.MODERN.clientCertificate()).isEmpty();
        assertThat(TlsPolicy.MODERN.provider()).isEqualTo(TlsProvider.JDK);
    }

    @Test
    void restricted_isTls13Only() {
        assertThat(TlsPolicy.RESTRICTED.versions()).containsExactly(TlsVersion.TLS_1_3);
        assertThat(suiteNames(TlsPolicy.RESTRICTED)).containsExactly(
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void compatible_addsDheAndEcdheCbc_stillForwardSecret() {
        assertThat(TlsPolicy.COMPATIBLE.minimumVersion()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(suiteNames(TlsPolicy.COMPATIBLE)).containsAll(suiteNames(TlsPolicy.MODERN))
                .contains("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
                .noneMatch(n -> n.startsWith("TLS_DHE_") && n.contains("_CBC_"));
        assertThat(TlsPolicy.COMPATIBLE.namedGroups()).contains(NamedGroup.FFDHE2048, NamedGroup.FFDHE3072);
        assertThat(TlsPolicy.COMPATIBLE.namedGroups())
                .allSatisfy(g -> assertThat(g.bits()).isGreaterThanOrEqualTo(256));
        // Forward secret: every suite agrees on its keys by ephemeral (EC)DHE, read from the IANA name itself (TLS 1.3
        // suites always do; TLS 1.2 ones must name ECDHE or DHE, never RSA, DH or ECDH), and the parsed key exchange
        // says the same.
        String ephemeral = "TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_[A-Z0-9_]+"
                + "|TLS_(AES_128_GCM|AES_256_GCM|AES_128_CCM|CHACHA20_POLY1305)_SHA(256|384)";
        assertThat(suiteNames(TlsPolicy.COMPATIBLE)).isNotEmpty()
                .allMatch(n -> n.matches(ephemeral), "an ephemeral (EC)DHE suite or a TLS 1.3 suite");
        assertThat(TlsPolicy.COMPATIBLE.cipherSuites()).allSatisfy(s -> assertThat(s.keyExchange()).isEqualTo(
                s.version() == TlsVersion.TLS_1_3 ? CipherSuite.KeyExchange.TLS13
                        : s.name().startsWith("TLS_DHE_") ? CipherSuite.KeyExchange.DHE
                        : CipherSuite.KeyExchange.ECDHE));
    }

    @Test
    void toString_namesThePreset() {
        assertThat(TlsPolicy.MODERN.toString()).startsWith("TlsPolicy{MODERN versions=[TLSv1.3, TLSv1.2]");
        assertThat(TlsPolicy.RESTRICTED.toString()).startsWith("TlsPolicy{RESTRICTED ");
        assertThat(TlsPolicy.COMPATIBLE.toString()).startsWith("TlsPolicy{COMPATIBLE ");
        assertThat(TlsPolicy.builder().minimumRsaKeyBits(3072).build().toString()).startsWith("TlsPolicy{versions=");
    }

    @Test
    void toBuilder_roundTrips_andBuildNeverMutatesTheBuilder() {
        TlsPolicy.Builder b = TlsPolicy.COMPATIBLE.toBuilder();
        TlsPolicy first = b.build();
        TlsPolicy second = b.build();
        assertThat(first).isEqualTo(TlsPolicy.COMPATIBLE).isEqualTo(second).hasSameHashCodeAs(TlsPolicy.COMPATIBLE);
        assertThat(b.minimumRsaKeyBits(4096).build()).isNotEqualTo(TlsPolicy.COMPATIBLE);
        assertThat(TlsPolicy.COMPATIBLE.minimumRsaKeyBits()).isEqualTo(2048);
    }

    // ---- invariants: each with its exception and message ----

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1", "TLSv1.1", "SSLv3"})
    void versionsBelowTls12_cannotBeExpressed(String name) {
        assertThatThrownBy(() -> TlsVersion.ofProtocolName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS version " + name + " is not allowed: versions below TLS 1.2 are forbidden"
                        + " (RFC 8996); use TLS_1_2 or TLS_1_3");
        assertThat(TlsVersion.values()).containsExactly(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TLS_RSA_WITH_AES_128_GCM_SHA256|static-RSA key exchange is forbidden (no forward secrecy)",
        "SSL_RSA_WITH_3DES_EDE_CBC_SHA|DES and 3DES are forbidden (64-bit blocks, Sweet32)",
        "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256|static DH and ECDH key exchange are forbidden (no forward secrecy)",
        "TLS_DH_RSA_WITH_AES_128_GCM_SHA256|static DH and ECDH key exchange are forbidden (no forward secrecy)",
        "TLS_ECDHE_RSA_WITH_NULL_SHA|NULL suites are forbidden (no encryption)",
        "TLS_NULL_WITH_NULL_NULL|NULL suites are forbidden (no encryption)",
        "TLS_RSA_EXPORT_WITH_RC4_40_MD5|EXPORT suites are forbidden (deliberately weakened keys)",
        "TLS_DH_anon_WITH_AES_128_GCM_SHA256|anonymous suites are forbidden (no server authentication)",
        "TLS_ECDH_anon_WITH_AES_128_CBC_SHA|anonymous suites are forbidden (no server authentication)",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA|RC4 is forbidden (RFC 7465)",
        "TLS_DHE_RSA_WITH_DES_CBC_SHA|DES and 3DES are forbidden (64-bit blocks, Sweet32)",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA|DES and 3DES are forbidden (64-bit blocks, Sweet32)",
        "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256|DSA authentication is forbidden",
        "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256|PSK, SRP and Kerberos suites are not supported",
        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV|it is a signalling value, not a cipher suite",
        "TLS_AES_128_CCM_8_SHA256|only AES (GCM, CCM, CBC) and ChaCha20-Poly1305 bulk ciphers are supported",
    })
    void forbiddenSuites_refusedWithTheRule(String suite, String rule) {
        assertThatThrownBy(() -> CipherSuite.of(suite))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cipher suite " + suite + " is not allowed: " + rule);
        assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites("TLS_AES_128_GCM_SHA256", suite))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(rule);
    }

    @Test
    void unknownSuite_refused() {
        assertThatThrownBy(() -> CipherSuite.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA512"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown cipher suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA512;");
    }

    @Test
    void allowedSuites_classified() {
        CipherSuite cbc = CipherSuite.of("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
        assertThat(cbc.isAead()).isFalse();
        assertThat(cbc.version()).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(cbc.authentication()).isEqualTo(CipherSuite.Authentication.ECDSA);
        CipherSuite dhe = CipherSuite.of("tls_dhe_rsa_with_aes_256_gcm_sha384");
        assertThat(dhe.name()).isEqualTo("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(dhe.keyExchange()).isEqualTo(CipherSuite.KeyExchange.DHE);
        assertThat(CipherSuite.TLS_AES_256_GCM_SHA384.version()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(CipherSuite.of("TLS_AES_128_GCM_SHA256")).isEqualTo(CipherSuite.TLS_AES_128_GCM_SHA256);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 2047})
    void rsaKeysBelow2048_cannotBeAllowed(int bits) {
        assertThatThrownBy(() -> TlsPolicy.builder().minimumRsaKeyBits(bits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumRsaKeyBits must be at least 2048: " + bits);
    }

    @Test
    void ecAndDhMinimums_cannotBeLowered() {
        assertThatThrownBy(() -> TlsPolicy.builder().minimumEcKeyBits(224))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumEcKeyBits must be at least 256: 224");
        assertThatThrownBy(() -> TlsPolicy.builder().minimumDhKeyBits(1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumDhKeyBits must be at least 2048: 1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa_pkcs1_sha1", "ecdsa_sha1", "rsa_md5"})
    void sha1AndMd5SignatureSchemes_cannotBeExpressed(String name) {
        assertThatThrownBy(() -> SignatureScheme.ofTlsName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signature scheme " + name + " is not allowed: SHA-1 and MD5 signatures are forbidden"
                        + " (RFC 9155)");
    }

    @Test
    void weakGroups_cannotBeExpressed() {
        assertThatThrownBy(() -> NamedGroup.ofTlsName("secp224r1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("named group secp224r1 is not allowed:");
        assertThat(NamedGroup.ofTlsName("X25519")).isEqualTo(NamedGroup.X25519);
        assertThat(NamedGroup.values()).allSatisfy(g -> assertThat(g.bits()).isGreaterThanOrEqualTo(256));
    }

    // ---- combinations checked by build() ----

    @Test
    void build_withoutTls13Suite_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cipherSuites has no TLS 1.3 suite");
    }

    @Test
    void build_tls12MinimumWithoutTls12Suite_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites("TLS_AES_128_GCM_SHA256").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("minimumVersion is TLS_1_2 but cipherSuites has no TLS 1.2 suite; add an ECDHE suite or"
                        + " set minimumVersion(TlsVersion.TLS_1_3)");
    }

    @Test
    void build_tls13MinimumWithTls12Suites_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder().minimumVersion(TlsVersion.TLS_1_3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cipherSuites lists TLS 1.2 suites but minimumVersion is TLS_1_3");
    }

    @Test
    void build_dheWithoutFfdheGroup_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder()
                .cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cipherSuites has DHE suites but namedGroups has no ffdhe group");
    }

    @Test
    void build_ecdheWithoutCurve_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder().namedGroups(NamedGroup.FFDHE2048).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cipherSuites has ECDHE suites but namedGroups has no elliptic curve");
    }

    @Test
    void build_rsaSuitesWithoutRsaScheme_fails() {
        assertThatThrownBy(() -> TlsPolicy.builder().signatureSchemes(SignatureScheme.ECDSA_SECP256R1_SHA256).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cipherSuites has RSA-authenticated suites but signatureSchemes has no RSA");
    }

    @Test
    void setters_refuseNullEmptyAndDuplicates() {
        assertThatThrownBy(() -> TlsPolicy.builder().trust(null))
                .isInstanceOf(NullPointerException.class).hasMessage("trust");
        assertThatThrownBy(() -> TlsPolicy.builder().namedGroups())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("namedGroups is empty: at least one is needed");
        assertThatThrownBy(() -> TlsPolicy.builder().namedGroups(NamedGroup.X25519, NamedGroup.X25519))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("namedGroups lists X25519 twice");
        assertThatThrownBy(() -> TlsPolicy.builder().cipherSuites((String) null))
                .isInstanceOf(NullPointerException.class).hasMessage("names contains null");
    }

    @Test
    void securityModes_nameTheirGuarantee() {
        assertThat(SecurityMode.IMPLICIT_TLS.requiresTls()).isTrue();
        assertThat(SecurityMode.STARTTLS_REQUIRED.authenticatesServer()).isTrue();
        assertThat(SecurityMode.STARTTLS_OPPORTUNISTIC.requiresTls()).isFalse();
        assertThat(SecurityMode.STARTTLS_OPPORTUNISTIC.authenticatesServer()).isFalse();
        assertThat(SecurityMode.INSECURE_CLEARTEXT.requiresTls()).isFalse();
    }
}
