package org.securemail.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.relay.DomainDelivery;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.MxSecurity;
import org.securemail.relay.RelayReport;
import org.securemail.relay.RelaySender;
import org.securemail.relay.TlsReport;
import org.securemail.relay.TlsReportAggregator;
import org.securemail.relay.TlsReportFailure;
import org.securemail.relay.TlsReportPolicy;
import org.securemail.relay.TlsReportPolicyType;
import org.securemail.relay.TlsReportResultType;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.Timeouts;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/**
 * {@link RelayExample} without the Internet: {@code deliver} through a relay whose DNS server and MX are on loopback,
 * and the parts that need neither: the MTA-STS policy directory and the
 * TLS report mail built from an aggregator fed through its public API. {@code main} itself is only compiled.
 */
class RelayExampleTest {
    /** An anchor for a zone the test's names are not under: they validate as insecure, as an unsigned domain does. */
    private static final String UNRELATED_ANCHOR = "anchor.invalid. 3600 IN DS 20326 8 2"
            + " E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
    private static final MtaStsPolicy POLICY = MtaStsPolicy.parse(
            "version: STSv1\r\nmode: enforce\r\nmx: *.example.com\r\nmax_age: 604800\r\n");

    @Test
    void deliver_unsignedDomainOnLoopback_deliveredOpportunisticallyAndCounted(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create("RelayExample");
        Name mx = Name.fromString("mx1.example.test.");
        Name zone = Name.fromString("example.test.");
        try (LoopbackDns dns = LoopbackDns.start(
                    new SOARecord(zone, DClass.IN, 300, Name.fromString("ns.example.test."),
                            Name.fromString("hostmaster.example.test."), 1, 3600, 600, 86400, 300),
                    new MXRecord(zone, DClass.IN, 300, 10, mx),
                    new ARecord(mx, DClass.IN, 300, InetAddress.getByName("127.0.0.1")));
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(
                     pki.leaf().dnsNames("mx1.example.test").issue())).start();
             RelaySender relay = RelaySender.builder().heloName("relay.sender.test").dnsServers(dns.address())
                     .dnssecTrustAnchors(UNRELATED_ANCHOR).smtpPort(server.port())
                     .mtaStsCache(new RelayExample.DirectoryMtaStsCache(dir))
                     .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)))
                     .build()) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress("notify@sender.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
            message.setSubject("relayed");
            message.setText("hello\n");

            RelayReport report = RelayExample.deliver(relay, message);

            DomainDelivery d = report.domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.mxHost()).contains("mx1.example.test");
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.report().orElseThrow().isEncrypted()).isTrue();
            assertThat(d.attempts()).containsExactly("mx1.example.test [127.0.0.1]: delivered under OPPORTUNISTIC");
            assertThat(server.messages()).hasSize(1);
            assertThat(server.tlsLines()).contains("RCPT TO:<bob@example.test>").noneMatch(l -> l.startsWith("AUTH"));
            // Unsigned: no TLSA lookup; no _mta-sts record: no policy fetched, nothing cached.
            assertThat(dns.questions()).contains("example.test. MX", "_mta-sts.example.test. TXT")
                    .noneMatch(q -> q.startsWith("_25._tcp."));
            assertThat(dir).isEmptyDirectory();
            assertThat(relay.tlsReports().snapshot()).singleElement().satisfies(r -> {
                assertThat(r.policyDomain()).isEqualTo("example.test");
                assertThat(r.policies().get(0).policy().type()).isEqualTo(TlsReportPolicyType.NO_POLICY_FOUND);
                assertThat(r.policies().get(0).successfulSessionCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void reportMail_yesterdaysSessions_multipartReportWithGzipJsonAndTlsRequiredNo() throws Exception {
        TlsReportAggregator aggregator = TlsReportAggregator.create(
                Clock.fixed(Instant.parse("2026-12-01T10:15:30Z"), ZoneOffset.UTC));
        TlsReportPolicy sts = TlsReportPolicy.sts("example.com", POLICY);
        aggregator.recordSuccess(sts);
        aggregator.recordFailure(sts, TlsReportFailure.builder(TlsReportResultType.CERTIFICATE_HOST_MISMATCH)
                .receivingMxHostname("mx2.example.com").receivingIp(InetAddress.getByName("192.0.2.2")).build());

        assertThat(aggregator.takeReportsBefore(LocalDate.parse("2026-12-01"))).isEmpty();   // the day is not over
        List<TlsReport> reports = aggregator.takeReportsBefore(LocalDate.parse("2026-12-02"));
        assertThat(reports).singleElement().extracting(TlsReport::policyDomain).isEqualTo("example.com");
        assertThat(aggregator.takeReportsBefore(LocalDate.parse("2026-12-02"))).isEmpty();   // taken once

        MimeMessage mail = RelayExample.reportMail(reports.get(0), "Example Org", "sender.example",
                new InternetAddress("tlsrpt-noreply@sender.example"), new InternetAddress("tlsrpt@example.com"));
        assertThat(mail.getSubject()).isEqualTo("Report Domain: example.com Submitter: sender.example"
                + " Report-ID: <2026-12-01.example.com@sender.example>");
        assertThat(mail.getHeader("TLS-Required")).containsExactly("No");
        assertThat(mail.getHeader("TLS-Report-Domain")).containsExactly("example.com");
        assertThat(mail.getHeader("TLS-Report-Submitter")).containsExactly("sender.example");

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        mail.writeTo(wire);
        MimeMessage parsed = new MimeMessage(null, new ByteArrayInputStream(wire.toByteArray()));
        assertThat(parsed.getContentType()).startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
        MimeMultipart parts = (MimeMultipart) parsed.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart json = parts.getBodyPart(1);
        assertThat(json.getContentType()).startsWith("application/tlsrpt+gzip");
        assertThat(json.getFileName()).isEqualTo("sender.example!example.com!1796083200!1796169599.json.gz");
        String text;
        try (InputStream in = new GZIPInputStream(json.getInputStream())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo(reports.get(0).toJson("Example Org", "mailto:postmaster@sender.example",
                "2026-12-01.example.com@sender.example"));
        assertThat(text).contains("\"start-datetime\":\"2026-12-01T00:00:00Z\"", "\"policy-type\":\"sts\"",
                "\"total-successful-session-count\":1", "\"total-failure-session-count\":1",
                "\"result-type\":\"certificate-host-mismatch\"", "\"receiving-ip\":\"192.0.2.2\"");
    }

    @Test
    void directoryCache_putThenGetInAnotherInstance_sameEntry(@TempDir Path dir) {
        MtaStsCacheEntry entry = new MtaStsCacheEntry("20261201T000000", POLICY, Instant.parse("2026-12-01T08:00:00Z"));
        new RelayExample.DirectoryMtaStsCache(dir).put("example.com", entry);

        MtaStsCacheEntry restored = new RelayExample.DirectoryMtaStsCache(dir).get("example.com").orElseThrow();
        assertThat(restored.id()).isEqualTo("20261201T000000");
        assertThat(restored.policy()).isEqualTo(POLICY);
        assertThat(restored.policy().mxPatterns()).containsExactly("*.example.com");
        assertThat(restored.fetchedAt()).isEqualTo(entry.fetchedAt());
        assertThat(restored.expiresAt()).isEqualTo(Instant.parse("2026-12-08T08:00:00Z"));
    }

    @Test
    void directoryCache_unknownOrCorruptDomain_empty(@TempDir Path dir) throws Exception {
        RelayExample.DirectoryMtaStsCache cache = new RelayExample.DirectoryMtaStsCache(dir);
        assertThat(cache.get("example.org")).isEmpty();
        Files.writeString(dir.resolve("example.net.policy"), "not a cache file");
        assertThat(cache.get("example.net")).isEmpty();
    }

    @Test
    void directoryCache_nameThatLeavesTheDirectory_refused(@TempDir Path dir) {
        RelayExample.DirectoryMtaStsCache cache = new RelayExample.DirectoryMtaStsCache(dir.resolve("cache"));
        assertThatThrownBy(() -> cache.get("../outside")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policy domain must be a lower-case A-label name: \"../outside\"");
        assertThat(dir.resolve("outside.policy")).doesNotExist();
    }
}
