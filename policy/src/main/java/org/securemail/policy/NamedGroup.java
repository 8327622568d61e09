package org.securemail.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A key-exchange group (TLS "supported_groups", RFC 8446 section 4.2.7) that a {@link TlsPolicy} may allow.
 *
 * <p>Only groups of at least 128-bit security exist here: elliptic curves of 256 bits or more and
 * RFC 7919 finite-field groups of 2048 bits or more. Smaller curves and custom finite-field groups below
 * 2048 bits cannot be expressed.
 */
public enum NamedGroup {
    /** Curve25519 key agreement (RFC 7748). */
    X25519("x25519", 256, false),
    /** Curve448 key agreement (RFC 7748). */
    X448("x448", 448, false),
    /** NIST P-256. */
    SECP256R1("secp256r1", 256, false),
    /** NIST P-384. */
    SECP384R1("secp384r1", 384, false),
    /** NIST P-521. */
    SECP521R1("secp521r1", 521, false),
    /** RFC 7919 2048-bit finite-field group. */
    FFDHE2048("ffdhe2048", 2048, true),
    /** RFC 7919 3072-bit finite-field group. */
    FFDHE3072("ffdhe3072", 3072, true),
    /** RFC 7919 4096-bit finite-field group. */
    FFDHE4096("ffdhe4096", 4096, true),
    /** RFC 7919 6144-bit finite-field group. */
    FFDHE6144("ffdhe6144", 6144, true),
    /** RFC 7919 8192-bit finite-field group. */
    FFDHE8192("ffdhe8192", 8192, true);

    private final String tlsName;
    private final int bits;
    private final boolean finiteField;

    NamedGroup(String tlsName, int bits, boolean finiteField) {
        this.tlsName = tlsName;
        this.bits = bits;
        this.finiteField = finiteField;
    }

    /**
     * Returns the IANA name of this group, as JSSE and Bouncy Castle spell it.
     *
     * @return the name, e.g. {@code "x25519"}
     */
    public String tlsName() {
        return tlsName;
    }

    /**
     * Returns the size of this group in bits: the field size of a curve or the prime size of a
     * finite-field group.
     *
     * @return the size in bits
     */
    public int bits() {
        return bits;
    }

    /**
     * Tells whether this is a finite-field (DHE) group rather than an elliptic-curve (ECDHE) group.
     *
     * @return true for the ffdhe groups
     */
    public boolean isFiniteField() {
        return finiteField;
    }

    /**
     * Returns the group with the given IANA name (case-insensitive).
     *
     * @param tlsName a name such as {@code "secp256r1"}
     * @return the matching group
     * @throws NullPointerException if {@code tlsName} is null
     * @throws IllegalArgumentException if the group is too weak or unknown
     */
    public static NamedGroup ofTlsName(String tlsName) {
        Objects.requireNonNull(tlsName, "tlsName");
        String lower = tlsName.toLowerCase(Locale.ROOT);
        for (NamedGroup g : values()) {
            if (g.tlsName.equals(lower)) {
                return g;
            }
        }
        if (lower.matches("sec[pt]1[0-9][0-9][rk][12]|sect2[0-9][0-9][rk]1|secp224[rk]1|prime192v1|brainpoolp[0-9]+r1.*")) {
            throw new IllegalArgumentException("named group " + tlsName
                    + " is not allowed: only x25519, x448, secp256r1, secp384r1, secp521r1 and ffdhe2048 or larger are"
                    + " accepted (weak, binary or non-standard curve)");
        }
        if (lower.startsWith("ffdhe") || lower.startsWith("dh")) {
            throw new IllegalArgumentException("named group " + tlsName
                    + " is not allowed: finite-field groups must be RFC 7919 groups of 2048 bits or more");
        }
        throw new IllegalArgumentException("unknown named group: " + tlsName
                + "; expected one of x25519, x448, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072, ffdhe4096,"
                + " ffdhe6144, ffdhe8192");
    }
}
