package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsRefusalReason;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.TlsReportFailure;
import org.securemail.relay.TlsReportPolicy;
import org.securemail.relay.TlsReportPolicyType;
import org.securemail.relay.TlsReportResultType;

class TlsRptMappingTest {

    @Test
    void resultTypeOf_certificateReasons_mapToTheirRfc8460Types() {
        assertThat(TlsRptMapping.resultTypeOf(TlsRefusalReason.HOST_NAME_MISMATCH))
                .isEqualTo(TlsReportResultType.CERTIFICATE_HOST_MISMATCH);
        assertThat(TlsRptMapping.resultTypeOf(TlsRefusalReason.CERTIFICATE_EXPIRED))
                .isEqualTo(TlsReportResultType.CERTIFICATE_EXPIRED);
        assertThat(TlsRptMapping.resultTypeOf(TlsRefusalReason.CERTIFICATE_UNTRUSTED))
                .isEqualTo(TlsReportResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(TlsRptMapping.resultTypeOf(TlsRefusalReason.CERTIFICATE_SELF_SIGNED))
                .isEqualTo(TlsReportResultType.CERTIFICATE_NOT_TRUSTED);
        assertThat(TlsRptMapping.resultTypeOf(TlsRefusalReason.PROTOCOL_VERSION))
                .isEqualTo(TlsReportResultType.VALIDATION_FAILURE);
    }

    @Test
    void policyOf_eachSource_givesTheReportedPolicy() {
        MtaStsPolicy enforce = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 60\n");
        MtaStsPolicy none = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 60\n");
        MtaStsCacheEntry enforced = new MtaStsCacheEntry("1", enforce, Instant.EPOCH);
        MtaStsCacheEntry withdrawn = new MtaStsCacheEntry("2", none, Instant.EPOCH);
        MtaStsResolution.Failure fetch = new MtaStsResolution.Failure(
                Optional.of(TlsReportResultType.STS_POLICY_FETCH_ERROR), Optional.of("http-404"), "404");

        assertThat(TlsRptMapping.policyOf(new MtaStsResolution("example.com", MtaStsResolution.Source.FETCHED,
                enforced, List.of()))).isEqualTo(TlsReportPolicy.sts("example.com", enforce));
        assertThat(TlsRptMapping.policyOf(new MtaStsResolution("example.com", MtaStsResolution.Source.FETCHED,
                withdrawn, List.of()))).isEqualTo(TlsReportPolicy.noPolicyFound("example.com"));
        TlsReportPolicy unavailable = TlsRptMapping.policyOf(new MtaStsResolution("example.com",
                MtaStsResolution.Source.FETCH_FAILED, null, List.of(fetch)));
        assertThat(unavailable.type()).isEqualTo(TlsReportPolicyType.STS);
        assertThat(unavailable.policyStrings()).isEmpty();
        assertThat(TlsRptMapping.failureOf(fetch)).contains(
                TlsReportFailure.builder(TlsReportResultType.STS_POLICY_FETCH_ERROR).failureReasonCode("http-404")
                        .build());
        assertThat(TlsRptMapping.failureOf(new MtaStsResolution.Failure(Optional.empty(), Optional.empty(),
                "timeout"))).isEmpty();
    }
}
