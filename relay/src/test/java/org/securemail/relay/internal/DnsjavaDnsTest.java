package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsaRecord;
import org.xbill.DNS.Type;

class DnsjavaDnsTest {

    /** An anchor for a zone no test name is under: every answer is outside it, so INSECURE unless forged. */
    private static final String UNRELATED_ANCHOR =
            "anchor.invalid. IN DS 12345 13 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";

    private FakeDnsServer server;
    private DnsjavaDns dns;

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer();
        dns = DnsjavaDns.builder().servers(server.address()).trustAnchors(UNRELATED_ANCHOR)
                .timeout(Duration.ofMillis(500)).totalTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void mx_published_returnsRecordsAsPublishedAndInsecure() throws Exception {
        server.add("example.test. 300 IN MX 20 mx2.example.test.").add("example.test. 300 IN MX 10 MX1.example.test.");

        DnsAnswer<MxRecord> answer = dns.mx("example.test");

        assertThat(answer.records()).containsExactlyInAnyOrder(new MxRecord(20, "mx2.example.test"),
                new MxRecord(10, "mx1.example.test"));
        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.INSECURE);
        assertThat(answer.nameExists()).isTrue();
        assertThat(answer.canonicalName()).isEqualTo("example.test");
    }

    @Test
    void mx_nullMx_returnsRootExchange() throws Exception {
        server.add("nullmx.test. 300 IN MX 0 .");

        assertThat(dns.mx("nullmx.test").records()).containsExactly(new MxRecord(0, ""));
        assertThat(dns.mx("nullmx.test").records().get(0).isNullExchange()).isTrue();
    }

    @Test
    void anyLookup_mixedCaseAndTrailingDot_asksLowerCaseName() throws Exception {
        server.add("mail.example.test. 300 IN A 192.0.2.1");

        DnsAnswer<InetAddress> answer = dns.addresses("MAIL.Example.TEST.");

        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.1"));
        assertThat(server.queries()).extracting(FakeDnsServer.Query::name).containsOnly("mail.example.test");
    }

    @Test
    void anyLookup_unicodeName_asksItsALabel() throws Exception {
        server.add("xn--bcher-kva.test. 300 IN A 192.0.2.7");

        assertThat(dns.addresses("bücher.test").records()).containsExactly(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void addresses_aaaaAndA_ipv6First() throws Exception {
        server.add("mx.example.test. 300 IN A 192.0.2.1").add("mx.example.test. 300 IN AAAA 2001:db8::1");

        assertThat(dns.addresses("mx.example.test").records()).containsExactly(InetAddress.getByName("2001:db8::1"),
                InetAddress.getByName("192.0.2.1"));
    }

    @Test
    void txt_severalStrings_joinedWithoutSeparator() throws Exception {
        server.add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; \" \"id=20260101;\"");

        assertThat(dns.txt("_mta-sts.example.test").records()).containsExactly("v=STSv1; id=20260101;");
    }

    @Test
    void tlsa_published_parsedIntoTlsaRecord() throws Exception {
        server.add("_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 "
                + "0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");

        DnsAnswer<TlsaRecord> answer = dns.tlsa("_25._tcp.mx.example.test");

        assertThat(answer.records()).containsExactly(TlsaRecord.parse(
                "3 1 1 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
    }

    @Test
    void anyLookup_cnameChain_followedToTargetsRecords() throws Exception {
        server.add("alias.example.test. 300 IN CNAME alias2.example.test.")
                .add("alias2.example.test. 300 IN CNAME mx.other.test.")
                .add("mx.other.test. 300 IN A 192.0.2.9");

        DnsAnswer<InetAddress> answer = dns.addresses("alias.example.test");

        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.9"));
        assertThat(answer.canonicalName()).isEqualTo("mx.other.test");
    }

    @Test
    void anyLookup_cnameLeavingTheAnswer_asksTheTargetAgain() throws Exception {
        server.add("alias.example.test. 300 IN CNAME mx.elsewhere.example.").add("mx.elsewhere.example. 300 IN A 192.0.2.5");

        DnsAnswer<InetAddress> answer = dns.addresses("alias.example.test");

        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.5"));
        assertThat(answer.canonicalName()).isEqualTo("mx.elsewhere.example");
    }

    @Test
    void anyLookup_cnameLoop_failsAfterBoundedLinks() {
        server.add("loop1.example.test. 300 IN CNAME loop2.example.test.")
                .add("loop2.example.test. 300 IN CNAME loop1.example.test.");

        assertThatThrownBy(() -> dns.mx("loop1.example.test")).isInstanceOf(DnsLookupException.class)
                .hasMessageContaining("must end within " + DnsjavaDns.MAX_CNAME_HOPS + " CNAME links");
    }

    @Test
    void mx_nxdomain_nameDoesNotExist() throws Exception {
        server.add("other.test. 300 IN A 192.0.2.1");

        DnsAnswer<MxRecord> answer = dns.mx("missing.test");

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.INSECURE);
        assertThat(answer.nameExists()).isFalse();
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void mx_nodata_emptyButNameExists() throws Exception {
        server.add("nomx.test. 300 IN A 192.0.2.1");

        DnsAnswer<MxRecord> answer = dns.mx("nomx.test");

        assertThat(answer.nameExists()).isTrue();
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void anyLookup_serverSaysServfail_throwsLookupException() {
        server.servfail("broken.test");

        assertThatThrownBy(() -> dns.mx("broken.test")).isInstanceOf(DnsLookupException.class)
                .hasMessageContaining("DNS lookup of broken.test MX must get an answer: the DNS server answered"
                        + " SERVFAIL");
    }

    @Test
    void anyLookup_serverSilent_throwsLookupExceptionAfterTimeout() {
        server.silent("slow.test");

        assertThatThrownBy(() -> dns.mx("slow.test")).isInstanceOf(DnsLookupException.class)
                .hasMessageStartingWith("DNS lookup of slow.test MX must ");
    }

    @Test
    void anyLookup_udpAnswerTruncated_askedAgainOverTcp() throws Exception {
        server.add("big.test. 300 IN TXT \"all of it\"").truncateOverUdp("big.test");

        assertThat(dns.txt("big.test").records()).containsExactly("all of it");
        assertThat(server.queries()).contains(new FakeDnsServer.Query("big.test", Type.TXT, false),
                new FakeDnsServer.Query("big.test", Type.TXT, true));
    }

    @Test
    void anyLookup_firstServerSilent_secondServerAsked() throws Exception {
        try (FakeDnsServer second = new FakeDnsServer()) {
            server.silent("example.test");
            second.add("example.test. 300 IN MX 10 mx.example.test.");
            DnsjavaDns two = DnsjavaDns.builder().servers(server.address(), second.address())
                    .trustAnchors(UNRELATED_ANCHOR).timeout(Duration.ofMillis(300)).build();

            assertThat(two.mx("example.test").records()).containsExactly(new MxRecord(10, "mx.example.test"));
            assertThat(second.queries()).isNotEmpty();
        }
    }

    @Test
    void anyLookup_serverForgesAdBit_stillInsecure() throws Exception {
        server.add("forged.test. 300 IN MX 10 mx.forged.test.").forgeAuthenticatedData();

        assertThat(dns.mx("forged.test").status()).isEqualTo(DnsAnswer.Status.INSECURE);
    }

    @Test
    void anyLookup_unsignedAnswerUnderATrustAnchor_bogusWithoutRecords() throws Exception {
        server.add("www.signed.test. 300 IN A 192.0.2.1").forgeAuthenticatedData();
        DnsjavaDns anchored = DnsjavaDns.builder().servers(server.address())
                .trustAnchors("signed.test. IN DS 12345 13 2 "
                        + "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
                .timeout(Duration.ofMillis(500)).build();

        DnsAnswer<InetAddress> answer = anchored.addresses("www.signed.test");

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.BOGUS);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void rootTrustAnchors_shipped_holdKsk2017AndKsk2024() {
        assertThat(DnsjavaDns.rootTrustAnchors())
                .contains(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
                .contains(". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16");
    }

    @Test
    void builder_noServers_refused() {
        assertThatThrownBy(() -> DnsjavaDns.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("DNS servers must be set: call servers(...) or use DnsjavaDns.system()");
    }

    @Test
    void builder_anchorsWithoutDsOrDnskey_refused() {
        DnsjavaDns.Builder b = DnsjavaDns.builder().servers(new InetSocketAddress("127.0.0.1", 53))
                .trustAnchors("example.test. IN A 192.0.2.1\n");

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DNSSEC trust anchors must hold at least one DS or DNSKEY record");
    }

    @Test
    void builder_unparsableAnchors_refused() {
        DnsjavaDns.Builder b = DnsjavaDns.builder().servers(new InetSocketAddress("127.0.0.1", 53))
                .trustAnchors("this is not a zone file\n");

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DNSSEC trust anchors must be DS or DNSKEY records in zone file format");
    }

    @Test
    void builder_badTimeoutOrServer_refused() {
        assertThatThrownBy(() -> DnsjavaDns.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DNS timeout must be positive and at most 1 minute: PT0S");
        assertThatThrownBy(() -> DnsjavaDns.builder().servers())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsjavaDns.builder().servers(InetSocketAddress.createUnresolved("dns.test", 53)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DNS server must be an IP address");
    }
}
