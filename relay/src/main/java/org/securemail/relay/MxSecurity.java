package org.securemail.relay;

/**
 * What a delivery to one MX host ran under: the policy the recipient domain published, in the order RFC 8461 §2
 * gives them precedence.
 */
public enum MxSecurity {
    /**
     * DANE for SMTP (RFC 7672): the MX's TLSA records are DNSSEC-signed, TLS was required and the server's certificate
     * matched one of them. Protects against an on-path attacker who strips STARTTLS or presents another certificate,
     * as long as DNSSEC holds.
     */
    DANE,
    /**
     * MTA-STS in enforce mode (RFC 8461): the MX matched the domain's policy, TLS was required and the certificate
     * was valid for the MX name under the system's CAs. Protects like DANE, trusting the Web PKI instead of DNSSEC,
     * from the first policy fetch on.
     */
    MTA_STS_ENFORCE,
    /**
     * MTA-STS in testing mode: checked and reported like enforce, but delivered even where the check failed.
     * Protects against nothing; tells the domain what enforce mode would have refused.
     */
    MTA_STS_TESTING,
    /**
     * Opportunistic TLS only (RFC 7435): the domain published no policy. TLS was used when the MX offered it, with the
     * certificate not authenticated; an on-path attacker can strip or intercept it. No password is ever sent.
     */
    OPPORTUNISTIC;

    /**
     * Returns the name reports and the command-line tool show: {@code DANE}, {@code MTA-STS enforce},
     * {@code MTA-STS testing} or {@code opportunistic}.
     *
     * @return the name
     */
    public String displayName() {
        switch (this) {
            case DANE:
                return "DANE";
            case MTA_STS_ENFORCE:
                return "MTA-STS enforce";
            case MTA_STS_TESTING:
                return "MTA-STS testing";
            default:
                return "opportunistic";
        }
    }
}
