package org.securemail.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustSourceDaneTest {
    private static final TlsaRecord EE = TlsaRecord.parse("3 1 1 " + "ab".repeat(32));
    private static final TlsaRecord TA = TlsaRecord.parse("2 0 2 " + "cd".repeat(64));
    private static final TlsaRecord PKIX_EE = TlsaRecord.parse("1 1 1 " + "ef".repeat(32));
    private static final TlsaRecord SHORT_DIGEST = TlsaRecord.parse("3 1 1 " + "ab".repeat(31));
    private static final List<String> MX = List.of("mx.example.com");

    @Test
    void dane_usableRecords_keptInOrderWithoutDuplicates() {
        TrustSource s = TrustSource.dane(List.of(TA, EE, TA), MX);
        assertThat(s.kind()).isEqualTo(TrustSource.Kind.DANE);
        assertThat(s.tlsaRecords()).containsExactly(TA, EE);
        assertThat(s.referenceNames()).containsExactly("mx.example.com");
        assertThat(s.certificates()).isEmpty();
        assertThat(s.pins()).isEmpty();
    }

    @Test
    void dane_unusableRecords_dropped() {
        TrustSource s = TrustSource.dane(List.of(PKIX_EE, EE, SHORT_DIGEST, TlsaRecord.parse("3 2 1 00")), MX);
        assertThat(s.tlsaRecords()).containsExactly(EE);
    }

    @Test
    void dane_onlyUnusableRecords_rejectedSayingWhy() {
        assertThatThrownBy(() -> TrustSource.dane(List.of(PKIX_EE, SHORT_DIGEST), MX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TLSA records for DANE must include a usable one (usage 2 or 3, selector 0"
                        + " or 1, matching type 0, 1 or 2, RFC 7672 §3.1): got 2 records, none usable [1 1 1 ")
                .hasMessageEndingWith("so do not use TrustSource.dane for it");
        assertThatThrownBy(() -> TrustSource.dane(List.of(), MX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0 records, none usable");
    }

    @Test
    void dane_nulls_rejected() {
        assertThatThrownBy(() -> TrustSource.dane(null, MX)).isInstanceOf(NullPointerException.class)
                .hasMessage("records");
        assertThatThrownBy(() -> TrustSource.dane(List.of(EE), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("referenceNames");
        assertThatThrownBy(() -> TrustSource.dane(Arrays.asList(EE, null), MX))
                .isInstanceOf(NullPointerException.class).hasMessage("records contains null");
        assertThatThrownBy(() -> TrustSource.dane(List.of(EE), Arrays.asList("mx.example.com", null)))
                .isInstanceOf(NullPointerException.class).hasMessage("referenceNames contains null");
    }

    @Test
    void dane_noReferenceName_rejected() {
        assertThatThrownBy(() -> TrustSource.dane(List.of(EE), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("referenceNames is empty: DANE needs at least the TLSA base domain (the MX host name) to"
                        + " check a DANE-TA chain's leaf against (RFC 7672 §3.2.2)");
    }

    @Test
    void dane_referenceNames_normalised() {
        TrustSource s = TrustSource.dane(List.of(EE), List.of("MX.Example.COM.", " mx.example.com", "bücher.example"));
        assertThat(s.referenceNames()).containsExactly("mx.example.com", "xn--bcher-kva.example");
    }

    @Test
    void dane_referenceNamesThatAreNotHostNames_rejected() {
        for (String bad : List.of("*.example.com", "mx.example.com:25", "192.0.2.1", "", "mx..example.com",
                "-mx.example.com")) {
            assertThatThrownBy(() -> TrustSource.dane(List.of(EE), List.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("reference name ");
        }
    }

    @Test
    void dane_isACopy_laterChangesToTheArgumentsDoNotShow() {
        List<TlsaRecord> records = new ArrayList<>(List.of(EE));
        List<String> names = new ArrayList<>(MX);
        TrustSource s = TrustSource.dane(records, names);
        records.add(TA);
        names.add("other.example.com");
        assertThat(s.tlsaRecords()).containsExactly(EE);
        assertThat(s.referenceNames()).containsExactly("mx.example.com");
        assertThatThrownBy(() -> s.tlsaRecords().add(TA)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s.referenceNames().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void dane_equality_comparesRecordAndNameSets() {
        TrustSource a = TrustSource.dane(List.of(EE, TA), List.of("mx.example.com", "example.com"));
        TrustSource sameInOtherOrder = TrustSource.dane(List.of(TA, EE, PKIX_EE),
                List.of("example.com", "MX.example.com"));
        assertThat(a).isEqualTo(sameInOtherOrder).hasSameHashCodeAs(sameInOtherOrder);
        assertThat(a).isNotEqualTo(TrustSource.dane(List.of(EE), List.of("mx.example.com", "example.com")));
        assertThat(a).isNotEqualTo(TrustSource.dane(List.of(EE, TA), List.of("mx.example.com")));
        assertThat(a).isNotEqualTo(TrustSource.system());
        assertThat(TlsPolicy.MODERN.toBuilder().trust(a).build())
                .isEqualTo(TlsPolicy.MODERN.toBuilder().trust(sameInOtherOrder).build())
                .isNotEqualTo(TlsPolicy.MODERN);
    }

    @Test
    void dane_toString_listsRecordsAndNames_fullDataShortened() {
        TlsaRecord full = TlsaRecord.of(2, 1, 0, new byte[294]);
        TrustSource s = TrustSource.dane(List.of(EE, full), MX);
        assertThat(s.toString()).isEqualTo("TrustSource{dane=[" + EE + ", 2 1 0 (294 bytes)],"
                + " referenceNames=[mx.example.com]}");
        assertThat(TlsPolicy.MODERN.toBuilder().trust(s).build().toString()).contains("trust=TrustSource{dane=[3 1 1");
    }

    @Test
    void otherKinds_haveNoDaneData() {
        assertThat(TrustSource.system().tlsaRecords()).isEmpty();
        assertThat(TrustSource.system().referenceNames()).isEmpty();
    }
}
