package org.securemail.relay;

/** The kind of policy a TLS report's {@code policy} object describes (RFC 8460 §4.4, {@code policy-type}). */
public enum TlsReportPolicyType {
    /** A DANE policy: the MX's TLSA records. */
    TLSA("tlsa"),
    /** An MTA-STS policy. */
    STS("sts"),
    /** The domain published no policy: sessions ran opportunistically. */
    NO_POLICY_FOUND("no-policy-found");

    private final String wireName;

    TlsReportPolicyType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name a TLS report uses.
     *
     * @return {@code tlsa}, {@code sts} or {@code no-policy-found}
     */
    public String wireName() {
        return wireName;
    }
}
