package org.securemail.relay;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A fetched MTA-STS policy as a {@link MtaStsPolicyCache} keeps it: the {@code id} of the {@code _mta-sts} TXT record
 * it was fetched under, the policy, and when it was fetched (RFC 8461 §5.1).
 *
 * @param id the TXT record's {@code id}: 1 to 32 letters and digits
 * @param policy the policy
 * @param fetchedAt when the policy was fetched; it is valid until {@code fetchedAt + max_age}
 */
public record MtaStsCacheEntry(String id, MtaStsPolicy policy, Instant fetchedAt) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    /**
     * Checks the fields.
     *
     * @param id the TXT record's {@code id}
     * @param policy the policy
     * @param fetchedAt when it was fetched
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code id} is not 1 to 32 letters and digits
     */
    public MtaStsCacheEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("MTA-STS id must be 1 to 32 letters and digits: \"" + id + "\"");
        }
    }

    /**
     * Returns when the policy stops being valid: {@code fetchedAt + max_age}.
     *
     * @return the expiry instant
     */
    public Instant expiresAt() {
        return fetchedAt.plus(policy.maxAge());
    }

    /**
     * Tells whether the policy is still valid at an instant (RFC 8461 §5.1: until {@code max_age} has passed).
     *
     * @param now the instant
     * @return true when {@code now} is before {@link #expiresAt()}
     * @throws NullPointerException if {@code now} is null
     */
    public boolean isValidAt(Instant now) {
        return now.isBefore(expiresAt());
    }
}
