package org.securemail.relay;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The policy a set of TLS sessions ran under, as a TLS report's {@code policy} object describes it (RFC 8460 §4.4):
 * its type, the policy domain, the policy's text and the MX hosts it names. Sessions are counted per distinct value.
 */
public final class TlsReportPolicy {
    private final TlsReportPolicyType type;
    private final String domain;
    private final List<String> policyStrings;
    private final List<String> mxHosts;

    private TlsReportPolicy(TlsReportPolicyType type, String domain, List<String> policyStrings, List<String> mxHosts) {
        this.type = type;
        this.domain = normalize(domain);
        this.policyStrings = List.copyOf(policyStrings);
        this.mxHosts = List.copyOf(mxHosts);
    }

    /**
     * Describes an MTA-STS policy: its lines as {@code policy-string}, its {@code mx} patterns as {@code mx-host}.
     *
     * @param policyDomain the recipient domain
     * @param policy the policy in force
     * @return the description
     * @throws NullPointerException if an argument is null
     */
    public static TlsReportPolicy sts(String policyDomain, MtaStsPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return new TlsReportPolicy(TlsReportPolicyType.STS, policyDomain, policy.lines(), policy.mxPatterns());
    }

    /**
     * Describes an MTA-STS policy that the domain announced in its {@code _mta-sts} TXT record but that could not be
     * fetched or was invalid: type {@code sts} with no {@code policy-string} or {@code mx-host}. Failures recorded
     * under it carry {@link TlsReportResultType#STS_POLICY_FETCH_ERROR}, {@link TlsReportResultType#STS_POLICY_INVALID}
     * or {@link TlsReportResultType#STS_WEBPKI_INVALID}.
     *
     * @param policyDomain the recipient domain
     * @return the description
     * @throws NullPointerException if {@code policyDomain} is null
     */
    public static TlsReportPolicy stsUnavailable(String policyDomain) {
        return new TlsReportPolicy(TlsReportPolicyType.STS, policyDomain, List.of(), List.of());
    }

    /**
     * Describes a DANE policy.
     *
     * @param policyDomain the recipient domain
     * @param tlsaRecords the TLSA records in presentation form, e.g.
     *     {@code _25._tcp.mx.example.com. IN TLSA 3 1 1 <hex>}
     * @param mxHosts the MX hosts the records belong to
     * @return the description
     * @throws NullPointerException if an argument or an element is null
     */
    public static TlsReportPolicy tlsa(String policyDomain, List<String> tlsaRecords, List<String> mxHosts) {
        return new TlsReportPolicy(TlsReportPolicyType.TLSA, policyDomain, tlsaRecords, mxHosts);
    }

    /**
     * Describes the absence of a policy.
     *
     * @param policyDomain the recipient domain
     * @return the description
     * @throws NullPointerException if {@code policyDomain} is null
     */
    public static TlsReportPolicy noPolicyFound(String policyDomain) {
        return new TlsReportPolicy(TlsReportPolicyType.NO_POLICY_FOUND, policyDomain, List.of(), List.of());
    }

    private static String normalize(String domain) {
        Objects.requireNonNull(domain, "policyDomain");
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException("policyDomain must not be empty");
        }
        return d;
    }

    /**
     * Returns the policy type.
     *
     * @return the type
     */
    public TlsReportPolicyType type() {
        return type;
    }

    /**
     * Returns the policy domain.
     *
     * @return the domain, lower case without a trailing dot
     */
    public String domain() {
        return domain;
    }

    /**
     * Returns the policy's text, one element per line or record.
     *
     * @return the strings; empty for {@link TlsReportPolicyType#NO_POLICY_FOUND}
     */
    public List<String> policyStrings() {
        return policyStrings;
    }

    /**
     * Returns the MX hosts or patterns the policy names.
     *
     * @return the hosts; empty for {@link TlsReportPolicyType#NO_POLICY_FOUND}
     */
    public List<String> mxHosts() {
        return mxHosts;
    }

    /**
     * Compares all four fields.
     *
     * @param o another object
     * @return true for an equal description
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsReportPolicy)) {
            return false;
        }
        TlsReportPolicy p = (TlsReportPolicy) o;
        return type == p.type && domain.equals(p.domain) && policyStrings.equals(p.policyStrings)
                && mxHosts.equals(p.mxHosts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, domain, policyStrings, mxHosts);
    }

    @Override
    public String toString() {
        return "TlsReportPolicy{" + type.wireName() + ", " + domain + ", mx=" + mxHosts + "}";
    }
}
