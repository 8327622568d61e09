package org.securemail.relay.internal;

import java.util.Objects;
import java.util.Optional;
import org.securemail.core.TlsRefusalReason;
import org.securemail.relay.TlsReportFailure;
import org.securemail.relay.TlsReportPolicy;
import org.securemail.relay.TlsReportResultType;

/**
 * Turns what delivery observed into TLS report terms (RFC 8460 §4.3): a TLS refusal into a result type, an MTA-STS
 * resolution into the policy its sessions are counted under, and its failures into report entries.
 */
public final class TlsRptMapping {

    private TlsRptMapping() {
    }

    /**
     * Returns the result type for a TLS connection to an MX that SecureMail refused under an authenticated policy.
     *
     * @param reason why the connection was refused
     * @return {@code certificate-host-mismatch} for a name mismatch, {@code certificate-expired} for an expired
     *     certificate, {@code certificate-not-trusted} for other trust failures, {@code validation-failure} otherwise
     * @throws NullPointerException if {@code reason} is null
     */
    public static TlsReportResultType resultTypeOf(TlsRefusalReason reason) {
        switch (Objects.requireNonNull(reason, "reason")) {
            case HOST_NAME_MISMATCH:
                return TlsReportResultType.CERTIFICATE_HOST_MISMATCH;
            case DANE_MISMATCH:
                // RFC 8460 §4.3.2.1: none of the TLSA records was found valid for the certificate presented.
                return TlsReportResultType.TLSA_INVALID;
            case CERTIFICATE_EXPIRED:
                return TlsReportResultType.CERTIFICATE_EXPIRED;
            case CERTIFICATE_NOT_YET_VALID:
            case CERTIFICATE_UNTRUSTED:
            case CERTIFICATE_SELF_SIGNED:
            case CERTIFICATE_CHAIN_INCOMPLETE:
            case CERTIFICATE_PIN_MISMATCH:
                return TlsReportResultType.CERTIFICATE_NOT_TRUSTED;
            default:
                return TlsReportResultType.VALIDATION_FAILURE;
        }
    }

    /**
     * Returns the policy under which sessions to a domain are counted, given its MTA-STS resolution. DANE, when it
     * applies, takes precedence and is described by the caller instead.
     *
     * @param resolution the domain's MTA-STS resolution
     * @return {@code sts} with the policy in force; {@code sts} without a policy when one was announced but could not
     *     be had; {@code no-policy-found} otherwise (no record, or a policy in mode none)
     * @throws NullPointerException if {@code resolution} is null
     */
    public static TlsReportPolicy policyOf(MtaStsResolution resolution) {
        Objects.requireNonNull(resolution, "resolution");
        if (resolution.policy().isPresent()) {
            return TlsReportPolicy.sts(resolution.domain(), resolution.policy().get());
        }
        if (resolution.source() == MtaStsResolution.Source.FETCH_FAILED) {
            return TlsReportPolicy.stsUnavailable(resolution.domain());
        }
        return TlsReportPolicy.noPolicyFound(resolution.domain());
    }

    /**
     * Returns the report entry for a failure met while resolving a policy.
     *
     * @param failure the failure
     * @return the entry, or empty when the failure has no RFC 8460 result type (a DNS timeout, an unusable TXT
     *     record)
     * @throws NullPointerException if {@code failure} is null
     */
    public static Optional<TlsReportFailure> failureOf(MtaStsResolution.Failure failure) {
        Objects.requireNonNull(failure, "failure");
        return failure.resultType().map(type -> {
            TlsReportFailure.Builder b = TlsReportFailure.builder(type);
            failure.reasonCode().ifPresent(b::failureReasonCode);
            return b.build();
        });
    }
}
