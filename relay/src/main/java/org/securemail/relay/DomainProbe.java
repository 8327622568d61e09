package org.securemail.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RelaySender#probe(String)} found for a recipient domain, without sending any mail: its MX hosts in
 * delivery order with their addresses and DNSSEC statuses, the MTA-STS policy in force and where it came from, and per
 * host the policy a delivery would apply and the result of connecting under it. Immutable; {@link #toString()} gives a
 * readable multi-line summary.
 */
public final class DomainProbe {

    /** Where the MTA-STS policy in force came from (RFC 8461 §3, §5.1). */
    public enum StsSource {
        /** The domain publishes no usable {@code _mta-sts} TXT record and nothing valid is cached. */
        NONE,
        /** Fetched now from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}. */
        FETCHED,
        /** The cached policy, still valid, with the TXT record's id unchanged. */
        CACHED,
        /** The cached policy, still valid, kept because the TXT lookup or the fetch failed. */
        CACHED_AFTER_FAILURE,
        /** A TXT record exists but no policy could be had and none valid is cached: delivery goes on without one. */
        FETCH_FAILED
    }

    private final String domain;
    private final String mxFailure;
    private final boolean mxFailurePermanent;
    private final boolean implicitMx;
    private final DnssecStatus mxStatus;
    private final List<String> skipped;
    private final StsSource stsSource;
    private final MtaStsPolicy stsPolicy;
    private final List<String> stsFailures;
    private final List<MxProbe> hosts;

    DomainProbe(String domain, String mxFailure, boolean mxFailurePermanent, boolean implicitMx, DnssecStatus mxStatus,
                List<String> skipped, StsSource stsSource, MtaStsPolicy stsPolicy, List<String> stsFailures,
                List<MxProbe> hosts) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.mxFailure = mxFailure;
        this.mxFailurePermanent = mxFailurePermanent;
        this.implicitMx = implicitMx;
        this.mxStatus = mxStatus;
        this.skipped = List.copyOf(skipped);
        this.stsSource = Objects.requireNonNull(stsSource, "stsSource");
        this.stsPolicy = stsPolicy;
        this.stsFailures = List.copyOf(stsFailures);
        this.hosts = List.copyOf(hosts);
    }

    /**
     * Returns the domain probed.
     *
     * @return the domain, in A-label form, lower case
     */
    public String domain() {
        return domain;
    }

    /**
     * Returns why the domain's MX hosts could not be had: a null MX (RFC 7505), no such domain, a failed or bogus
     * lookup.
     *
     * @return the failure, or empty when MX resolution gave hosts
     */
    public Optional<String> mxFailure() {
        return Optional.ofNullable(mxFailure);
    }

    /**
     * Tells whether the MX failure is permanent (a null MX, no such domain) rather than one to retry.
     *
     * @return true for a permanent failure; false when there is none or it is temporary
     */
    public boolean mxFailurePermanent() {
        return mxFailurePermanent;
    }

    /**
     * Tells whether the domain has no MX records, so that the domain itself is the only host (RFC 5321 §5.1).
     *
     * @return whether the MX is implicit
     */
    public boolean implicitMx() {
        return implicitMx;
    }

    /**
     * Returns what DNSSEC validation said of the MX answer (for an implicit MX, of the answer that proved there is no
     * MX record).
     *
     * @return the status, or empty when MX resolution failed
     */
    public Optional<DnssecStatus> mxStatus() {
        return Optional.ofNullable(mxStatus);
    }

    /**
     * Returns the MX records left out and why: hosts without addresses, bogus address answers, failed lookups.
     *
     * @return one line each, empty when none was left out
     */
    public List<String> skippedMx() {
        return skipped;
    }

    /**
     * Returns where the MTA-STS policy came from.
     *
     * @return the source
     */
    public StsSource stsSource() {
        return stsSource;
    }

    /**
     * Returns the MTA-STS policy in force: its {@link MtaStsPolicy#mode() mode} and {@link MtaStsPolicy#mxPatterns()
     * mx patterns}.
     *
     * @return the policy (mode enforce or testing), or empty when none applies
     */
    public Optional<MtaStsPolicy> stsPolicy() {
        return Optional.ofNullable(stsPolicy);
    }

    /**
     * Returns what went wrong resolving the MTA-STS policy: the TXT lookup, the record, the fetch, the policy text.
     *
     * @return one message each, empty when nothing did
     */
    public List<String> stsFailures() {
        return stsFailures;
    }

    /**
     * Returns the MX hosts in the order a delivery tries them (equal preferences in the order of this resolution).
     *
     * @return the hosts, empty when MX resolution failed
     */
    public List<MxProbe> hosts() {
        return hosts;
    }

    /**
     * Returns the first host a delivery would go to: the first not passed over whose connection met its policy.
     *
     * @return the host, or empty when none would take a message now
     */
    public Optional<MxProbe> deliverableHost() {
        return hosts.stream().filter(MxProbe::passes).findFirst();
    }

    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        if (mxFailure != null) {
            lines.add(domain + ": MX lookup failed (" + (mxFailurePermanent ? "permanently" : "temporarily") + "): "
                    + mxFailure);
        } else {
            lines.add(domain + ": " + (implicitMx ? "no MX records, the domain itself is the host" : hosts.size()
                    + " MX host" + (hosts.size() == 1 ? "" : "s")) + ", MX answer DNSSEC "
                    + mxStatus.name().toLowerCase(Locale.ROOT));
        }
        skipped.forEach(s -> lines.add("  MX skipped  " + s));
        StringBuilder sts = new StringBuilder("  MTA-STS  ").append(stsSource.name().toLowerCase(Locale.ROOT)
                .replace('_', ' '));
        if (stsPolicy != null) {
            sts.append(", mode ").append(stsPolicy.mode().wireName()).append(", mx ")
                    .append(String.join(" ", stsPolicy.mxPatterns())).append(", max_age ")
                    .append(stsPolicy.maxAge().getSeconds()).append(" s");
        }
        lines.add(sts.toString());
        stsFailures.forEach(f -> lines.add("  MTA-STS failure  " + f));
        for (MxProbe h : hosts) {
            h.lines().forEach(l -> lines.add("  " + l));
        }
        if (mxFailure == null) {
            lines.add("  verdict  " + deliverableHost().map(h -> "a delivery would go to " + h.name() + " under "
                    + h.policyPhrase()).orElse("no MX host would take a message now"));
        }
        return String.join("\n", lines);
    }
}
