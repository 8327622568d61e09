package org.securemail.relay;

import java.util.Optional;

/**
 * Why a TLS session to an MX, or the fetch of a domain's MTA-STS policy, failed: the result types of RFC 8460 §4.3,
 * as a TLS report's {@code result-type} names them.
 */
public enum TlsReportResultType {
    /** The MX did not offer STARTTLS (§4.3.1). */
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    /** The certificate does not name the MX host the policy requires (§4.3.1). */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    /** The certificate has expired (§4.3.1). */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** The certificate chain does not lead to a trusted authority, or is otherwise unusable (§4.3.1). */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    /** A failure that none of the other types describes (§4.3.1). */
    VALIDATION_FAILURE("validation-failure"),
    /** No TLSA record of a DANE policy matched the certificate (§4.3.2.1). */
    TLSA_INVALID("tlsa-invalid"),
    /** The DNS answers could not be validated with DNSSEC (§4.3.2.1). */
    DNSSEC_INVALID("dnssec-invalid"),
    /** The sender requires DANE for the domain but found no DNSSEC-validated TLSA records (§4.3.2.1). */
    DANE_REQUIRED("dane-required"),
    /** The MTA-STS policy could not be fetched: the host was unreachable, or answered other than 200 (§4.3.2.2). */
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    /** The MTA-STS policy was fetched but is not valid (§4.3.2.2). */
    STS_POLICY_INVALID("sts-policy-invalid"),
    /** The MTA-STS policy host's certificate failed PKIX validation (§4.3.2.2). */
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String wireName;

    TlsReportResultType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name a TLS report uses.
     *
     * @return the {@code result-type} string, e.g. {@code certificate-host-mismatch}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Finds the type a report's {@code result-type} string names.
     *
     * @param wireName the string
     * @return the type, or empty for a string RFC 8460 does not define
     */
    public static Optional<TlsReportResultType> fromWireName(String wireName) {
        for (TlsReportResultType t : values()) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
