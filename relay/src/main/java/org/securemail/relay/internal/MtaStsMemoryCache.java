package org.securemail.relay.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicyCache;

/**
 * The in-memory {@link MtaStsPolicyCache}: a synchronized map in access order that drops the least recently used
 * domain beyond {@value #MAX_ENTRIES} entries.
 */
public final class MtaStsMemoryCache implements MtaStsPolicyCache {

    /** How many domains' policies are kept. */
    public static final int MAX_ENTRIES = 10_000;

    private final Map<String, MtaStsCacheEntry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MtaStsCacheEntry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Creates an empty cache. */
    public MtaStsMemoryCache() {
    }

    @Override
    public Optional<MtaStsCacheEntry> get(String policyDomain) {
        Objects.requireNonNull(policyDomain, "policyDomain");
        synchronized (entries) {
            return Optional.ofNullable(entries.get(policyDomain));
        }
    }

    @Override
    public void put(String policyDomain, MtaStsCacheEntry entry) {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(entry, "entry");
        synchronized (entries) {
            entries.put(policyDomain, entry);
        }
    }

    @Override
    public String toString() {
        synchronized (entries) {
            return "MtaStsMemoryCache{" + entries.size() + " domains}";
        }
    }
}
