package org.securemail.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.securemail.testing.TestPki;

/** {@link Handshake} as a value: factories, copies, typed group, equality. */
class HandshakeValueTest {
    private static final CipherSuite SUITE = CipherSuite.of("TLS_AES_128_GCM_SHA256");
    private final List<X509Certificate> chain = TestPki.create("Value").localhostLeaf().issue().chain();

    @Test
    void verified_carriesTheNameAndDefaults() {
        Handshake h = Handshake.verified("Mail.Example.com", 465, TlsVersion.TLS_1_3, SUITE, chain, "mail.example.com");
        assertThat(h.isAuthenticated()).isTrue();
        assertThat(h.verifiedHostName()).contains("mail.example.com");
        assertThat(h.authenticationFailure()).isEmpty();
        assertThat(h.host()).isEqualTo("Mail.Example.com");
        assertThat(h.tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(h.isResumed()).isFalse();
        assertThat(h.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(h.namedGroup()).isEmpty();
        assertThat(h.keyExchange()).isEmpty();
        assertThat(h.toString()).contains("verified=mail.example.com").contains("full");
    }

    @Test
    void unverified_isNotAuthenticatedAndSaysWhy() {
        Handshake h = Handshake.unverified("mx.example.net", 25, TlsVersion.TLS_1_2,
                CipherSuite.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), chain, "self-signed");
        assertThat(h.isAuthenticated()).isFalse();
        assertThat(h.verifiedHostName()).isEmpty();
        assertThat(h.authenticationFailure()).contains("self-signed");
        assertThat(h.toString()).contains("UNAUTHENTICATED (self-signed)");
    }

    @Test
    void keyExchange_isTypedWhenNamed_andKeptRawWhenNot() {
        Handshake base = Handshake.verified("h", 1, TlsVersion.TLS_1_3, SUITE, chain, "h");
        assertThat(base.withKeyExchange("x25519").namedGroup()).contains(NamedGroup.X25519);
        assertThat(base.withKeyExchange("secp384r1").namedGroup()).contains(NamedGroup.SECP384R1);
        Handshake dh = base.withKeyExchange("DH 3072-bit");
        assertThat(dh.namedGroup()).isEmpty();
        assertThat(dh.keyExchange()).contains("DH 3072-bit");
        assertThat(dh.toString()).contains("group=DH 3072-bit");
    }

    @Test
    void withers_copy_andLeaveTheOriginalAlone() {
        Handshake base = Handshake.verified("h", 1, TlsVersion.TLS_1_3, SUITE, chain, "h");
        Handshake changed = base.withResumed(true).withProvider(TlsProvider.BOUNCY_CASTLE, "BCJSSE")
                .withDuration(Duration.ofMillis(7)).withSniHostName(null);
        assertThat(base.isResumed()).isFalse();
        assertThat(base.providerName()).isEqualTo("SunJSSE");
        assertThat(base.sniHostName()).contains("h");
        assertThat(changed.isResumed()).isTrue();
        assertThat(changed.providerName()).isEqualTo("BCJSSE");
        assertThat(changed.duration()).isEqualTo(Duration.ofMillis(7));
        assertThat(changed.sniHostName()).isEmpty();
        assertThat(changed).isNotEqualTo(base);
        assertThat(base.withResumed(true).withProvider(TlsProvider.BOUNCY_CASTLE, "BCJSSE")
                .withDuration(Duration.ofMillis(7)).withSniHostName(null)).isEqualTo(changed)
                .hasSameHashCodeAs(changed);
    }

    @Test
    void chain_isCopied_andUnmodifiable() {
        List<X509Certificate> mine = new ArrayList<>(chain);
        Handshake h = Handshake.verified("h", 1, TlsVersion.TLS_1_3, SUITE, mine, "h");
        mine.clear();
        assertThat(h.peerCertificates()).hasSize(chain.size());
        assertThatThrownBy(() -> h.peerCertificates().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsMissingParts() {
        assertThatThrownBy(() -> Handshake.verified("h", 1, null, SUITE, chain, "h"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("tlsVersion");
        assertThatThrownBy(() -> Handshake.verified("h", 1, TlsVersion.TLS_1_3, SUITE, chain, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("verifiedHostName");
        assertThatThrownBy(() -> Handshake.unverified("h", 70000, TlsVersion.TLS_1_3, SUITE, chain, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
    }
}
