package org.securemail.core.internal;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.securemail.policy.TrustSource;

/**
 * The (trust source, host name, certificate chain) triples that passed the full certificate check of one SSLContext, so
 * that a resumed session, which carries the chain of the handshake that created it, is bound to this connection's host
 * and trust with a lookup instead of a second path validation. A pair that is missing (the session was created by an opportunistic connection
 * that could not authenticate the server, or the entry was evicted) or whose chain has expired meanwhile gets the full
 * check again. The trust source (CAs, pins, or a DANE record set) is part of the key, so that a chain verified under
 * one record set is never taken as verified under another, even if two trust sources ever shared a context.
 * Thread-safe, bounded.
 */
final class VerifiedBindings {
    private static final int MAX = 1024;

    private static final class Key {
        final TrustSource trust;
        final String host;
        final List<X509Certificate> chain;

        Key(TrustSource trust, String host, List<X509Certificate> chain) {
            this.trust = trust;
            this.host = host;
            this.chain = chain;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && trust.equals(((Key) o).trust) && host.equals(((Key) o).host)
                    && chain.equals(((Key) o).chain);
        }

        @Override
        public int hashCode() {
            return Objects.hash(host, chain.get(0));
        }
    }

    /** Maps each verified pair to the end of its chain's validity, in milliseconds since the epoch. */
    private final Map<Key, Long> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > MAX;
        }
    };

    /** Records a chain that passed every check for a host name under a trust source. */
    void add(TrustSource trust, String normalizedHost, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return;
        }
        long notAfter = Long.MAX_VALUE;
        for (X509Certificate c : chain) {
            notAfter = Math.min(notAfter, c.getNotAfter().getTime());
        }
        synchronized (verified) {
            verified.put(new Key(trust, normalizedHost, List.copyOf(chain)), notAfter);
        }
    }

    /**
     * Whether this chain passed every check for this host name under this trust source and is still valid at
     * {@code nowMillis}.
     */
    boolean contains(TrustSource trust, String normalizedHost, List<X509Certificate> chain, long nowMillis) {
        if (chain.isEmpty()) {
            return false;
        }
        Long notAfter;
        synchronized (verified) {
            notAfter = verified.get(new Key(trust, normalizedHost, chain));
        }
        return notAfter != null && nowMillis <= notAfter;
    }
}
