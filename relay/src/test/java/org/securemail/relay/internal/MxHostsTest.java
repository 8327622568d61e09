package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsaRecord;

class MxHostsTest {

    /** An in-memory {@link Dns}: MX and address answers per name, with statuses and failures. */
    private static final class MapDns implements Dns {
        final Map<String, DnsAnswer<MxRecord>> mx = new HashMap<>();
        final Map<String, DnsAnswer<InetAddress>> addresses = new HashMap<>();
        final Set<String> failing = new HashSet<>();
        final List<String> addressLookups = new ArrayList<>();

        MapDns mx(String domain, DnsAnswer.Status status, MxRecord... records) {
            mx.put(domain, DnsAnswer.of(List.of(records), true, status, domain));
            return this;
        }

        MapDns host(String host, DnsAnswer.Status status, String... ips) {
            List<InetAddress> list = new ArrayList<>();
            for (String ip : ips) {
                try {
                    list.add(InetAddress.getByName(ip));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(ip, e);
                }
            }
            addresses.put(host, DnsAnswer.of(list, true, status, host));
            return this;
        }

        @Override
        public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
            if (failing.contains(domain)) {
                throw new DnsLookupException("DNS lookup of " + domain + " MX must get an answer: timeout", null);
            }
            return mx.getOrDefault(domain, DnsAnswer.of(List.of(), false, DnsAnswer.Status.INSECURE, domain));
        }

        @Override
        public DnsAnswer<InetAddress> addresses(String host) throws DnsLookupException {
            addressLookups.add(host);
            if (failing.contains(host)) {
                throw new DnsLookupException("DNS lookup of " + host + " AAAA must get an answer: timeout", null);
            }
            return addresses.getOrDefault(host, DnsAnswer.of(List.of(), false, DnsAnswer.Status.INSECURE, host));
        }

        @Override
        public DnsAnswer<String> txt(String name) {
            throw new UnsupportedOperationException("MX selection must not ask for TXT records: " + name);
        }

        @Override
        public DnsAnswer<TlsaRecord> tlsa(String name) {
            throw new UnsupportedOperationException("MX selection must not ask for TLSA records: " + name);
        }
    }

    private static final DnsAnswer.Status SECURE = DnsAnswer.Status.SECURE;
    private static final DnsAnswer.Status INSECURE = DnsAnswer.Status.INSECURE;
    private static final DnsAnswer.Status BOGUS = DnsAnswer.Status.BOGUS;

    @Test
    void resolve_severalPreferences_lowestFirst() throws Exception {
        MapDns dns = new MapDns().mx("example.test", SECURE, new MxRecord(30, "c.example.test"),
                new MxRecord(10, "a.example.test"), new MxRecord(20, "b.example.test"))
                .host("a.example.test", SECURE, "192.0.2.1").host("b.example.test", INSECURE, "192.0.2.2")
                .host("c.example.test", SECURE, "2001:db8::3", "192.0.2.3");

        MxResolution r = MxHosts.resolve(dns, "Example.TEST.", new Random(1));

        assertThat(r.domain()).isEqualTo("example.test");
        assertThat(r.implicit()).isFalse();
        assertThat(r.mxStatus()).isEqualTo(SECURE);
        assertThat(r.hosts()).extracting(MxHost::name).containsExactly("a.example.test", "b.example.test",
                "c.example.test");
        assertThat(r.hosts()).extracting(MxHost::addressStatus).containsExactly(SECURE, INSECURE, SECURE);
        assertThat(r.hosts().get(2).addresses()).containsExactly(InetAddress.getByName("2001:db8::3"),
                InetAddress.getByName("192.0.2.3"));
    }

    @Test
    void resolve_equalPreferences_shuffledButAlwaysBeforeHigherOnes() throws Exception {
        MapDns dns = new MapDns().mx("example.test", INSECURE, new MxRecord(10, "a.example.test"),
                new MxRecord(10, "b.example.test"), new MxRecord(10, "c.example.test"),
                new MxRecord(50, "z.example.test"));
        for (String h : List.of("a", "b", "c", "z")) {
            dns.host(h + ".example.test", INSECURE, "192.0.2.9");
        }
        Set<String> firsts = new HashSet<>();
        Random random = new Random(42);

        for (int i = 0; i < 60; i++) {
            List<String> order = MxHosts.resolve(dns, "example.test", random).hosts().stream().map(MxHost::name)
                    .toList();
            assertThat(order.subList(0, 3)).containsExactlyInAnyOrder("a.example.test", "b.example.test",
                    "c.example.test");
            assertThat(order.get(3)).isEqualTo("z.example.test");
            firsts.add(order.get(0));
        }

        assertThat(firsts).containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
    }

    @Test
    void resolve_noMxRecords_domainItselfIsImplicitMx() throws Exception {
        MapDns dns = new MapDns().mx("nomx.test", SECURE).host("nomx.test", SECURE, "192.0.2.4");

        MxResolution r = MxHosts.resolve(dns, "nomx.test");

        assertThat(r.implicit()).isTrue();
        assertThat(r.hosts()).containsExactly(new MxHost("nomx.test", 0, "nomx.test",
                List.of(InetAddress.getByName("192.0.2.4")), SECURE));
    }

    @Test
    void resolve_noMxAndNoAddress_permanentFailure() {
        MapDns dns = new MapDns().mx("empty.test", INSECURE);
        dns.addresses.put("empty.test", DnsAnswer.of(List.of(), true, INSECURE, "empty.test"));

        assertThatThrownBy(() -> MxHosts.resolve(dns, "empty.test")).isInstanceOf(MxResolutionException.class)
                .hasMessage("recipient domain empty.test (no MX records, so the domain itself) must have an address:"
                        + " empty.test (has no A or AAAA record); the message cannot be delivered")
                .satisfies(e -> assertThat(((MxResolutionException) e).isPermanent()).isTrue());
    }

    @Test
    void resolve_nxdomain_permanentFailure() {
        assertThatThrownBy(() -> MxHosts.resolve(new MapDns(), "missing.test"))
                .isInstanceOf(MxResolutionException.class)
                .hasMessage("recipient domain missing.test must exist: DNS says NXDOMAIN; check the address")
                .satisfies(e -> {
                    MxResolutionException m = (MxResolutionException) e;
                    assertThat(m.reason()).isEqualTo(MxResolutionException.Reason.NO_SUCH_DOMAIN);
                    assertThat(m.isPermanent()).isTrue();
                    assertThat(m.domain()).isEqualTo("missing.test");
                });
    }

    @Test
    void resolve_nullMx_permanentFailureWithoutAddressLookups() {
        MapDns dns = new MapDns().mx("nullmx.test", SECURE, new MxRecord(0, "")).host("nullmx.test", SECURE,
                "192.0.2.5");

        assertThatThrownBy(() -> MxHosts.resolve(dns, "nullmx.test")).isInstanceOf(MxResolutionException.class)
                .hasMessage("recipient domain nullmx.test must accept mail: it publishes a null MX (RFC 7505), it"
                        + " accepts none; the message cannot be delivered")
                .satisfies(e -> assertThat(((MxResolutionException) e).reason())
                        .isEqualTo(MxResolutionException.Reason.NULL_MX));
        assertThat(dns.addressLookups).isEmpty();
    }

    @Test
    void resolve_nullMxBesideRealMx_nullOneIgnored() throws Exception {
        MapDns dns = new MapDns().mx("mixed.test", INSECURE, new MxRecord(0, ""), new MxRecord(10, "mx.mixed.test"))
                .host("mx.mixed.test", INSECURE, "192.0.2.6");

        MxResolution r = MxHosts.resolve(dns, "mixed.test");

        assertThat(r.hosts()).extracting(MxHost::name).containsExactly("mx.mixed.test");
        assertThat(r.skipped()).hasSize(1);
        assertThat(dns.addressLookups).containsExactly("mx.mixed.test");
    }

    @Test
    void resolve_bogusMxAnswer_temporaryFailure() {
        MapDns dns = new MapDns();
        dns.mx.put("bogus.test", DnsAnswer.of(List.of(), true, BOGUS, "bogus.test"));

        assertThatThrownBy(() -> MxHosts.resolve(dns, "bogus.test")).isInstanceOf(MxResolutionException.class)
                .hasMessageStartingWith("MX answer for bogus.test must pass DNSSEC validation: it is bogus")
                .satisfies(e -> {
                    assertThat(((MxResolutionException) e).reason())
                            .isEqualTo(MxResolutionException.Reason.DNSSEC_BOGUS);
                    assertThat(((MxResolutionException) e).isPermanent()).isFalse();
                });
    }

    @Test
    void resolve_mxLookupFails_temporaryFailure() {
        MapDns dns = new MapDns();
        dns.failing.add("slow.test");

        assertThatThrownBy(() -> MxHosts.resolve(dns, "slow.test")).isInstanceOf(MxResolutionException.class)
                .hasMessage("MX lookup for slow.test must get an answer: DNS lookup of slow.test MX must get an"
                        + " answer: timeout; the message stays queued")
                .satisfies(e -> assertThat(((MxResolutionException) e).isPermanent()).isFalse())
                .hasCauseInstanceOf(DnsLookupException.class);
    }

    @Test
    void resolve_hostsWithBogusOrFailedAddresses_skippedAndOthersKept() throws Exception {
        MapDns dns = new MapDns().mx("example.test", SECURE, new MxRecord(10, "bad.example.test"),
                new MxRecord(20, "down.example.test"), new MxRecord(30, "good.example.test"))
                .host("good.example.test", SECURE, "192.0.2.8");
        dns.addresses.put("bad.example.test", DnsAnswer.of(List.of(), true, BOGUS, "bad.example.test"));
        dns.failing.add("down.example.test");

        MxResolution r = MxHosts.resolve(dns, "example.test");

        assertThat(r.hosts()).extracting(MxHost::name).containsExactly("good.example.test");
        assertThat(r.skipped()).hasSize(2);
    }

    @Test
    void resolve_onlyHostIsBogus_temporaryDnssecFailure() {
        MapDns dns = new MapDns().mx("example.test", SECURE, new MxRecord(10, "bad.example.test"));
        dns.addresses.put("bad.example.test", DnsAnswer.of(List.of(), true, BOGUS, "bad.example.test"));

        assertThatThrownBy(() -> MxHosts.resolve(dns, "example.test")).isInstanceOf(MxResolutionException.class)
                .satisfies(e -> assertThat(((MxResolutionException) e).reason())
                        .isEqualTo(MxResolutionException.Reason.DNSSEC_BOGUS));
    }

    @Test
    void resolve_addressLiteralExchange_skippedWithoutLookup() {
        MapDns dns = new MapDns().mx("literal.test", INSECURE, new MxRecord(10, "192.0.2.1"),
                new MxRecord(20, "[192.0.2.2]"));

        assertThatThrownBy(() -> MxHosts.resolve(dns, "literal.test")).isInstanceOf(MxResolutionException.class)
                .hasMessageContaining("192.0.2.1 (an MX exchange must be a host name, not an address literal)")
                .satisfies(e -> assertThat(((MxResolutionException) e).isPermanent()).isTrue());
        assertThat(dns.addressLookups).isEmpty();
    }

    @Test
    void resolve_cnameExchange_keepsMxNameAndCanonicalName() throws Exception {
        MapDns dns = new MapDns().mx("example.test", SECURE, new MxRecord(10, "alias.example.test"));
        dns.addresses.put("alias.example.test", DnsAnswer.of(List.of(InetAddress.getByName("192.0.2.10")), true,
                SECURE, "real.example.test"));

        MxHost host = MxHosts.resolve(dns, "example.test").hosts().get(0);

        assertThat(host.name()).isEqualTo("alias.example.test");
        assertThat(host.canonicalName()).isEqualTo("real.example.test");
    }

    @Test
    void resolve_manyMxRecords_firstTenTriedOnly() throws Exception {
        MxRecord[] records = new MxRecord[14];
        MapDns dns = new MapDns();
        for (int i = 0; i < records.length; i++) {
            records[i] = new MxRecord(i, "mx" + i + ".example.test");
            dns.host("mx" + i + ".example.test", INSECURE, "192.0.2." + (i + 1));
        }
        dns.mx("example.test", INSECURE, records);

        MxResolution r = MxHosts.resolve(dns, "example.test");

        assertThat(r.hosts()).hasSize(MxHosts.MAX_HOSTS);
        assertThat(r.hosts().get(9).name()).isEqualTo("mx9.example.test");
        assertThat(dns.addressLookups).hasSize(MxHosts.MAX_HOSTS);
    }

    @Test
    void resolve_overRealDnsServer_ordersAndResolves() throws Exception {
        try (FakeDnsServer server = new FakeDnsServer()) {
            server.add("example.test. 300 IN MX 20 backup.example.test.")
                    .add("example.test. 300 IN MX 10 primary.example.test.")
                    .add("primary.example.test. 300 IN A 192.0.2.1")
                    .add("backup.example.test. 300 IN AAAA 2001:db8::2");
            DnsjavaDns dns = DnsjavaDns.builder().servers(server.address())
                    .trustAnchors("anchor.invalid. IN DS 12345 13 2 "
                            + "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
                    .build();

            MxResolution r = MxHosts.resolve(dns, "example.test");

            assertThat(r.hosts()).extracting(MxHost::name).containsExactly("primary.example.test",
                    "backup.example.test");
            assertThat(r.mxStatus()).isEqualTo(INSECURE);
        }
    }
}
