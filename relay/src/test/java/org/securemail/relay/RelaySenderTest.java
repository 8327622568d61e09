package org.securemail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsEngine;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsaRecord;
import org.securemail.policy.TrustSource;
import org.securemail.relay.internal.DnsAnswer;
import org.securemail.relay.internal.HttpsTestServer;
import org.securemail.relay.internal.MxRecord;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.DeliveryOption;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.Timeouts;

/**
 * The relay's decisions, against SMTP servers on loopback and a DNS of fixed answers: which MX, under which policy,
 * what is refused, what is reported. The same cases against a real signed DNS server and Postfix are interop tests.
 */
class RelaySenderTest {
    private static final TestPki PKI = TestPki.create("Relay");
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

    private static RelaySender relay(MapDns dns, int smtpPort) {
        return relay(dns, smtpPort, 443);
    }

    private static RelaySender relay(MapDns dns, int smtpPort, int stsPort) {
        return RelaySender.builder().dns(dns).smtpPort(smtpPort).mtaStsPort(stsPort).tlsEngine(ENGINE)
                .timeouts(FAST).heloName("relay.sender.test")
                .policy(TlsPolicy.builder().trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).build())
                .build();
    }

    private static MimeMessage message(String... to) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("notify@sender.test"));
        for (String t : to) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
        }
        m.setSubject("relay");
        m.setText("hello\n");
        return m;
    }

    /** example.test: one MX at loopback, with the given DNSSEC statuses. */
    private static MapDns oneMx(DnsAnswer.Status status) {
        return new MapDns().mx("example.test", status, new MxRecord(10, "mx1.example.test"))
                .host("mx1.example.test", status, LOOPBACK);
    }

    private static boolean mailSent(HostileSmtpServer s) {
        return s.tlsLines().stream().anyMatch(l -> l.startsWith("MAIL"))
                || s.cleartextLines().stream().anyMatch(l -> l.startsWith("MAIL"));
    }

    // ---- no policy: opportunistic ----

    @Test
    void noPolicy_certificateFromAnyone_deliveredOpportunistically() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1_BY_OTHER)).start();
             RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            RelayReport report = relay.send(message("bob@example.test"));
            DomainDelivery d = report.domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.mxHost()).contains("mx1.example.test");
            assertThat(d.report().orElseThrow().isEncrypted()).isTrue();
            assertThat(server.tlsLines()).noneMatch(l -> l.startsWith("AUTH"));
            assertThat(relay.tlsReports().snapshot()).singleElement().satisfies(r -> {
                assertThat(r.policyDomain()).isEqualTo("example.test");
                assertThat(r.policies().get(0).successfulSessionCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void noPolicy_starttlsStripped_deliveredInCleartext() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).offerStartTls(false).start();
             RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.report().orElseThrow().isEncrypted()).isFalse();
        }
    }

    // ---- DANE ----

    @Test
    void dane_eeRecordMatches_deliveredUnderDane_evenForACertificateOfAnotherNameAndCa() throws Exception {
        TestPki.Issued selfIssued = OTHER_CA.leaf().dnsNames("unrelated.test").issue();
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(selfIssued));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(selfIssued)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.DANE);
            assertThat(d.report().orElseThrow().endpoint().handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(d.toString()).contains("delivered to mx1.example.test [" + LOOPBACK.getHostAddress()
                    + "] under DANE");
        }
    }

    @Test
    void dane_recordDoesNotMatch_notDelivered_reportedAsValidationFailure() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(WRONG_NAME));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("DANE failed") && a.contains("TLSA"));
            assertThat(mailSent(server)).isFalse();
            TlsReport r = relay.tlsReports().snapshot().get(0);
            assertThat(r.toJson("org", "ops@sender.test", "1")).contains("\"policy-type\":\"tlsa\"",
                    "\"result-type\":\"tlsa-invalid\"", "\"receiving-mx-hostname\":\"mx1.example.test\"");
        }
    }

    @Test
    void dane_starttlsStripped_notDelivered_starttlsNotSupportedReported() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).offerStartTls(false).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(mailSent(server)).isFalse();
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"result-type\":\"starttls-not-supported\"");
        }
    }

    @Test
    void dane_bogusTlsa_hostSkipped_dnssecInvalidReported() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", BOGUS, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("bogus"));
            assertThat(server.connections()).isZero();
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"result-type\":\"dnssec-invalid\"");
        }
    }

    @Test
    void dane_insecureZone_tlsaIgnored_opportunistic() throws Exception {
        MapDns dns = oneMx(INSECURE).tlsa("_25._tcp.mx1.example.test", INSECURE, daneEe(WRONG_NAME));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
        }
    }

    // ---- MTA-STS ----

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

    @Test
    void mtaStsEnforce_matchingMxValidCertificate_deliveredUnderEnforce() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_ENFORCE);
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"policy-type\":\"sts\"", "\"total-successful-session-count\":1");
        }
    }

    @Test
    void mtaStsEnforce_certificateFromAnotherCa_notDelivered() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1_BY_OTHER)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(mailSent(server)).isFalse();
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"result-type\":\"certificate-not-trusted\"");
        }
    }

    @Test
    void mtaStsEnforce_mxNotInPolicy_notContacted() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("not named by the domain's MTA-STS policy"));
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void mtaStsTesting_certificateForAnotherName_deliveredAndReported() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: testing\r\nmx: mx1.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(WRONG_NAME)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_TESTING);
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"result-type\":\"certificate-host-mismatch\"");
        }
    }

    @Test
    void mtaStsEnforce_starttlsStripped_notDelivered() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).offerStartTls(false)
                     .start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(mailSent(server)).isFalse();
        }
    }

    // ---- REQUIRETLS and TLS-Required: No ----

    @Test
    void requireTls_noPolicy_refusedPermanentlyNothingSent() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).extensions("REQUIRETLS")
                .start(); RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test"), DeliveryOption.REQUIRE_TLS).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("REQUIRETLS"));
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void requireTls_daneAndOffered_sentWithTheParameter() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).extensions("REQUIRETLS")
                .start(); RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test"), DeliveryOption.REQUIRE_TLS).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("MAIL FROM") && l.endsWith(" REQUIRETLS"));
        }
    }

    @Test
    void requireTls_daneButNotOffered_refusedPermanently() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test"), DeliveryOption.REQUIRE_TLS).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(mailSent(server)).isFalse();
        }
    }

    @Test
    void tlsRequiredNo_daneMismatch_deliveredOpportunisticallyAndReported() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", SECURE, daneEe(WRONG_NAME));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            MimeMessage m = message("bob@example.test");
            m.setHeader("TLS-Required", "No");
            DomainDelivery d = relay.send(m).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.attempts()).anyMatch(a -> a.contains("TLS-Required: No"));
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"total-failure-session-count\":1");
        }
    }

    @Test
    void tlsRequiredNo_bogusTlsa_deliveredOpportunisticallyAndReportedOnce() throws Exception {
        MapDns dns = oneMx(SECURE).tlsa("_25._tcp.mx1.example.test", BOGUS, daneEe(MX1));
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(dns, server.port())) {
            MimeMessage m = message("bob@example.test");
            m.setHeader("TLS-Required", "No");
            DomainDelivery d = relay.send(m).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.attempts()).anyMatch(a -> a.contains("bogus") && a.contains("TLS-Required: No"));
            String json = relay.tlsReports().snapshot().get(0).toJson("o", "c", "1");
            assertThat(json).contains("\"result-type\":\"dnssec-invalid\"", "\"total-failure-session-count\":1",
                    "\"total-successful-session-count\":0");
        }
    }

    @Test
    void tlsRequiredNo_mxNotInEnforcePolicy_deliveredOpportunistically() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            MimeMessage m = message("bob@example.test");
            m.setHeader("TLS-Required", "No");
            DomainDelivery d = relay.send(m).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
        }
    }

    @Test
    void mtaStsTesting_mxNotInPolicy_deliveredAndCountedOnceAsAFailure() throws Exception {
        try (HttpsTestServer sts = policyHost("version: STSv1\r\nmode: testing\r\nmx: mail.example.test\r\n"
                + "max_age: 86400\r\n");
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(withSts(oneMx(INSECURE)), server.port(), sts.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_TESTING);
            String json = relay.tlsReports().snapshot().get(0).toJson("o", "c", "1");
            assertThat(json).contains("\"total-successful-session-count\":0", "\"total-failure-session-count\":1");
        }
    }

    @Test
    void smtpRejection_afterGoodTls_countedAsASuccessfulTlsSession() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1))
                .rcptReply(r -> "550 5.1.1 no such user").start();
             RelaySender relay = relay(oneMx(INSECURE), server.port())) {
            relay.send(message("bob@example.test"));
            assertThat(relay.tlsReports().snapshot().get(0).toJson("o", "c", "1"))
                    .contains("\"total-successful-session-count\":1");
        }
    }

    @Test
    void twoDomains_sameMessageId() throws Exception {
        TestPki.Issued both = PKI.leaf().dnsNames("mx1.example.test", "mx.other.test").issue();
        MapDns dns = oneMx(INSECURE).mx("other.test", INSECURE, new MxRecord(5, "mx.other.test"))
                .host("mx.other.test", INSECURE, LOOPBACK);
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(both)).start();
             RelaySender relay = relay(dns, server.port())) {
            MimeMessage m = message("a@example.test", "b@other.test");
            relay.send(m);
            String id = m.getMessageID();
            assertThat(server.messages()).hasSize(2).allSatisfy(text -> assertThat(text).contains(id));
        }
    }

    @Test
    void requireTls_firstHostTemporarilySkipped_secondPermanently_failsTemporarily() throws Exception {
        MapDns dns = new MapDns().mx("example.test", SECURE, new MxRecord(10, "mx1.example.test"),
                new MxRecord(20, "mx2.example.test")).host("mx1.example.test", SECURE, LOOPBACK)
                .host("mx2.example.test", INSECURE, LOOPBACK)
                .tlsa("_25._tcp.mx1.example.test", BOGUS, daneEe(MX1));
        try (RelaySender relay = relay(dns, 25)) {
            DomainDelivery d = relay.send(message("bob@example.test"), DeliveryOption.REQUIRE_TLS).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
        }
    }

    @Test
    void idnDeviationCharacter_refusedWithTheALabelAdvice() throws Exception {
        try (RelaySender relay = relay(new MapDns(), 25)) {
            MimeMessage m = message("bob@example.test");
            m.addRecipient(Message.RecipientType.TO, new InternetAddress("hans@stra\u00dfe.test", false));
            assertThatThrownBy(() -> relay.send(m)).isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("A-label");
        }
    }

    @Test
    void candidates_firstIpv6AndFirstIpv4() throws Exception {
        InetAddress v6a = InetAddress.getByName("::1");
        InetAddress v6b = InetAddress.getByName("fe80::1");
        InetAddress v4 = InetAddress.getByName("127.0.0.9");
        assertThat(MxDelivery.candidates(List.of(v6a, v6b, v4))).containsExactly(v6a, v4);
        assertThat(MxDelivery.candidates(List.of(v4))).containsExactly(v4);
    }

    // ---- MX selection and grouping ----

    @Test
    void nullMx_failsPermanently() throws Exception {
        MapDns dns = new MapDns().mx("example.test", INSECURE, new MxRecord(0, ""));
        try (RelaySender relay = relay(dns, 25)) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(d.failure().orElseThrow().getMessage()).contains("null MX");
        }
    }

    @Test
    void firstMxUnreachable_secondTakesIt() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1)).start();
             RelaySender relay = relay(new MapDns().mx("example.test", INSECURE, new MxRecord(10, "down.example.test"),
                     new MxRecord(20, "mx1.example.test")).host("down.example.test", INSECURE,
                     InetAddress.getByName("127.0.0.3")).host("mx1.example.test", INSECURE, LOOPBACK),
                     server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.mxHost()).contains("mx1.example.test");
            assertThat(d.attempts().get(0)).startsWith("down.example.test [127.0.0.3]");
        }
    }

    @Test
    void rejectedByFirstMx_permanent_secondNotTried() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX1))
                .rcptReply(r -> "550 5.1.1 no such user").start();
             RelaySender relay = relay(new MapDns().mx("example.test", INSECURE, new MxRecord(10, "mx1.example.test"),
                     new MxRecord(20, "mx2.example.test")).host("mx1.example.test", INSECURE, LOOPBACK)
                     .host("mx2.example.test", INSECURE, LOOPBACK), server.port())) {
            DomainDelivery d = relay.send(message("bob@example.test")).domains().get(0);
            assertThat(d.status()).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void recipientsOfTwoDomains_eachDomainGetsItsOwnShare() throws Exception {
        TestPki.Issued both = PKI.leaf().dnsNames("mx1.example.test", "mx.other.test").issue();
        MapDns dns = oneMx(INSECURE).mx("other.test", INSECURE, new MxRecord(5, "mx.other.test"))
                .host("mx.other.test", INSECURE, LOOPBACK);
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(both)).start();
             RelaySender relay = relay(dns, server.port())) {
            RelayReport report = relay.send(message("a@example.test", "b@OTHER.test", "c@example.test"));
            assertThat(report.allDelivered()).isTrue();
            assertThat(report.domains()).extracting(DomainDelivery::domain).containsExactly("example.test",
                    "other.test");
            assertThat(report.domains().get(0).recipients()).extracting(InternetAddress::getAddress)
                    .containsExactly("a@example.test", "c@example.test");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("RCPT")).containsExactly(
                    "RCPT TO:<a@example.test>", "RCPT TO:<c@example.test>", "RCPT TO:<b@OTHER.test>");
            assertThat(server.messages()).hasSize(2);
        }
    }

    @Test
    void recipientWithoutDomain_refusedBeforeAnything() throws Exception {
        try (RelaySender relay = relay(new MapDns(), 25)) {
            MimeMessage m = message("bob@example.test");
            m.addRecipient(Message.RecipientType.CC, new InternetAddress("local-only"));
            assertThatThrownBy(() -> relay.send(m)).isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("has no domain");
        }
    }
}
