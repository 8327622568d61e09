package org.securemail.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsaRecord;
import org.securemail.testing.TestPki;

class DaneMatcherTest {
    private static final TestPki PKI = TestPki.create("Matcher");

    private static TlsaRecord record(int usage, int selector, int matchingType, byte[] selected) throws Exception {
        byte[] data = matchingType == 0 ? selected
                : MessageDigest.getInstance(matchingType == 1 ? "SHA-256" : "SHA-512").digest(selected);
        return TlsaRecord.of(usage, selector, matchingType, data);
    }

    @Test
    void spki_rsaAndEcCertificates_isTheEncodedKey() throws Exception {
        for (X509Certificate c : List.of(PKI.localhostLeaf().issue().certificate(),
                PKI.localhostLeaf().ec("secp384r1").issue().certificate(), PKI.rootCertificate())) {
            assertThat(DaneMatcher.spki(c)).isEqualTo(c.getPublicKey().getEncoded());
        }
    }

    @Test
    void matches_eachSelectorAndMatchingType_onlyForItsOwnCertificate() throws Exception {
        X509Certificate leaf = PKI.localhostLeaf().issue().certificate();
        X509Certificate other = PKI.localhostLeaf().issue().certificate();
        for (int selector = 0; selector <= 1; selector++) {
            byte[] selected = selector == 0 ? leaf.getEncoded() : leaf.getPublicKey().getEncoded();
            for (int matchingType = 0; matchingType <= 2; matchingType++) {
                TlsaRecord r = record(3, selector, matchingType, selected);
                assertThat(DaneMatcher.matches(r, leaf)).as(r.toString()).isTrue();
                assertThat(DaneMatcher.matches(r, other)).as(r.toString()).isFalse();
            }
        }
    }

    @Test
    void matches_sameKeyInANewCertificate_matchesSpkiButNotCertificate() throws Exception {
        X509Certificate leaf = PKI.localhostLeaf().issue().certificate();
        X509Certificate intermediate = PKI.intermediateCertificate();
        TlsaRecord byKey = record(3, 1, 1, intermediate.getPublicKey().getEncoded());
        TlsaRecord byCert = record(3, 0, 1, intermediate.getEncoded());
        assertThat(DaneMatcher.matches(byKey, intermediate)).isTrue();
        assertThat(DaneMatcher.matches(byCert, leaf)).isFalse();
    }

    @Test
    void endEntityMatch_ignoresTrustAnchorRecords_andTheOtherWayRound() throws Exception {
        X509Certificate leaf = PKI.localhostLeaf().issue().certificate();
        TlsaRecord ta = record(2, 1, 1, leaf.getPublicKey().getEncoded());
        TlsaRecord ee = record(3, 1, 1, leaf.getPublicKey().getEncoded());
        assertThat(new DaneMatcher(new LinkedHashSet<>(List.of(ta))).endEntityMatch(leaf)).isNull();
        assertThat(new DaneMatcher(new LinkedHashSet<>(List.of(ee))).trustAnchorMatch(leaf)).isNull();
        assertThat(new DaneMatcher(new LinkedHashSet<>(List.of(ee))).endEntityMatch(leaf)).isEqualTo(ee);
    }
}
