package org.securemail.relay;

import java.util.Optional;

/**
 * The {@code mode} of an MTA-STS policy (RFC 8461 §3.2): what a sending MTA does when an MX fails the policy.
 */
public enum MtaStsMode {
    /**
     * Deliver only to an MX that matches the policy's {@code mx} patterns and presents, over STARTTLS, a certificate
     * valid for its name under the Web PKI. Protects against STARTTLS stripping and MX impersonation by an on-path
     * attacker; does not protect the first delivery before any policy was fetched while the attacker also blocks the
     * policy host.
     */
    ENFORCE("enforce"),
    /** Check and report as {@link #ENFORCE} would, but deliver anyway. Protects against nothing. */
    TESTING("testing"),
    /** The domain withdrew its policy: deliver as if it had none. A cached stricter policy no longer applies. */
    NONE("none");

    private final String wireName;

    MtaStsMode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the value as the policy file spells it.
     *
     * @return {@code enforce}, {@code testing} or {@code none}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Finds the mode a policy file names (case-sensitive, as RFC 8461's ABNF is).
     *
     * @param value the value after {@code mode:}
     * @return the mode, or empty when the value is not one of the three
     */
    public static Optional<MtaStsMode> fromWireName(String value) {
        for (MtaStsMode m : values()) {
            if (m.wireName.equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
