package org.securemail.relay;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts TLS sessions per policy domain and UTC day, for RFC 8460 aggregate reports. Delivery records every session:
 * a success under a policy, or a failure with its {@link TlsReportResultType} and where it happened. Once a day is
 * over, {@link #takeReportsBefore(LocalDate)} hands over that day's reports and forgets them.
 *
 * <p>Thread-safe: sessions may be recorded from any number of threads while reports are taken. Memory grows with the
 * number of distinct domains, policies and failures in the days not yet taken.
 */
public final class TlsReportAggregator {

    private final Clock clock;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();

    private TlsReportAggregator(Clock clock) {
        this.clock = clock;
    }

    /**
     * Creates an aggregator that dates sessions by the system clock in UTC.
     *
     * @return an empty aggregator
     */
    public static TlsReportAggregator create() {
        return new TlsReportAggregator(Clock.systemUTC());
    }

    /**
     * Creates an aggregator that dates sessions by a clock.
     *
     * @param clock the clock; its instant is turned into a UTC day
     * @return an empty aggregator
     * @throws NullPointerException if {@code clock} is null
     */
    public static TlsReportAggregator create(Clock clock) {
        return new TlsReportAggregator(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Records a session that succeeded under a policy.
     *
     * @param policy the policy the session ran under
     * @throws NullPointerException if {@code policy} is null
     */
    public void recordSuccess(TlsReportPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        record(policy, null);
    }

    /**
     * Records a session that failed under a policy (or the failure to fetch the policy).
     *
     * @param policy the policy the session ran under
     * @param failure what failed and where
     * @throws NullPointerException if an argument is null
     */
    public void recordFailure(TlsReportPolicy policy, TlsReportFailure failure) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(failure, "failure");
        record(policy, failure);
    }

    private void record(TlsReportPolicy policy, TlsReportFailure failure) {
        Key key = new Key(policy.domain(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        while (true) {
            Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket());
            synchronized (bucket) {
                if (!bucket.closed) {
                    bucket.add(policy, failure);
                    return;
                }
            }
            // The bucket was taken between the lookup and the lock: the next lookup makes a new one.
        }
    }

    /**
     * Returns the reports recorded so far, without forgetting them.
     *
     * @return one report per policy domain and day, ordered by day then domain
     */
    public List<TlsReport> snapshot() {
        List<TlsReport> reports = new ArrayList<>();
        for (Map.Entry<Key, Bucket> e : buckets.entrySet()) {
            synchronized (e.getValue()) {
                if (!e.getValue().closed) {
                    reports.add(e.getValue().report(e.getKey()));
                }
            }
        }
        reports.sort(ORDER);
        return reports;
    }

    /**
     * Hands over the reports of every day before the given one and forgets them. Call it after midnight UTC with
     * the new day to get the reports of the day that ended.
     *
     * @param day the first day whose sessions are kept
     * @return one report per policy domain and day, ordered by day then domain
     * @throws NullPointerException if {@code day} is null
     */
    public List<TlsReport> takeReportsBefore(LocalDate day) {
        Objects.requireNonNull(day, "day");
        List<TlsReport> reports = new ArrayList<>();
        for (Key key : new ArrayList<>(buckets.keySet())) {
            if (!key.day.isBefore(day)) {
                continue;
            }
            Bucket bucket = buckets.remove(key);
            if (bucket == null) {
                continue;
            }
            synchronized (bucket) {
                bucket.closed = true;
                reports.add(bucket.report(key));
            }
        }
        reports.sort(ORDER);
        return reports;
    }

    private static final Comparator<TlsReport> ORDER =
            Comparator.comparing(TlsReport::day).thenComparing(TlsReport::policyDomain);

    @Override
    public String toString() {
        return "TlsReportAggregator{" + buckets.size() + " domain-days}";
    }

    private static final class Key {
        final String domain;
        final LocalDate day;

        Key(String domain, LocalDate day) {
            this.domain = domain;
            this.day = day;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).domain.equals(domain) && ((Key) o).day.equals(day);
        }

        @Override
        public int hashCode() {
            return domain.hashCode() * 31 + day.hashCode();
        }
    }

    /** One domain-day's counters; guarded by its own monitor. */
    private static final class Bucket {
        final Map<TlsReportPolicy, Counters> policies = new LinkedHashMap<>();
        boolean closed;

        void add(TlsReportPolicy policy, TlsReportFailure failure) {
            Counters c = policies.computeIfAbsent(policy, p -> new Counters());
            if (failure == null) {
                c.successes++;
            } else {
                c.failures.merge(failure, 1L, Long::sum);
            }
        }

        TlsReport report(Key key) {
            List<TlsReport.PolicyResult> results = new ArrayList<>();
            for (Map.Entry<TlsReportPolicy, Counters> e : policies.entrySet()) {
                results.add(new TlsReport.PolicyResult(e.getKey(), e.getValue().successes, e.getValue().failures));
            }
            return new TlsReport(key.domain, key.day, results);
        }
    }

    private static final class Counters {
        long successes;
        final Map<TlsReportFailure, Long> failures = new LinkedHashMap<>();
    }
}
