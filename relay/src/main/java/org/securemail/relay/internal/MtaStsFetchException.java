package org.securemail.relay.internal;

import java.util.Objects;
import java.util.Optional;
import org.securemail.relay.TlsReportResultType;

/**
 * A domain's MTA-STS policy could not be had: the fetch failed, the policy host failed PKIX validation, or what it
 * served is not a valid policy. Carries the TLS report result type that describes it.
 */
public final class MtaStsFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final TlsReportResultType resultType;
    private final String reasonCode;

    /**
     * Creates one.
     *
     * @param resultType {@link TlsReportResultType#STS_POLICY_FETCH_ERROR},
     *     {@link TlsReportResultType#STS_WEBPKI_INVALID} or {@link TlsReportResultType#STS_POLICY_INVALID}
     * @param reasonCode a short code for the report's {@code failure-reason-code}, or null
     * @param message what failed, where, and what to do
     * @param cause the underlying exception, or null
     */
    public MtaStsFetchException(TlsReportResultType resultType, String reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.resultType = Objects.requireNonNull(resultType, "resultType");
        this.reasonCode = reasonCode;
    }

    /**
     * Returns the TLS report result type.
     *
     * @return the type
     */
    public TlsReportResultType resultType() {
        return resultType;
    }

    /**
     * Returns a short code for the report's {@code failure-reason-code}, such as {@code http-404}.
     *
     * @return the code, or empty
     */
    public Optional<String> reasonCode() {
        return Optional.ofNullable(reasonCode);
    }
}
