package org.securemail.interop.relay;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsEngine;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.relay.DomainDelivery;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.MtaStsPolicyCache;
import org.securemail.relay.MxSecurity;
import org.securemail.relay.RelaySender;
import org.securemail.relay.TlsReport;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.DeliveryOption;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.Timeouts;

/**
 * {@link RelaySender} against real components: NSD serving the zones interop/env/dns.sh signs for this run (validated
 * from their trust anchor), Postfix 3.7 as every MX (listener {@code smtp.mx}, or {@code smtp.mx.weak.nostarttls} for
 * a network attacker who strips STARTTLS), and MTA-STS policies served over HTTPS from this JVM on 127.0.0.1, where the
 * zones point {@code mta-sts.} names. A delivered message is looked for in the Maildir Postfix delivers the test
 * domains into, by its Message-ID and by the queue id of Postfix's 250 reply; a refused one in Postfix's log, which
 * shows whether the session got as far as MAIL.
 *
 * <p>REQUIRETLS is refused by Postfix, which does not offer it: no MX server in Debian 12 does (Postfix 3.7.11 has no
 * REQUIRETLS support, {@code postconf -d} lists no such parameter, postfix.org's REQUIRETLS_README describes support
 * in later versions; the binaries of Exim 4.96 and OpenSMTPD 6.8 do not contain the keyword). That a message is sent
 * with the REQUIRETLS parameter to an MX that offers it is tested with the real DNS and DANE, against the test kit's
 * SMTP server holding the run's certificate ({@code requireTls_daneAndTheMxOffersIt_deliveredWithTheMailParameter}).
 */
class RelayToPostfixTest {
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    /** The policy hosts' CA; Postfix's certificate comes from the per-run CA (ca.file), the relay trusts both. */
    private static final TestPki POLICY_PKI = TestPki.create("Relay interop policy hosts");

    private static RelayEnvironment env;
    private static String secure;
    private static String insecure;
    private static SSLContext policyHostTls;
    private static TlsPolicy policy;
    private static int mxPort;
    private static int strippedPort;

    @BeforeAll
    static void environment() throws Exception {
        env = RelayEnvironment.get();
        secure = env.secureZone();
        insecure = env.insecureZone();
        mxPort = env.port("smtp.mx");
        strippedPort = env.port("smtp.mx.weak.nostarttls");
        policyHostTls = ServerTls.context(POLICY_PKI.leaf().dnsNames("mta-sts.sts." + insecure,
                "mta-sts.sts-unnamed." + insecure).issue());
        policy = TlsPolicy.MODERN.toBuilder().trust(TrustSource.pem(env.caPem() + POLICY_PKI.rootPem())).build();
    }

    private static RelaySender.Builder relay(int smtpPort) throws IOException {
        return RelaySender.builder().dnsServers(env.dnsServer()).dnssecTrustAnchors(env.dnsTrustAnchors())
                .policy(policy).tlsEngine(ENGINE).timeouts(TIMEOUTS).heloName("relay.sender.test")
                .smtpPort(smtpPort);
    }

    private static MimeMessage message(String to) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("notify@sender.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject("relay interop " + UUID.randomUUID());
        m.setText("delivered to the MX by RelaySender\n", "UTF-8");
        return m;
    }

    private static PostfixMxLog mark(int port) throws IOException {
        return PostfixMxLog.mark(env.postfixLog(), port == strippedPort ? "mx-nostarttls" : "mx",
                env.get("host"), port);
    }

    private static String enforce(String mxPattern) {
        return "version: STSv1\r\nmode: enforce\r\nmx: " + mxPattern + "\r\nmax_age: 86400\r\n";
    }

    /**
     * Waits until Postfix has put the message into the relay Maildir and returns the file: it carries the message's
     * Message-ID and, in Postfix's Received header, the queue id of the 250 reply the relay got.
     */
    private static String awaitDelivered(MimeMessage m, DomainDelivery d) throws Exception {
        DeliveryReport report = d.report().orElseThrow();
        String queueId = report.queueId().orElseThrow(() -> new AssertionError("no queue id in Postfix's reply "
                + report.finalReply()));
        String messageId = m.getMessageID();
        Optional<String> file = awaitInMaildir(env.relayMaildir(), messageId, Duration.ofSeconds(30));
        assertThat(file).as("Postfix delivered %s into %s", messageId, env.relayMaildir()).isPresent();
        assertThat(file.get()).contains(" id " + queueId);
        return file.get();
    }

    private static Optional<String> awaitInMaildir(Path maildir, String marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String sub : new String[] {"new", "cur"}) {
                try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String content = Files.readString(f, StandardCharsets.ISO_8859_1);
                        if (content.contains(marker)) {
                            return Optional.of(content);
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    private static String tlsReportJson(RelaySender relay, String domain) {
        TlsReport r = relay.tlsReports().snapshot().stream().filter(t -> t.policyDomain().equals(domain)).findFirst()
                .orElseThrow(() -> new AssertionError("no TLS report for " + domain + ": "
                        + relay.tlsReports().snapshot()));
        return r.toJson("SecureMail interop", "mailto:ops@sender.test", "1");
    }

    // ---- DANE ----

    @Test
    void daneEe_recordMatchesPostfixKey_deliveredUnderDaneIntoTheMaildir() throws Exception {
        MimeMessage m = message("bob@" + secure);
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.DANE);
            assertThat(d.mxHost()).contains("mx." + secure);
            assertThat(d.report().orElseThrow().endpoint().handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(awaitDelivered(m, d)).contains("with ESMTPS id");
            assertThat(log.sessions()).singleElement().satisfies(s -> {
                assertThat(s.sentMail()).isTrue();
                assertThat(s.summary()).contains("starttls=1", "data=1");
            });
            assertThat(tlsReportJson(relay, secure)).contains("\"policy-type\":\"tlsa\"",
                    "\"total-successful-session-count\":1", "\"total-failure-session-count\":0");
        }
    }

    @Test
    void daneEe_recordMatchesNothing_notDeliveredNoMailCommand_tlsaInvalidReported() throws Exception {
        String domain = "mismatch." + secure;
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("mx-mismatch." + secure) && a.contains("DANE failed"));
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(tlsReportJson(relay, domain)).contains("\"policy-type\":\"tlsa\"",
                    "\"result-type\":\"tlsa-invalid\"",
                    "\"receiving-mx-hostname\":\"mx-mismatch." + secure + "\"");
        }
    }

    @Test
    void daneTa_recordNamesTheCaAndCertificateNamesTheMx_deliveredUnderDane() throws Exception {
        MimeMessage m = message("bob@ta." + secure);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.DANE);
            assertThat(d.mxHost()).contains("mx-ta." + secure);
            awaitDelivered(m, d);
        }
    }

    @Test
    void daneTa_certificateDoesNotNameTheMx_notDeliveredNoMailCommand() throws Exception {
        String domain = "ta-unnamed." + secure;
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(tlsReportJson(relay, domain)).contains("\"policy-type\":\"tlsa\"",
                    "\"result-type\":\"certificate-host-mismatch\"");
        }
    }

    // ---- DNSSEC failures ----

    @Test
    void bogusZone_dsNamesAnotherKey_notDeliveredNoConnection() throws Exception {
        String domain = env.bogusZone();
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.failure().orElseThrow().getMessage()).containsIgnoringCase("bogus");
            assertThat(d.attempts()).anyMatch(a -> a.startsWith("MX lookup:"));
            assertThat(log.sessions()).isEmpty();
        }
    }

    @Test
    void tlsaSignatureCorrupted_mxSecure_hostSkippedDnssecInvalidReported() throws Exception {
        String domain = "badsig." + secure;
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("_25._tcp.mx-badsig." + secure)
                    && a.contains("bogus"));
            assertThat(log.sessions()).isEmpty();
            assertThat(tlsReportJson(relay, domain)).contains("\"result-type\":\"dnssec-invalid\"");
        }
    }

    // ---- insecure zone: opportunistic, or MTA-STS ----

    @Test
    void insecureZone_noMtaSts_tlsaIgnored_deliveredOpportunistically() throws Exception {
        MimeMessage m = message("bob@" + insecure);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.report().orElseThrow().isEncrypted()).isTrue();
            assertThat(awaitDelivered(m, d)).contains("with ESMTPS id");
        }
    }

    @Test
    void mtaStsEnforce_mxMatchesPolicy_deliveredUnderEnforce() throws Exception {
        String domain = "sts." + insecure;
        MimeMessage m = message("bob@" + domain);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, enforce("mx." + insecure));
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_ENFORCE);
            assertThat(d.mxHost()).contains("mx." + insecure);
            assertThat(sts.requests()).isEqualTo(1);
            awaitDelivered(m, d);
            assertThat(tlsReportJson(relay, domain)).contains("\"policy-type\":\"sts\"",
                    "\"total-successful-session-count\":1");
        }
    }

    @Test
    void mtaStsEnforce_mxNotInPolicy_notContacted() throws Exception {
        String domain = "sts." + insecure;
        PostfixMxLog log = mark(mxPort);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, enforce("mail.elsewhere.test"));
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("not named by the domain's MTA-STS policy"));
            assertThat(log.sessions()).isEmpty();
        }
    }

    @Test
    void mtaStsEnforce_certificateDoesNotNameTheMx_notDeliveredNoMailCommand() throws Exception {
        String domain = "sts-unnamed." + insecure;
        PostfixMxLog log = mark(mxPort);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, enforce("mx-unnamed." + insecure));
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(tlsReportJson(relay, domain)).contains("\"result-type\":\"certificate-host-mismatch\"");
        }
    }

    @Test
    void mtaStsTesting_certificateDoesNotNameTheMx_deliveredAndReported() throws Exception {
        String domain = "sts-unnamed." + insecure;
        MimeMessage m = message("bob@" + domain);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, "version: STSv1\r\nmode: testing\r\nmx: mx-unnamed."
                + insecure + "\r\nmax_age: 86400\r\n");
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_TESTING);
            assertThat(d.attempts()).anyMatch(a -> a.contains("testing mode"));
            awaitDelivered(m, d);
            assertThat(tlsReportJson(relay, domain)).contains("\"policy-type\":\"sts\"",
                    "\"policy-string\":[\"version: STSv1\",\"mode: testing\"",
                    "\"result-type\":\"certificate-host-mismatch\"",
                    "\"receiving-mx-hostname\":\"mx-unnamed." + insecure + "\"");
        }
    }

    @Test
    void mtaStsPolicyFetchFails_validCachedPolicy_cachedPolicyEnforced() throws Exception {
        String domain = "sts." + insecure;
        MimeMessage m = message("bob@" + domain);
        MtaStsPolicyCache cache = MtaStsPolicyCache.inMemory();
        // Another id than the TXT record's: the relay must fetch again, and keeps the cached policy when that fails.
        cache.put(domain, new MtaStsCacheEntry("cachedearlier", MtaStsPolicy.parse(enforce("mx." + insecure)),
                Instant.now().minus(Duration.ofHours(1))));
        try (PolicyServer sts = PolicyServer.failing(policyHostTls, 500);
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).mtaStsCache(cache).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.MTA_STS_ENFORCE);
            assertThat(sts.requests()).isEqualTo(1);
            assertThat(d.attempts()).anyMatch(a -> a.startsWith("MTA-STS:") && a.contains("500"));
            awaitDelivered(m, d);
            assertThat(tlsReportJson(relay, domain)).contains("\"result-type\":\"sts-policy-fetch-error\"");
        }
    }

    @Test
    void mtaStsPolicyFetchFails_cachedPolicyNamesAnotherMx_notContacted() throws Exception {
        String domain = "sts." + insecure;
        MtaStsPolicyCache cache = MtaStsPolicyCache.inMemory();
        cache.put(domain, new MtaStsCacheEntry("cachedearlier", MtaStsPolicy.parse(enforce("mail.elsewhere.test")),
                Instant.now().minus(Duration.ofHours(1))));
        PostfixMxLog log = mark(mxPort);
        try (PolicyServer sts = PolicyServer.failing(policyHostTls, 500);
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).mtaStsCache(cache).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(sts.requests()).isEqualTo(1);
            assertThat(log.sessions()).isEmpty();
        }
    }

    @Test
    void mtaStsPolicyFetchFails_nothingCached_deliveredOpportunisticallyAndReported() throws Exception {
        String domain = "sts." + insecure;
        MimeMessage m = message("bob@" + domain);
        try (PolicyServer sts = PolicyServer.failing(policyHostTls, 500);
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            awaitDelivered(m, d);
            assertThat(tlsReportJson(relay, domain)).contains("\"result-type\":\"sts-policy-fetch-error\"");
        }
    }

    // ---- STARTTLS stripped (Postfix's listener without STARTTLS) ----

    @Test
    void starttlsStripped_dane_notDeliveredNoMailCommand_starttlsNotSupportedReported() throws Exception {
        PostfixMxLog log = mark(strippedPort);
        try (RelaySender relay = relay(strippedPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + secure)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(tlsReportJson(relay, secure)).contains("\"policy-type\":\"tlsa\"",
                    "\"result-type\":\"starttls-not-supported\"");
        }
    }

    @Test
    void starttlsStripped_mtaStsEnforce_notDeliveredNoMailCommand() throws Exception {
        String domain = "sts." + insecure;
        PostfixMxLog log = mark(strippedPort);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, enforce("mx." + insecure));
             RelaySender relay = relay(strippedPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain)).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_TEMPORARILY);
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(tlsReportJson(relay, domain)).contains("\"policy-type\":\"sts\"",
                    "\"result-type\":\"starttls-not-supported\"");
        }
    }

    @Test
    void starttlsStripped_noPolicy_deliveredInCleartext() throws Exception {
        MimeMessage m = message("bob@" + insecure);
        PostfixMxLog log = mark(strippedPort);
        try (RelaySender relay = relay(strippedPort).build()) {
            DomainDelivery d = relay.send(m).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.OPPORTUNISTIC);
            assertThat(d.report().orElseThrow().isEncrypted()).isFalse();
            String delivered = awaitDelivered(m, d);
            assertThat(delivered).contains("with ESMTP id").doesNotContain("with ESMTPS id");
            assertThat(log.sessions()).singleElement().satisfies(s -> {
                assertThat(s.sentMail()).isTrue();
                assertThat(s.summary()).doesNotContain("starttls");
            });
        }
    }

    // ---- REQUIRETLS ----

    /**
     * The run's server certificate and key (interop/env/start.sh), as a server-side SSLContext for this JVM's SMTP
     * server: the zone's DANE-EE record names this key.
     */
    private static SSLContext runCertificateContext() throws Exception {
        Path certificate = Path.of(env.get("certificate.file"));
        String keyPem = Files.readString(certificate.resolveSibling("server.key"));
        byte[] der = java.util.Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
        java.security.cert.Certificate leaf;
        try (java.io.InputStream in = Files.newInputStream(certificate)) {
            leaf = cf.generateCertificate(in);
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], new java.security.cert.Certificate[] {leaf});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * REQUIRETLS honoured, with the real DNS: NSD's signed zone sends {@code requiretls.<secure zone>} to an MX on
     * 127.0.0.1 whose DANE-EE record names the run's certificate; no Debian 12 MTA offers REQUIRETLS, so the MX there
     * is the test kit's SMTP server offering it, with that certificate.
     */
    @Test
    void requireTls_daneAndTheMxOffersIt_deliveredWithTheMailParameter() throws Exception {
        String domain = "requiretls." + secure;
        try (org.securemail.testing.HostileSmtpServer mx = org.securemail.testing.HostileSmtpServer
                .builder(runCertificateContext()).extensions("REQUIRETLS").start();
             RelaySender relay = relay(mx.port()).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain), DeliveryOption.REQUIRE_TLS).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.DELIVERED);
            assertThat(d.security()).contains(MxSecurity.DANE);
            assertThat(d.mxHost()).contains("mx-local." + secure);
            assertThat(mx.tlsLines()).anyMatch(l -> l.startsWith("MAIL FROM:<notify@sender.test>")
                    && l.endsWith(" REQUIRETLS"));
            assertThat(mx.messages()).hasSize(1);
        }
    }

    @Test
    void requireTls_daneButPostfixDoesNotOfferIt_refusedPermanentlyBeforeMail() throws Exception {
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + secure), DeliveryOption.REQUIRE_TLS).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("REQUIRETLS"));
            List<PostfixMxLog.Session> sessions = log.sessions();
            assertThat(sessions).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
            assertThat(sessions.get(0).summary()).contains("starttls=1");
        }
    }

    @Test
    void requireTls_mtaStsEnforceButPostfixDoesNotOfferIt_refusedPermanentlyBeforeMail() throws Exception {
        String domain = "sts." + insecure;
        PostfixMxLog log = mark(mxPort);
        try (PolicyServer sts = PolicyServer.policy(policyHostTls, enforce("mx." + insecure));
             RelaySender relay = relay(mxPort).mtaStsPort(sts.port()).build()) {
            DomainDelivery d = relay.send(message("bob@" + domain), DeliveryOption.REQUIRE_TLS).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(log.sessions()).hasSize(1).noneMatch(PostfixMxLog.Session::sentMail);
        }
    }

    @Test
    void requireTls_insecureZoneWithoutPolicy_refusedPermanentlyNoConnection() throws Exception {
        PostfixMxLog log = mark(mxPort);
        try (RelaySender relay = relay(mxPort).build()) {
            DomainDelivery d = relay.send(message("bob@" + insecure), DeliveryOption.REQUIRE_TLS).domains().get(0);

            assertThat(d.status()).as("%s", d).isEqualTo(DomainDelivery.Status.FAILED_PERMANENTLY);
            assertThat(d.attempts()).anyMatch(a -> a.contains("REQUIRETLS"));
            assertThat(log.sessions()).isEmpty();
        }
    }
}
