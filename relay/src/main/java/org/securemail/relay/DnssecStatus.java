package org.securemail.relay;

/**
 * What DNSSEC validation concluded of a DNS answer (RFC 4033 §5), as a {@link DomainProbe} reports it. Only a
 * {@link #SECURE} MX answer and {@link #SECURE} host addresses let DANE apply (RFC 7672 §2.2).
 */
public enum DnssecStatus {
    /** Signed, and the signatures chain to the trust anchor. */
    SECURE,
    /** Provably unsigned (an insecure delegation): usable, but no basis for DANE. */
    INSECURE,
    /** Signed, but the signatures do not validate: nothing in the answer was used. */
    BOGUS
}
