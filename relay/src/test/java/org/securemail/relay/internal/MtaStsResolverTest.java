package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsMode;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.MtaStsPolicyCache;
import org.securemail.relay.TlsReportResultType;

class MtaStsResolverTest {

    private static final String TXT = "_mta-sts.example.com";
    private static final MtaStsPolicy ENFORCE = MtaStsPolicy.parse(
            "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n");
    private static final MtaStsPolicy ENFORCE_V2 = MtaStsPolicy.parse(
            "version: STSv1\nmode: enforce\nmx: mx.example.net\nmax_age: 604800\n");
    private static final MtaStsPolicy NONE = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n");

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the code under test must not change the clock's zone");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A policy source that serves what the test says and counts fetches. */
    static final class ScriptedSource implements MtaStsPolicySource {
        private final List<String> fetched = new ArrayList<>();
        private MtaStsPolicy policy;
        private MtaStsFetchException failure;

        ScriptedSource serves(MtaStsPolicy p) {
            policy = p;
            failure = null;
            return this;
        }

        ScriptedSource fails(TlsReportResultType type) {
            failure = new MtaStsFetchException(type, "http-503", "MTA-STS policy https://mta-sts.example.com"
                    + "/.well-known/mta-sts.txt must answer status 200: it answered 503", null);
            return this;
        }

        @Override
        public MtaStsPolicy fetch(String domain) throws MtaStsFetchException {
            fetched.add(domain);
            if (failure != null) {
                throw failure;
            }
            return policy;
        }
    }

    private final MutableClock clock = new MutableClock();
    private final MtaStsFakeDns dns = new MtaStsFakeDns();
    private final ScriptedSource source = new ScriptedSource();
    private final MtaStsPolicyCache cache = MtaStsPolicyCache.inMemory();
    private final MtaStsResolver resolver = new MtaStsResolver(dns, source, cache, clock);

    @Test
    void resolve_noTxtRecord_isNoneWithoutFetching() {
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.NONE);
        assertThat(r.policy()).isEmpty();
        assertThat(r.failures()).isEmpty();
        assertThat(source.fetched).isEmpty();
    }

    @Test
    void resolve_txtRecord_fetchesCachesAndThenUsesTheCache() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);

        MtaStsResolution first = resolver.resolve("Example.COM.");
        clock.advance(Duration.ofHours(1));
        MtaStsResolution second = resolver.resolve("example.com");

        assertThat(first.source()).isEqualTo(MtaStsResolution.Source.FETCHED);
        assertThat(first.domain()).isEqualTo("example.com");
        assertThat(first.policy()).contains(ENFORCE);
        assertThat(second.source()).isEqualTo(MtaStsResolution.Source.CACHED);
        assertThat(second.policy()).contains(ENFORCE);
        assertThat(source.fetched).containsExactly("example.com");
        assertThat(cache.get("example.com")).contains(new MtaStsCacheEntry("1", ENFORCE,
                Instant.parse("2026-03-01T10:00:00Z")));
    }

    @Test
    void resolve_cachedPolicyPastMaxAge_isFetchedAgain() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        clock.advance(Duration.ofSeconds(86400));
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.FETCHED);
        assertThat(source.fetched).hasSize(2);
    }

    @Test
    void resolve_txtIdChanged_refetchesBeforeMaxAge() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        clock.advance(Duration.ofMinutes(5));
        dns.publishTxt(TXT, "v=STSv1; id=2");
        source.serves(ENFORCE_V2);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.FETCHED);
        assertThat(r.policy()).contains(ENFORCE_V2);
        assertThat(r.entry().orElseThrow().id()).isEqualTo("2");
        assertThat(source.fetched).hasSize(2);
    }

    @Test
    void resolve_refreshFailsWhileCachedPolicyValid_keepsTheCachedPolicyAndReportsTheFailure() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        clock.advance(Duration.ofHours(2));
        dns.publishTxt(TXT, "v=STSv1; id=2");
        source.fails(TlsReportResultType.STS_POLICY_FETCH_ERROR);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.CACHED_AFTER_FAILURE);
        assertThat(r.policy()).contains(ENFORCE);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.resultType()).contains(TlsReportResultType.STS_POLICY_FETCH_ERROR);
            assertThat(f.reasonCode()).contains("http-503");
            assertThat(f.message()).endsWith("it answered 503");
        });
        assertThat(cache.get("example.com").orElseThrow().id()).isEqualTo("1");
    }

    @Test
    void resolve_refreshFailsAfterMaxAge_hasNoPolicy() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        clock.advance(Duration.ofDays(2));
        source.fails(TlsReportResultType.STS_WEBPKI_INVALID);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.FETCH_FAILED);
        assertThat(r.policy()).isEmpty();
        assertThat(r.failures()).extracting(MtaStsResolution.Failure::resultType)
                .containsExactly(Optional.of(TlsReportResultType.STS_WEBPKI_INVALID));
    }

    @Test
    void resolve_firstFetchFails_hasNoPolicyAndReportsIt() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.fails(TlsReportResultType.STS_POLICY_INVALID);

        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.FETCH_FAILED);
        assertThat(r.policy()).isEmpty();
        assertThat(r.failures()).hasSize(1);
        assertThat(cache.get("example.com")).isEmpty();
    }

    @Test
    void resolve_sameIdAfterRefreshInterval_refetchesAndKeepsCacheOnFailure() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE_V2); // max_age one week
        resolver.resolve("example.com");

        clock.advance(MtaStsResolver.DEFAULT_REFRESH_INTERVAL);
        source.fails(TlsReportResultType.STS_POLICY_FETCH_ERROR);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(source.fetched).hasSize(2);
        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.CACHED_AFTER_FAILURE);
        assertThat(r.policy()).contains(ENFORCE_V2);
    }

    @Test
    void resolve_txtRecordGoneWhileCached_keepsTheCachedPolicy() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        dns.publishTxt(TXT);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.CACHED);
        assertThat(r.policy()).contains(ENFORCE);
        assertThat(source.fetched).hasSize(1);
    }

    @Test
    void resolve_txtLookupFailsWhileCached_keepsTheCachedPolicyAndSaysWhy() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        dns.txtFails(TXT);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.CACHED_AFTER_FAILURE);
        assertThat(r.policy()).contains(ENFORCE);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.resultType()).isEmpty();
            assertThat(f.message()).isEqualTo("_mta-sts.example.com TXT lookup failed: _mta-sts.example.com TXT"
                    + " lookup timed out");
        });
    }

    @Test
    void resolve_txtLookupFailsWithoutCache_isNone() {
        dns.txtFails(TXT);
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.NONE);
        assertThat(r.failures()).hasSize(1);
        assertThat(source.fetched).isEmpty();
    }

    @Test
    void resolve_bogusTxtAnswer_isIgnored() {
        dns.txtBogus(TXT, "v=STSv1; id=1");
        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.NONE);
        assertThat(r.failures()).singleElement().satisfies(f ->
                assertThat(f.message()).contains("failed DNSSEC validation (bogus)"));
        assertThat(source.fetched).isEmpty();
    }

    @Test
    void resolve_twoStsRecords_isNoneWithoutFetching() {
        dns.publishTxt(TXT, "v=STSv1; id=1", "v=STSv1; id=2");
        source.serves(ENFORCE);

        MtaStsResolution r = resolver.resolve("example.com");

        assertThat(r.source()).isEqualTo(MtaStsResolution.Source.NONE);
        assertThat(r.failures()).singleElement().satisfies(f ->
                assertThat(f.message()).contains("must be exactly one beginning with v=STSv1: found 2"));
        assertThat(source.fetched).isEmpty();
    }

    @Test
    void resolve_modeNoneReplacesEnforce_removesEnforcement() {
        dns.publishTxt(TXT, "v=STSv1; id=1");
        source.serves(ENFORCE);
        resolver.resolve("example.com");

        dns.publishTxt(TXT, "v=STSv1; id=2");
        source.serves(NONE);
        MtaStsResolution r = resolver.resolve("example.com");
        MtaStsResolution later = resolver.resolve("example.com");

        assertThat(r.policy()).isEmpty();
        assertThat(r.entry().orElseThrow().policy().mode()).isEqualTo(MtaStsMode.NONE);
        assertThat(later.source()).isEqualTo(MtaStsResolution.Source.CACHED);
        assertThat(later.policy()).isEmpty();
    }

    @Test
    void mxMatches_delegatesToThePolicyPatterns() {
        assertThat(MtaStsResolver.mxMatches(ENFORCE, "mx1.example.com")).isTrue();
        assertThat(MtaStsResolver.mxMatches(ENFORCE, "mx1.example.org")).isFalse();
    }

    @Test
    void resolve_persistentCacheImplementation_isUsedThroughTheInterface() {
        List<String> calls = new ArrayList<>();
        MtaStsPolicyCache recording = new MtaStsPolicyCache() {
            private MtaStsCacheEntry stored;

            @Override
            public Optional<MtaStsCacheEntry> get(String policyDomain) {
                calls.add("get " + policyDomain);
                return Optional.ofNullable(stored);
            }

            @Override
            public void put(String policyDomain, MtaStsCacheEntry entry) {
                calls.add("put " + policyDomain + " " + entry.id());
                // what an application would persist, and restore
                stored = new MtaStsCacheEntry(entry.id(), MtaStsPolicy.parse(entry.policy().text()),
                        entry.fetchedAt());
            }
        };
        dns.publishTxt(TXT, "v=STSv1; id=7");
        source.serves(ENFORCE);
        MtaStsResolver r = new MtaStsResolver(dns, source, recording, clock);

        r.resolve("example.com");
        MtaStsResolution again = r.resolve("example.com");

        assertThat(calls).containsExactly("get example.com", "put example.com 7", "get example.com");
        assertThat(again.source()).isEqualTo(MtaStsResolution.Source.CACHED);
        assertThat(again.policy()).contains(ENFORCE);
    }
}
