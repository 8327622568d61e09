package org.securemail.relay.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsMode;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.TlsReportResultType;

/**
 * What {@link MtaStsResolver} found for a domain: the policy in force (if any), where it came from, and what went
 * wrong on the way.
 */
public final class MtaStsResolution {

    /** Where the policy in force came from. */
    public enum Source {
        /** The domain publishes no usable MTA-STS TXT record and nothing valid is cached. */
        NONE,
        /** Fetched now, because nothing valid was cached, the TXT record's id changed, or a refresh was due. */
        FETCHED,
        /** The cached policy, still valid, with the TXT record's id unchanged. */
        CACHED,
        /**
         * The cached policy, still valid, kept because the TXT record could not be had or the refresh failed
         * (RFC 8461 §3.3, §5.1).
         */
        CACHED_AFTER_FAILURE,
        /** A TXT record exists but no policy could be had and none valid is cached: deliver as without MTA-STS. */
        FETCH_FAILED
    }

    /**
     * One thing that went wrong while resolving, for the log and (when it has a result type) the TLS report.
     *
     * @param resultType the TLS report result type, or empty when the failure is not reportable (a DNS timeout)
     * @param reasonCode a short code for {@code failure-reason-code}, or empty
     * @param message what failed, where, and what to do
     */
    public record Failure(Optional<TlsReportResultType> resultType, Optional<String> reasonCode, String message) {
        /**
         * Checks the fields.
         *
         * @param resultType the type, or empty
         * @param reasonCode the code, or empty
         * @param message the message
         */
        public Failure {
            Objects.requireNonNull(resultType, "resultType");
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(message, "message");
        }
    }

    private final String domain;
    private final Source source;
    private final MtaStsCacheEntry entry;
    private final List<Failure> failures;

    MtaStsResolution(String domain, Source source, MtaStsCacheEntry entry, List<Failure> failures) {
        this.domain = domain;
        this.source = source;
        this.entry = entry;
        this.failures = List.copyOf(failures);
    }

    /**
     * Returns the domain resolved.
     *
     * @return the domain, lower case without a trailing dot
     */
    public String domain() {
        return domain;
    }

    /**
     * Returns where the policy came from.
     *
     * @return the source
     */
    public Source source() {
        return source;
    }

    /**
     * Returns the policy in force: one in mode {@link MtaStsMode#ENFORCE} or {@link MtaStsMode#TESTING}.
     *
     * @return the policy, or empty when none applies (no policy, a failed fetch without a valid cached one, or a
     *     policy in mode {@link MtaStsMode#NONE})
     */
    public Optional<MtaStsPolicy> policy() {
        return entry == null || entry.policy().mode() == MtaStsMode.NONE
                ? Optional.empty() : Optional.of(entry.policy());
    }

    /**
     * Returns the cache entry the policy came from, a policy in mode none included.
     *
     * @return the entry, or empty when there is none
     */
    public Optional<MtaStsCacheEntry> entry() {
        return Optional.ofNullable(entry);
    }

    /**
     * Returns what went wrong, in order.
     *
     * @return the failures, empty when nothing did
     */
    public List<Failure> failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "MtaStsResolution{" + domain + ", " + source + ", " + entry + ", failures=" + failures + "}";
    }
}
