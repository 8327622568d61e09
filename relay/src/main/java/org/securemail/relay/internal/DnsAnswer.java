package org.securemail.relay.internal;

import java.util.List;
import java.util.Objects;

/**
 * One DNS answer: its records, whether the name exists, and what DNSSEC validation said of it.
 *
 * @param <T> the record type
 */
public final class DnsAnswer<T> {

    /** What DNSSEC validation concluded (RFC 4033 §5). */
    public enum Status {
        /** Signed, and the signatures chain to the trust anchor. */
        SECURE,
        /** Provably unsigned (an insecure delegation), or validation was not asked for. */
        INSECURE,
        /** Signed but the signatures do not validate: nothing in the answer may be used. */
        BOGUS
    }

    private final List<T> records;
    private final boolean nameExists;
    private final Status status;
    private final String canonicalName;

    private DnsAnswer(List<T> records, boolean nameExists, Status status, String canonicalName) {
        this.records = List.copyOf(records);
        this.nameExists = nameExists;
        this.status = Objects.requireNonNull(status, "status");
        this.canonicalName = Objects.requireNonNull(canonicalName, "canonicalName");
    }

    /**
     * Returns an answer.
     *
     * @param records the records (empty for NODATA or NXDOMAIN)
     * @param nameExists false for NXDOMAIN
     * @param status the DNSSEC status
     * @param canonicalName the name the records were found at, after following CNAMEs
     * @param <T> the record type
     * @return the answer
     */
    public static <T> DnsAnswer<T> of(List<T> records, boolean nameExists, Status status, String canonicalName) {
        return new DnsAnswer<>(records, nameExists, status, canonicalName);
    }

    /**

     * Returns the records, empty for NODATA or NXDOMAIN.

     *

     * @return the records, empty for NODATA or NXDOMAIN

     */
    public List<T> records() {
        return records;
    }

    /**

     * Returns false when the server answered NXDOMAIN.

     *

     * @return false when the server answered NXDOMAIN

     */
    public boolean nameExists() {
        return nameExists;
    }

    /**

     * Returns what DNSSEC validation said.

     *

     * @return what DNSSEC validation said

     */
    public Status status() {
        return status;
    }

    /**

     * Returns the name the records were found at, after following CNAMEs (the asked name when there were none).

     *

     * @return the name the records were found at, after following CNAMEs (the asked name when there were none)

     */
    public String canonicalName() {
        return canonicalName;
    }

    @Override
    public String toString() {
        return "DnsAnswer{" + canonicalName + ", " + status + (nameExists ? "" : ", NXDOMAIN") + ", " + records + "}";
    }
}
