package org.securemail.relay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.securemail.relay.internal.TlsRptJson;

/**
 * The TLS sessions to one policy domain during one UTC day, counted per policy and per kind of failure: the content
 * of one RFC 8460 aggregate report. {@link #toJson(String, String, String)} writes the report; the application sends
 * it to the addresses of the domain's {@code _smtp._tls} TXT record ({@code rua}), gzip-compressed as RFC 8460 §5
 * describes.
 */
public final class TlsReport {

    private final String policyDomain;
    private final LocalDate day;
    private final List<PolicyResult> policies;

    TlsReport(String policyDomain, LocalDate day, List<PolicyResult> policies) {
        this.policyDomain = Objects.requireNonNull(policyDomain, "policyDomain");
        this.day = Objects.requireNonNull(day, "day");
        this.policies = List.copyOf(policies);
    }

    /**
     * Returns the policy domain the report is for.
     *
     * @return the domain, lower case without a trailing dot
     */
    public String policyDomain() {
        return policyDomain;
    }

    /**
     * Returns the UTC day the sessions took place on.
     *
     * @return the day
     */
    public LocalDate day() {
        return day;
    }

    /**
     * Returns the start of the report's range.
     *
     * @return the day's 00:00:00 UTC
     */
    public Instant startDateTime() {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * Returns the end of the report's range, as RFC 8460's example writes it.
     *
     * @return the day's 23:59:59 UTC
     */
    public Instant endDateTime() {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    /**
     * Returns the sessions per policy, in the order the policies were first seen.
     *
     * @return the per-policy results
     */
    public List<PolicyResult> policies() {
        return policies;
    }

    /**
     * Writes the report as RFC 8460 §4.4 JSON: {@code organization-name}, {@code date-range} ({@code start-datetime},
     * {@code end-datetime} in RFC 3339 UTC), {@code contact-info}, {@code report-id} and {@code policies}, each with
     * its {@code policy}, {@code summary} and, when sessions failed, {@code failure-details}.
     *
     * @param organizationName the name of the organization sending the report
     * @param contactInfo an address or URI to reach it
     * @param reportId a unique identifier for the report
     * @return the JSON text (UTF-8 when encoded)
     * @throws NullPointerException if an argument is null
     */
    public String toJson(String organizationName, String contactInfo, String reportId) {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(contactInfo, "contactInfo");
        Objects.requireNonNull(reportId, "reportId");
        TlsRptJson json = new TlsRptJson().beginObject(null)
                .string("organization-name", organizationName)
                .beginObject("date-range")
                .string("start-datetime", DateTimeFormatter.ISO_INSTANT.format(startDateTime()))
                .string("end-datetime", DateTimeFormatter.ISO_INSTANT.format(endDateTime()))
                .endObject()
                .string("contact-info", contactInfo)
                .string("report-id", reportId)
                .beginArray("policies");
        for (PolicyResult r : policies) {
            TlsReportPolicy p = r.policy();
            json.beginObject(null).beginObject("policy").string("policy-type", p.type().wireName());
            if (!p.policyStrings().isEmpty()) {
                json.strings("policy-string", p.policyStrings());
            }
            json.string("policy-domain", p.domain());
            if (!p.mxHosts().isEmpty()) {
                json.strings("mx-host", p.mxHosts());
            }
            json.endObject()
                    .beginObject("summary")
                    .number("total-successful-session-count", r.successfulSessionCount())
                    .number("total-failure-session-count", r.failureSessionCount())
                    .endObject();
            if (!r.failureDetails().isEmpty()) {
                json.beginArray("failure-details");
                for (Map.Entry<TlsReportFailure, Long> e : r.failureDetails().entrySet()) {
                    TlsReportFailure f = e.getKey();
                    json.beginObject(null).string("result-type", f.resultType().wireName());
                    f.sendingMtaIp().ifPresent(v -> json.string("sending-mta-ip", v));
                    f.receivingMxHostname().ifPresent(v -> json.string("receiving-mx-hostname", v));
                    f.receivingMxHelo().ifPresent(v -> json.string("receiving-mx-helo", v));
                    f.receivingIp().ifPresent(v -> json.string("receiving-ip", v));
                    json.number("failed-session-count", e.getValue());
                    f.additionalInformation().ifPresent(v -> json.string("additional-information", v));
                    f.failureReasonCode().ifPresent(v -> json.string("failure-reason-code", v));
                    json.endObject();
                }
                json.endArray();
            }
            json.endObject();
        }
        return json.endArray().endObject().toString();
    }

    @Override
    public String toString() {
        return "TlsReport{" + policyDomain + ", " + day + ", " + policies + "}";
    }

    /** The sessions under one policy: how many succeeded, and how many failed in which way. */
    public static final class PolicyResult {
        private final TlsReportPolicy policy;
        private final long successfulSessionCount;
        private final Map<TlsReportFailure, Long> failureDetails;

        PolicyResult(TlsReportPolicy policy, long successfulSessionCount, Map<TlsReportFailure, Long> failureDetails) {
            this.policy = Objects.requireNonNull(policy, "policy");
            this.successfulSessionCount = successfulSessionCount;
            this.failureDetails = Collections.unmodifiableMap(new LinkedHashMap<>(failureDetails));
        }

        /**
         * Returns the policy.
         *
         * @return the policy
         */
        public TlsReportPolicy policy() {
            return policy;
        }

        /**
         * Returns how many sessions succeeded ({@code total-successful-session-count}).
         *
         * @return the count
         */
        public long successfulSessionCount() {
            return successfulSessionCount;
        }

        /**
         * Returns how many sessions failed ({@code total-failure-session-count}): the sum of the failure counts.
         *
         * @return the count
         */
        public long failureSessionCount() {
            long sum = 0;
            for (long n : failureDetails.values()) {
                sum += n;
            }
            return sum;
        }

        /**
         * Returns the failed sessions per kind of failure, in the order first seen.
         *
         * @return each failure and its {@code failed-session-count}
         */
        public Map<TlsReportFailure, Long> failureDetails() {
            return failureDetails;
        }

        @Override
        public String toString() {
            return "PolicyResult{" + policy + ", ok=" + successfulSessionCount + ", failed=" + failureDetails + "}";
        }
    }
}
