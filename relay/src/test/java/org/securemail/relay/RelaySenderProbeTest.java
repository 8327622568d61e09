package org.securemail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsaRecord;
import org.securemail.policy.TrustSource;
import org.securemail.relay.internal.DnsAnswer;
import org.securemail.relay.internal.HttpsTestServer;
import org.securemail.relay.internal.MxRecord;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.Timeouts;

/**
 * {@link RelaySender#probe(String)}: the same MX, MTA-STS and per-host policy decisions as a delivery, a connection
 * under each that ends with QUIT after EHLO, and never a MAIL command.
 */
class RelaySenderProbeTest {
    private static final TestPki PKI = TestPki.create("Probe");
    private static final TestPki OTHER_CA = TestPki.create("Somebody else");
    private static final TestPki.Issued MX1 = PKI.leaf().dnsNames("mx1.example.test").issue();
    private static final TestPki.Issued MX1_BY_OTHER = OTHER_CA.leaf().dnsNames("mx1.example.test").issue();
    private static final TestPki.Issued WRONG_NAME = PKI.leaf().dnsNames("elsewhere.test").issue();
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts FAST = Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final DnsAnswer.Status SECURE = DnsAnswer.Status.SECURE;
    private static final DnsAnswer.Status INSECURE = DnsAnswer.Status.INSECURE;
    private static final DnsAnswer.Status BOGUS = DnsAnswer.Status.BOGUS;

    private static TlsaRecord daneEe(TestPki.Issued issued) throws Exception {
        byte[] spki = issued.certificate().getPublicKey().getEncoded();
        return TlsaRecord.of(3, 1, 1, MessageDigest.getInstance("SHA-256").digest(spki));
    }

    private static RelaySender relay(MapDns dns, int smtpPort, int stsPort) {
        return RelaySender.builder().dns(dns).smtpPort(smtpPort).mtaStsPort(stsPort).tlsEngine(ENGINE)
                .timeouts(FAST).heloName("relay.sender.test")
                .policy(TlsPolicy.builder().trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).build())
                .build();
    }

    private static RelaySender relay(MapDns dns, int smtpPort) {
        return relay(dns, smtpPort, 443);
    }

    private static MapDns oneMx(DnsAnswer.Status status) {
        return new MapDns().mx("example.test", status, new MxRecord(10, "mx1.example.test"))
                .host("mx1.example.test", status, LOOPBACK);
    }

    private static HttpsTestServer policyHost(String policy) throws Exception {
        TestPki.Issued cert = PKI.leaf().dnsNames("mta-sts.example.test").issue();
        return HttpsTestServer.start(ServerTls.context(cert), HttpsTestServer.fixed("HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/plain\r\nContent-Length: " + policy.length() + "\r\nConnection: close\r\n\r\n",
                policy));
    }

    private static MapDns withSts(MapDns dns) {
        return dns.txt("_mta-sts.example.test", "v=STSv1; id=20261202T000000;")
                .host("mta-sts.example.test", INSECURE, LOOPBACK);
    }

    /** Nothing of a mail transaction reached the server, in cleartext or inside TLS. */
    private static void assertNoTransaction(HostileSmtpServer s) {
        assertThat(s.cleartextLines()).noneMatch(RelaySenderProbeTest::transaction);
        assertThat(s.tlsLines()).noneMatch(RelaySenderProbeTest::transaction);
    }

    private static boolean transaction(String line) {
        return line.startsWith("MAIL") || line.startsWith("RCPT") || line.startsWith("DATA")
                || line.startsWith("AUTH");
    }

    private static void awaitQuit(HostileSmtpServer s) throws InterruptedException {
        assertThat(s.awaitLine(l -> "QUIT".equals(l.verb()), Duration.ofSeconds(10))).isTrue();
    }

    // ---- opportunistic ----

    @Test
    void probe_noPolicy_connectsOpportunisticallyQuitsAndSendsNoMail() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1_BY_OTHER)).start();
             RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            DomainProbe probe = relay.probe("Example.TEST.");

            assertThat(probe.domain()).isEqualTo("example.test");
            assertThat(probe.mxStatus()).contains(DnssecStatus.INSECURE);
            assertThat(probe.stsSource()).isEqualTo(DomainProbe.StsSource.NONE);
            assertThat(probe.stsPolicy()).isEmpty();
            MxProbe host = probe.hosts().get(0);
            assertThat(host.name()).isEqualTo("mx1.example.test");
            assertThat(host.preference()).isEqualTo(10);
            assertThat(host.addresses()).containsExactly(LOOPBACK);
            assertThat(host.addressStatus()).isEqualTo(DnssecStatus.INSECURE);
            assertThat(host.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(host.mode()).contains(SecurityMode.STARTTLS_OPPORTUNISTIC);
            MxProbe.Connection c = host.connections().get(0);
            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.CONNECTED);
            assertThat(c.handshake()).hasValueSatisfying(h -> assertThat(h.isAuthenticated()).isFalse());
            assertThat(c.certificateSubject()).contains(MX1_BY_OTHER.certificate().getSubjectX500Principal().getName());
            assertThat(probe.deliverableHost()).containsSame(host);
            awaitQuit(server);
            assertThat(server.cleartextLines()).contains("STARTTLS");
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("EHLO relay.sender.test"));
            assertNoTransaction(server);
            assertThat(relay.tlsReports().snapshot()).isEmpty();
        }
    }

    @Test
    void probe_noPolicy_starttlsStripped_connectsInCleartextAndSaysSo() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).offerStartTls(false).start();
             RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            MxProbe.Connection c = relay.probe("example.test").hosts().get(0).connections().get(0);

            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.CONNECTED);
            assertThat(c.handshake()).isEmpty();
            assertThat(c.ehloKeywords()).noneMatch(k -> k.startsWith("STARTTLS"));
            assertThat(c.toString()).contains("cleartext (no STARTTLS offered)");
            awaitQuit(server);
            assertNoTransaction(server);
        }
    }

    // ---- DANE ----

    @Test
    void probe_daneMatches_authenticatedAndTheTlsaRecordsListed() throws Exception {
        TlsaRecord record = daneEe(MX1);
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, record);
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).extensions("REQUIRETLS")
                .start(); RelaySender relay = relay(dns, server.port())) {
            DomainProbe probe = relay.probe("example.test");

            MxProbe host = probe.hosts().get(0);
            assertThat(host.security()).contains(MxSecurity.DANE);
            assertThat(host.mode()).contains(SecurityMode.STARTTLS_REQUIRED);
            assertThat(host.tlsaName()).contains("_25._tcp.mx1.example.test");
            assertThat(host.tlsaRecords()).containsExactly(record);
            MxProbe.Connection c = host.connections().get(0);
            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.CONNECTED);
            assertThat(c.handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(c.offersRequireTls()).isTrue();
            assertThat(probe.toString()).contains("policy  DANE (STARTTLS_REQUIRED), TLSA at _25._tcp.mx1.example.test: "
                    + record, "a delivery would go to mx1.example.test under DANE");
            awaitQuit(server);
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_daneMismatch_refusedWithReasonAndTheCertificateSeen() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(WRONG_NAME));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainProbe probe = relay.probe("example.test");

            MxProbe.Connection c = probe.hosts().get(0).connections().get(0);
            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.REFUSED);
            assertThat(c.refusal().map(MailSecurityException::reason)).contains(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(c.failure().orElseThrow().getMessage()).contains("TLSA");
            assertThat(c.certificateSubject()).contains(MX1.certificate().getSubjectX500Principal().getName());
            assertThat(probe.deliverableHost()).isEmpty();
            assertThat(probe.toString()).contains("REFUSED (TLS_REFUSED)", "no MX host would take a message now");
            assertNoTransaction(server);
            assertThat(relay.tlsReports().snapshot()).isEmpty();
        }
    }

    @Test
    void probe_daneStarttlsStripped_refusedStarttlsNotOffered() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).offerStartTls(false).start();
             RelaySender relay = relay(dns, server.port())) {
            MxProbe.Connection c = relay.probe("example.test").hosts().get(0).connections().get(0);

            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.REFUSED);
            assertThat(c.refusal().orElseThrow().reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(c.ehloKeywords()).isNotEmpty().noneMatch(k -> k.startsWith("STARTTLS"));
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_bogusTlsa_hostSkippedNotContacted_nothingReported() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", BOGUS, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            MxProbe host = relay.probe("example.test").hosts().get(0);

            assertThat(host.security()).isEmpty();
            assertThat(host.mode()).isEmpty();
            assertThat(host.skipReason()).hasValueSatisfying(r -> assertThat(r).contains("bogus"));
            assertThat(host.connections()).isEmpty();
            assertThat(host.passes()).isFalse();
            assertThat(host.toString()).contains("policy  skipped: TLSA records at _25._tcp.mx1.example.test fail");
            assertThat(server.connections()).isZero();
            assertThat(relay.tlsReports().snapshot()).isEmpty();
        }
    }

    @Test
    void probe_unusableTlsaOnly_opportunisticWithANote() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE,
                TlsaRecord.of(1, 1, 1, new byte[32]));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            MxProbe host = relay.probe("example.test").hosts().get(0);

            assertThat(host.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(host.notes()).singleElement().satisfies(n -> assertThat(n).startsWith("tlsa-invalid"));
            awaitQuit(server);
            assertNoTransaction(server);
        }
    }

    // ---- MTA-STS ----

    @Test
    void probe_mtaStsEnforce_policyFetchedThenCached_hostUnderEnforce() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainProbe first = relay.probe("example.test");
            DomainProbe second = relay.probe("example.test");

            assertThat(first.stsSource()).isEqualTo(DomainProbe.StsSource.FETCHED);
            assertThat(second.stsSource()).isEqualTo(DomainProbe.StsSource.CACHED);
            MtaStsPolicy policy = first.stsPolicy().orElseThrow();
            assertThat(policy.mode()).isEqualTo(MtaStsMode.ENFORCE);
            assertThat(policy.mxPatterns()).containsExactly("*.example.test");
            MxProbe host = first.hosts().get(0);
            assertThat(host.security()).contains(MxSecurity.MTA_STS_ENFORCE);
            assertThat(host.connections().get(0).handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(first.toString()).contains("MTA-STS  fetched, mode enforce, mx *.example.test, max_age 86400 s",
                    "under MTA-STS enforce");
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_mtaStsEnforce_mxNotInPolicy_skippedNotContacted() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            MxProbe host = relay.probe("example.test").hosts().get(0);

            assertThat(host.skipReason()).hasValueSatisfying(r -> assertThat(r)
                    .contains("not named by the domain's MTA-STS policy"));
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void probe_mtaStsEnforce_certificateFromAnotherCa_refused() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1_BY_OTHER)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            MxProbe.Connection c = relay.probe("example.test").hosts().get(0).connections().get(0);

            assertThat(c.outcome()).isEqualTo(MxProbe.Outcome.REFUSED);
            assertThat(c.refusal().orElseThrow().tlsRefusal()).isPresent();
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_mtaStsTesting_certificateForAnotherName_refusedWithTheTestingNote() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: testing\r\nmx: mx1.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(WRONG_NAME)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            MxProbe host = relay.probe("example.test").hosts().get(0);

            assertThat(host.security()).contains(MxSecurity.MTA_STS_TESTING);
            assertThat(host.connections().get(0).outcome()).isEqualTo(MxProbe.Outcome.REFUSED);
            assertThat(host.notes()).anyMatch(n -> n.contains("testing mode"));
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_mtaStsFetchFails_sourceFetchFailedWithTheReason() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), server.port())) {
            DomainProbe probe = relay.probe("example.test");

            assertThat(probe.stsSource()).isEqualTo(DomainProbe.StsSource.FETCH_FAILED);
            assertThat(probe.stsFailures()).isNotEmpty();
            assertThat(probe.hosts().get(0).security()).contains(MxSecurity.OPPORTUNISTIC);
            assertNoTransaction(server);
        }
    }

    // ---- MX ----

    @Test
    void probe_nullMx_permanentMxFailureAndNoHost() {
        try (RelaySender relay = relay(new MapDns().mx("example.test", INSECURE, new MxRecord(0, "")), 25)) {
            DomainProbe probe = relay.probe("example.test");

            assertThat(probe.mxFailure()).hasValueSatisfying(f -> assertThat(f).contains("null MX"));
            assertThat(probe.mxFailurePermanent()).isTrue();
            assertThat(probe.hosts()).isEmpty();
            assertThat(probe.mxStatus()).isEmpty();
            assertThat(probe.toString()).startsWith("example.test: MX lookup failed (permanently)");
        }
    }

    @Test
    void probe_firstMxUnreachable_failedConnectionThenSecondConnected() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(new MapDns().mx("example.test", INSECURE, new MxRecord(10, "down.example.test"),
                     new MxRecord(20, "mx1.example.test")).host("down.example.test", INSECURE,
                     InetAddress.getByName("127.0.0.3")).host("mx1.example.test", INSECURE, LOOPBACK),
                     server.port())) {
            DomainProbe probe = relay.probe("example.test");

            assertThat(probe.hosts()).extracting(MxProbe::name).containsExactly("down.example.test",
                    "mx1.example.test");
            assertThat(probe.hosts().get(0).connections().get(0).outcome()).isEqualTo(MxProbe.Outcome.FAILED);
            assertThat(probe.deliverableHost().map(MxProbe::name)).contains("mx1.example.test");
            assertNoTransaction(server);
        }
    }

    @Test
    void probe_invalidDomain_throws() {
        try (RelaySender relay = relay(new MapDns(), 25)) {
            assertThatThrownBy(() -> relay.probe(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("domain");
            assertThatThrownBy(() -> relay.probe("[192.0.2.1]")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a host name");
            assertThatThrownBy(() -> relay.probe("bad domain.test")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a valid host name");
        }
    }

    @Test
    void stsSource_everyResolutionSource_hasItsPublicCounterpart() {
        assertThat(DomainProbe.StsSource.values()).extracting(Enum::name).containsExactly(
                java.util.Arrays.stream(org.securemail.relay.internal.MtaStsResolution.Source.values())
                        .map(Enum::name).toArray(String[]::new));
        assertThat(DnssecStatus.values()).extracting(Enum::name).containsExactly(
                java.util.Arrays.stream(DnsAnswer.Status.values()).map(Enum::name).toArray(String[]::new));
    }

    @Test
    void ehloKeywords_multilineReply_keywordsWithParametersWithoutTheGreetingLine() {
        assertThat(MxDelivery.ehloKeywords("250-mx.example.test hello\r\n250-SIZE 1000\r\n250-PIPELINING\r\n"
                + "250 REQUIRETLS")).containsExactly("SIZE 1000", "PIPELINING", "REQUIRETLS");
        assertThat(MxDelivery.ehloKeywords(null)).isEmpty();
    }
}
