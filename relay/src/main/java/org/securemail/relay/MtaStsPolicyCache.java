package org.securemail.relay;

import java.util.Optional;
import org.securemail.relay.internal.MtaStsMemoryCache;

/**
 * Where fetched MTA-STS policies are kept between deliveries, keyed by policy domain (RFC 8461 §5.1, §10.3). A policy
 * stays in force until its {@code max_age} has passed even when the domain's TXT record or policy host can no longer
 * be reached, which is what defeats an attacker who blocks them: an application that restarts often should persist
 * the cache (store {@link MtaStsCacheEntry#id()}, {@link MtaStsPolicy#text()} and {@link MtaStsCacheEntry#fetchedAt()},
 * restore with {@link MtaStsPolicy#parse(String)}).
 *
 * <p>Implementations must be thread-safe. Domain names are given lower case, without a trailing dot, in A-label form.
 */
public interface MtaStsPolicyCache {

    /**
     * Returns the entry stored for a domain, expired or not.
     *
     * @param policyDomain the recipient domain
     * @return the entry, or empty when none is stored
     */
    Optional<MtaStsCacheEntry> get(String policyDomain);

    /**
     * Stores the entry for a domain, replacing any earlier one.
     *
     * @param policyDomain the recipient domain
     * @param entry the entry
     */
    void put(String policyDomain, MtaStsCacheEntry entry);

    /**
     * Returns a new thread-safe cache in memory that keeps the entries of the 10,000 most recently
     * used domains.
     *
     * @return an empty cache
     */
    static MtaStsPolicyCache inMemory() {
        return new MtaStsMemoryCache();
    }
}
