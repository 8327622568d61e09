package org.securemail.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsaRecord;
import org.securemail.policy.TrustSource;
import org.securemail.testing.TestPki;

class VerifiedBindingsTest {
    private static final String HASH_A = "aa".repeat(32);
    private static final String HASH_B = "bb".repeat(32);

    private static TrustSource dane(String hex) {
        return TrustSource.dane(List.of(TlsaRecord.of(3, 1, 1, HexFormat.of().parseHex(hex))),
                List.of("mx.example.com"));
    }

    @Test
    void chainVerifiedUnderOneRecordSet_notVerifiedUnderAnotherOrAnotherSource() {
        TestPki.Issued leaf = TestPki.create("Bindings").localhostLeaf().issue();
        VerifiedBindings bindings = new VerifiedBindings();
        long now = System.currentTimeMillis();
        bindings.add(dane(HASH_A), "mx.example.com", leaf.chain());

        assertThat(bindings.contains(dane(HASH_A), "mx.example.com", leaf.chain(), now)).isTrue();
        assertThat(bindings.contains(dane(HASH_B), "mx.example.com", leaf.chain(), now)).isFalse();
        assertThat(bindings.contains(TrustSource.system(), "mx.example.com", leaf.chain(), now)).isFalse();
        assertThat(bindings.contains(dane(HASH_A), "mx2.example.com", leaf.chain(), now)).isFalse();
    }

    @Test
    void verifiedChain_pastItsValidity_notVerifiedAnyMore() {
        TestPki.Issued leaf = TestPki.create("Bindings").localhostLeaf().issue();
        VerifiedBindings bindings = new VerifiedBindings();
        bindings.add(dane(HASH_A), "mx.example.com", leaf.chain());
        long afterExpiry = leaf.certificate().getNotAfter().getTime() + 1;

        assertThat(bindings.contains(dane(HASH_A), "mx.example.com", leaf.chain(), afterExpiry)).isFalse();
    }
}
