package org.securemail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TlsReportAggregatorTest {

    private static final MtaStsPolicy POLICY = MtaStsPolicy.parse(
            "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: *.mx.example.com\r\nmax_age: 86400\r\n");
    private static final Clock DAY = Clock.fixed(Instant.parse("2026-04-01T13:14:15Z"), ZoneOffset.UTC);

    @Test
    void toJson_stsAndNoPolicy_writesTheFieldsOfRfc8460() throws Exception {
        TlsReportAggregator agg = TlsReportAggregator.create(DAY);
        TlsReportPolicy sts = TlsReportPolicy.sts("Example.COM.", POLICY);
        TlsReportFailure mismatch = TlsReportFailure.builder(TlsReportResultType.CERTIFICATE_HOST_MISMATCH)
                .sendingMtaIp(InetAddress.getByName("192.0.2.1"))
                .receivingMxHostname("mx1.example.com")
                .receivingMxHelo("mx1.example.com")
                .receivingIp(InetAddress.getByName("198.51.100.7"))
                .additionalInformation("https://example.net/why")
                .failureReasonCode("X509_V_ERR")
                .build();
        TlsReportFailure stripped = TlsReportFailure.builder(TlsReportResultType.STARTTLS_NOT_SUPPORTED)
                .receivingMxHostname("a.mx.example.com")
                .build();
        agg.recordSuccess(sts);
        agg.recordSuccess(sts);
        agg.recordFailure(sts, mismatch);
        agg.recordFailure(sts, stripped);
        agg.recordFailure(sts, TlsReportFailure.builder(TlsReportResultType.CERTIFICATE_HOST_MISMATCH)
                .sendingMtaIp(InetAddress.getByName("192.0.2.1"))
                .receivingMxHostname("mx1.example.com")
                .receivingMxHelo("mx1.example.com")
                .receivingIp(InetAddress.getByName("198.51.100.7"))
                .additionalInformation("https://example.net/why")
                .failureReasonCode("X509_V_ERR")
                .build());
        agg.recordSuccess(TlsReportPolicy.noPolicyFound("example.com"));

        List<TlsReport> reports = agg.takeReportsBefore(LocalDate.parse("2026-04-02"));

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.day()).isEqualTo(LocalDate.parse("2026-04-01"));
            assertThat(r.policies()).hasSize(2);
            assertThat(r.policies().get(0).successfulSessionCount()).isEqualTo(2);
            assertThat(r.policies().get(0).failureSessionCount()).isEqualTo(3);
            assertThat(r.policies().get(0).failureDetails()).containsEntry(mismatch, 2L).containsEntry(stripped, 1L);
        });
        assertThat(reports.get(0).toJson("Sender Inc.", "mailto:tlsrpt@sender.example", "2026-04-01T00:00:00Z_ex"))
                .isEqualTo("{\"organization-name\":\"Sender Inc.\","
                        + "\"date-range\":{\"start-datetime\":\"2026-04-01T00:00:00Z\","
                        + "\"end-datetime\":\"2026-04-01T23:59:59Z\"},"
                        + "\"contact-info\":\"mailto:tlsrpt@sender.example\","
                        + "\"report-id\":\"2026-04-01T00:00:00Z_ex\","
                        + "\"policies\":["
                        + "{\"policy\":{\"policy-type\":\"sts\","
                        + "\"policy-string\":[\"version: STSv1\",\"mode: testing\",\"mx: mx1.example.com\","
                        + "\"mx: *.mx.example.com\",\"max_age: 86400\"],"
                        + "\"policy-domain\":\"example.com\","
                        + "\"mx-host\":[\"mx1.example.com\",\"*.mx.example.com\"]},"
                        + "\"summary\":{\"total-successful-session-count\":2,\"total-failure-session-count\":3},"
                        + "\"failure-details\":["
                        + "{\"result-type\":\"certificate-host-mismatch\",\"sending-mta-ip\":\"192.0.2.1\","
                        + "\"receiving-mx-hostname\":\"mx1.example.com\",\"receiving-mx-helo\":\"mx1.example.com\","
                        + "\"receiving-ip\":\"198.51.100.7\",\"failed-session-count\":2,"
                        + "\"additional-information\":\"https://example.net/why\","
                        + "\"failure-reason-code\":\"X509_V_ERR\"},"
                        + "{\"result-type\":\"starttls-not-supported\",\"receiving-mx-hostname\":\"a.mx.example.com\","
                        + "\"failed-session-count\":1}]},"
                        + "{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"example.com\"},"
                        + "\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":0}}"
                        + "]}");
        assertThat(agg.snapshot()).isEmpty();
    }

    @Test
    void toJson_hostileStrings_areEscaped() {
        TlsReportAggregator agg = TlsReportAggregator.create(DAY);
        TlsReportPolicy tlsa = TlsReportPolicy.tlsa("example.com",
                List.of("quote\" backslash\\ nl\n cr\r tab\t ctl\u0001 del\u007f ls\u2028 emoji\uD83D\uDE00 lone\uD800"),
                List.of("mx.example.com"));
        agg.recordSuccess(tlsa);

        String json = agg.snapshot().get(0).toJson("O\"rg</script>", "c", "r");

        assertThat(json)
                .contains("\"organization-name\":\"O\\\"rg</script>\"")
                .contains("\"policy-type\":\"tlsa\"")
                .contains("\"policy-string\":[\"quote\\\" backslash\\\\ nl\\n cr\\r tab\\t ctl\\u0001 del\\u007f"
                        + " ls\\u2028 emoji\uD83D\uDE00 lone\\ud800\"]");
        for (char c : json.toCharArray()) {
            assertThat(c < 0x20).as("raw control character in JSON").isFalse();
        }
    }

    @Test
    void aggregator_sessionsAcrossMidnight_goToTheirOwnDay() {
        MovingClock clock = new MovingClock(Instant.parse("2026-04-01T23:59:59Z"));
        TlsReportAggregator agg = TlsReportAggregator.create(clock);
        TlsReportPolicy none = TlsReportPolicy.noPolicyFound("example.com");

        agg.recordSuccess(none);
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        agg.recordSuccess(none);
        agg.recordSuccess(TlsReportPolicy.noPolicyFound("example.org"));

        List<TlsReport> dayOne = agg.takeReportsBefore(LocalDate.parse("2026-04-02"));
        assertThat(dayOne).singleElement().satisfies(r -> {
            assertThat(r.day()).isEqualTo(LocalDate.parse("2026-04-01"));
            assertThat(r.startDateTime()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
            assertThat(r.endDateTime()).isEqualTo(Instant.parse("2026-04-01T23:59:59Z"));
        });
        assertThat(agg.snapshot()).extracting(TlsReport::policyDomain).containsExactly("example.com", "example.org");
        assertThat(agg.takeReportsBefore(LocalDate.parse("2026-04-02"))).isEmpty();
        assertThat(agg.takeReportsBefore(LocalDate.parse("2026-04-03"))).hasSize(2);
    }

    @Test
    void aggregator_manyThreadsWhileReportsAreTaken_losesNoSession() throws Exception {
        TlsReportAggregator agg = TlsReportAggregator.create(DAY);
        TlsReportPolicy sts = TlsReportPolicy.sts("example.com", POLICY);
        TlsReportFailure failure = TlsReportFailure.builder(TlsReportResultType.CERTIFICATE_EXPIRED)
                .receivingMxHostname("mx1.example.com").build();
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean recording = new AtomicBoolean(true);
        List<TlsReport> taken = new ArrayList<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (i % 4 == 0) {
                            agg.recordFailure(sts, failure);
                        } else {
                            agg.recordSuccess(sts);
                        }
                    }
                    return null;
                }));
            }
            Future<?> taker = pool.submit(() -> {
                start.await();
                while (recording.get()) {
                    List<TlsReport> some = agg.takeReportsBefore(LocalDate.parse("2026-04-02"));
                    synchronized (taken) {
                        taken.addAll(some);
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            recording.set(false);
            taker.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        taken.addAll(agg.takeReportsBefore(LocalDate.parse("2026-04-02")));

        long successes = 0;
        long failures = 0;
        for (TlsReport r : taken) {
            for (TlsReport.PolicyResult p : r.policies()) {
                successes += p.successfulSessionCount();
                failures += p.failureSessionCount();
            }
        }
        assertThat(successes).isEqualTo((long) threads * perThread * 3 / 4);
        assertThat(failures).isEqualTo((long) threads * perThread / 4);
    }

    @Test
    void resultTypes_haveTheWireNamesOfRfc8460() {
        assertThat(TlsReportResultType.values()).extracting(TlsReportResultType::wireName).containsExactly(
                "starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
                "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
                "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
        assertThat(TlsReportResultType.fromWireName("tlsa-invalid")).contains(TlsReportResultType.TLSA_INVALID);
        assertThat(TlsReportResultType.fromWireName("TLSA-INVALID")).isEmpty();
        assertThat(TlsReportPolicyType.values()).extracting(TlsReportPolicyType::wireName)
                .containsExactly("tlsa", "sts", "no-policy-found");
    }

    @Test
    void failureBuilder_emptyValue_isRefused() {
        assertThatThrownBy(() -> TlsReportFailure.builder(TlsReportResultType.VALIDATION_FAILURE)
                .receivingMxHostname(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host must not be empty");
        assertThatThrownBy(() -> TlsReportFailure.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("resultType");
    }

    @Test
    void policy_equalValues_countTogether() {
        assertThat(TlsReportPolicy.sts("EXAMPLE.com.", POLICY)).isEqualTo(TlsReportPolicy.sts("example.com", POLICY))
                .hasSameHashCodeAs(TlsReportPolicy.sts("example.com", POLICY));
        assertThat(TlsReportPolicy.noPolicyFound("example.com")).isNotEqualTo(TlsReportPolicy.sts("example.com",
                POLICY));
    }

    private static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
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
}
