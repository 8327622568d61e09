package org.securemail.relay.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.MtaStsPolicyCache;

/**
 * Finds the MTA-STS policy in force for a recipient domain at the moment of a delivery (RFC 8461 §3, §5.1):
 * the {@code _mta-sts} TXT record, the cached policy while its {@code max_age} lasts and its id matches the record's,
 * a fetch over HTTPS when it does not, and the cached policy kept when a fetch fails.
 *
 * <p>A cached policy whose id still matches is fetched again once it is older than the refresh interval (a day by
 * default), so that a domain's longer {@code max_age} or changed MX list is seen without waiting for expiry; a failed
 * refresh keeps the cached policy. Thread-safe if the cache is.
 */
public final class MtaStsResolver {

    /** How old a cached policy may get before it is fetched again even though its id is unchanged. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofDays(1);

    private final Dns dns;
    private final MtaStsPolicySource source;
    private final MtaStsPolicyCache cache;
    private final Clock clock;
    private final Duration refreshInterval;

    /**
     * Creates a resolver.
     *
     * @param dns looks up the TXT record
     * @param source fetches policies
     * @param cache keeps them
     * @param clock tells the time
     * @param refreshInterval how old a cached policy may get before it is fetched again
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code refreshInterval} is not positive
     */
    public MtaStsResolver(Dns dns, MtaStsPolicySource source, MtaStsPolicyCache cache, Clock clock,
                          Duration refreshInterval) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.source = Objects.requireNonNull(source, "source");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (refreshInterval.isZero() || refreshInterval.isNegative()) {
            throw new IllegalArgumentException("refreshInterval must be positive: " + refreshInterval);
        }
        this.refreshInterval = refreshInterval;
    }

    /**
     * Creates a resolver that refreshes cached policies after {@link #DEFAULT_REFRESH_INTERVAL}.
     *
     * @param dns looks up the TXT record
     * @param source fetches policies
     * @param cache keeps them
     * @param clock tells the time
     * @throws NullPointerException if an argument is null
     */
    public MtaStsResolver(Dns dns, MtaStsPolicySource source, MtaStsPolicyCache cache, Clock clock) {
        this(dns, source, cache, clock, DEFAULT_REFRESH_INTERVAL);
    }

    /**
     * Tells whether an MX host matches a policy's {@code mx} patterns (RFC 8461 §4.1).
     *
     * @param policy the policy
     * @param mxHost the MX host name
     * @return true when it matches
     * @throws NullPointerException if an argument is null
     */
    public static boolean mxMatches(MtaStsPolicy policy, String mxHost) {
        return Objects.requireNonNull(policy, "policy").matches(mxHost);
    }

    /**
     * Finds the policy in force for a domain now.
     *
     * @param domain the recipient domain (case and a trailing dot do not matter)
     * @return the resolution; never throws for what the network or the domain does
     * @throws NullPointerException if {@code domain} is null
     */
    public MtaStsResolution resolve(String domain) {
        String d = normalize(domain);
        Instant now = clock.instant();
        List<MtaStsResolution.Failure> failures = new ArrayList<>();
        Optional<MtaStsCacheEntry> cached = cache.get(d).filter(e -> e.isValidAt(now));

        Optional<MtaStsTxtRecord> record;
        try {
            DnsAnswer<String> answer = dns.txt(MtaStsTxtRecord.ownerName(d));
            if (answer.status() == DnsAnswer.Status.BOGUS) {
                failures.add(new MtaStsResolution.Failure(Optional.empty(), Optional.of("txt-bogus"),
                        MtaStsTxtRecord.ownerName(d) + " TXT answer failed DNSSEC validation (bogus); its records"
                                + " were ignored"));
                record = Optional.empty();
            } else {
                record = MtaStsTxtRecord.select(answer.records());
            }
        } catch (DnsLookupException e) {
            failures.add(new MtaStsResolution.Failure(Optional.empty(), Optional.empty(),
                    MtaStsTxtRecord.ownerName(d) + " TXT lookup failed: " + e.getMessage()));
            record = Optional.empty();
        } catch (IllegalArgumentException e) {
            failures.add(new MtaStsResolution.Failure(Optional.empty(), Optional.of("txt-invalid"),
                    MtaStsTxtRecord.ownerName(d) + " is not a usable MTA-STS record, so it is ignored: "
                            + e.getMessage()));
            record = Optional.empty();
        }

        if (record.isEmpty()) {
            // RFC 8461 §3.3: without a live record, a valid cached policy still applies.
            if (cached.isPresent()) {
                MtaStsResolution.Source s = failures.isEmpty()
                        ? MtaStsResolution.Source.CACHED : MtaStsResolution.Source.CACHED_AFTER_FAILURE;
                return new MtaStsResolution(d, s, cached.get(), failures);
            }
            return new MtaStsResolution(d, MtaStsResolution.Source.NONE, null, failures);
        }

        String id = record.get().id();
        if (cached.isPresent() && cached.get().id().equals(id)
                && now.isBefore(cached.get().fetchedAt().plus(refreshInterval))) {
            return new MtaStsResolution(d, MtaStsResolution.Source.CACHED, cached.get(), failures);
        }
        try {
            MtaStsPolicy policy = source.fetch(d);
            MtaStsCacheEntry entry = new MtaStsCacheEntry(id, policy, now);
            cache.put(d, entry);
            return new MtaStsResolution(d, MtaStsResolution.Source.FETCHED, entry, failures);
        } catch (MtaStsFetchException e) {
            failures.add(new MtaStsResolution.Failure(Optional.of(e.resultType()), e.reasonCode(), e.getMessage()));
            if (cached.isPresent()) {
                return new MtaStsResolution(d, MtaStsResolution.Source.CACHED_AFTER_FAILURE, cached.get(), failures);
            }
            return new MtaStsResolution(d, MtaStsResolution.Source.FETCH_FAILED, null, failures);
        }
    }

    private static String normalize(String domain) {
        Objects.requireNonNull(domain, "domain");
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException("domain must not be empty");
        }
        return d;
    }

    @Override
    public String toString() {
        return "MtaStsResolver{" + source + ", " + cache + ", refresh after " + refreshInterval + "}";
    }
}
