package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/**
 * {@code securemail relay} and {@code securemail probe --mx}, in-process, against a DNS server, an MTA-STS policy
 * host and an MX on loopback.
 */
class RelayCommandTest {
    private static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n";
    private static TestPki pki;
    private static TestPki otherCa;
    private static TestPki.Issued mx1;
    private static TestPki.Issued mx1ByOther;
    private static TestPki.Issued policyHostCert;

    @TempDir
    Path dir;

    private FakeDns dns;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("CLI relay");
        otherCa = TestPki.create("Somebody else");
        mx1 = pki.leaf().dnsNames("mx1.example.test").issue();
        mx1ByOther = otherCa.leaf().dnsNames("mx1.example.test").issue();
        policyHostCert = pki.leaf().dnsNames("mta-sts.example.test").issue();
    }

    @BeforeEach
    void startDns() throws Exception {
        dns = new FakeDns().add("example.test. 300 IN MX 10 mx1.example.test.")
                .add("mx1.example.test. 300 IN A 127.0.0.1");
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    private void withSts() {
        dns.add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; id=20261202T000000;\"")
                .add("mta-sts.example.test. 300 IN A 127.0.0.1");
    }

    /** The options that point the tool at the loopback DNS, MX and policy host. */
    private List<String> relayOptions(int smtpPort, int stsPort) throws Exception {
        Path anchors = dir.resolve("anchors");
        Files.writeString(anchors, FakeDns.UNRELATED_ANCHOR);
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, pki.rootPem());
        return new ArrayList<>(List.of("--dns-server", dns.address(), "--dnssec-anchors", anchors.toString(),
                "--smtp-port", Integer.toString(smtpPort), "--mta-sts-port", Integer.toString(stsPort),
                "--trust-pem", ca.toString(), "--helo", "relay.sender.test", "--timeout", "5s"));
    }

    private String[] relay(int smtpPort, int stsPort, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("relay", "--from", "notify@sender.test", "--to", "bob@example.test",
                "--subject", "relayed"));
        a.addAll(relayOptions(smtpPort, stsPort));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private String[] probe(int smtpPort, int stsPort, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("probe", "--mx", "example.test"));
        a.addAll(relayOptions(smtpPort, stsPort));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static boolean transaction(HostileSmtpServer s) {
        List<String> all = new ArrayList<>(s.cleartextLines());
        all.addAll(s.tlsLines());
        return all.stream().anyMatch(l -> l.startsWith("MAIL") || l.startsWith("RCPT") || l.startsWith("DATA"));
    }

    // ---- relay ----

    @Test
    void relay_noPolicy_deliveredOpportunistically_namesTheMxAndThePolicy() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1ByOther)).start()) {
            CliRun r = CliRun.run(relay(server.port(), 443));

            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.out).contains("example.test: delivered to mx1.example.test [127.0.0.1] under opportunistic")
                    .contains("UNAUTHENTICATED");
            assertThat(server.messages()).singleElement().asString().contains("body");
            assertThat(server.tlsLines()).contains("EHLO relay.sender.test");
        }
    }

    @Test
    void relay_mtaStsEnforce_json_deliveredUnderEnforce() throws Exception {
        withSts();
        try (PolicyHost sts = new PolicyHost(ServerTls.context(policyHostCert), ENFORCE);
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1)).start()) {
            CliRun r = CliRun.run(relay(server.port(), sts.port(), "--json"));

            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.out.trim().lines()).hasSize(1);
            assertThat(r.out).startsWith("{\"ok\":true,\"command\":\"relay\",\"exitCode\":0,\"requireTls\":false,")
                    .contains("\"domain\":\"example.test\",\"status\":\"DELIVERED\"",
                            "\"mxHost\":\"mx1.example.test\"", "\"security\":\"MTA_STS_ENFORCE\"",
                            "\"authenticated\":true");
        }
    }

    @Test
    void relay_mtaStsEnforce_certificateFromAnotherCa_exit3_nothingSent() throws Exception {
        withSts();
        try (PolicyHost sts = new PolicyHost(ServerTls.context(policyHostCert), ENFORCE);
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1ByOther)).start()) {
            CliRun r = CliRun.run(relay(server.port(), sts.port()));

            assertThat(r.exit).as(r.toString()).isEqualTo(3);
            assertThat(r.out).contains("example.test: failed temporarily").contains("MTA_STS_ENFORCE failed");
            assertThat(transaction(server)).isFalse();
        }
    }

    @Test
    void relay_requireTlsWithoutPolicy_exit5_mxNotContacted() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1)).extensions("REQUIRETLS")
                .start()) {
            CliRun r = CliRun.run(relay(server.port(), 443, "--require-tls"));

            assertThat(r.exit).as(r.toString()).isEqualTo(5);
            assertThat(r.out).contains("example.test: failed permanently").contains("REQUIRETLS");
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void relay_nullMx_exit5() throws Exception {
        dns.add("null.test. 300 IN MX 0 .");
        List<String> a = new ArrayList<>(List.of("relay", "--from", "a@sender.test", "--to", "b@null.test"));
        a.addAll(relayOptions(25, 443));
        CliRun r = CliRun.run(a.toArray(new String[0]));

        assertThat(r.exit).as(r.toString()).isEqualTo(5);
        assertThat(r.out).contains("null.test: failed permanently").contains("null MX");
    }

    @Test
    void relay_pin_usageError() throws Exception {
        CliRun r = CliRun.run(relay(25, 443, "--pin", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--pin does not apply to MX hosts");
    }

    @Test
    void relay_badDnsServerPort_usageError() throws Exception {
        CliRun r = CliRun.run("relay", "--from", "a@sender.test", "--to", "b@example.test", "--dns-server",
                "127.0.0.1:99999");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--dns-server port must be a number from 1 to 65535: 127.0.0.1:99999");
    }

    // ---- probe --mx ----

    @Test
    void probeMx_noPolicy_printsTheProbe_quitsWithoutMail_exit0() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1)).start()) {
            CliRun r = CliRun.run(probe(server.port(), 443));

            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.out).contains("example.test: 1 MX host, MX answer DNSSEC insecure", "MTA-STS  none",
                    "mx1.example.test (preference 10) [127.0.0.1] addresses DNSSEC insecure",
                    "policy  opportunistic (STARTTLS_OPPORTUNISTIC)", "127.0.0.1 connected, STARTTLS, TLSv1.3",
                    "a delivery would go to mx1.example.test under opportunistic");
            assertThat(server.awaitLine(l -> "QUIT".equals(l.verb()), Duration.ofSeconds(10))).isTrue();
            assertThat(transaction(server)).isFalse();
        }
    }

    @Test
    void probeMx_mtaStsEnforce_json_policyFetchedAndHostUnderEnforce() throws Exception {
        withSts();
        try (PolicyHost sts = new PolicyHost(ServerTls.context(policyHostCert), ENFORCE);
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1)).start()) {
            CliRun r = CliRun.run(probe(server.port(), sts.port(), "--json"));

            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.out.trim().lines()).hasSize(1);
            assertThat(r.out).startsWith("{\"ok\":true,\"command\":\"probe\",\"exitCode\":0,")
                    .contains("\"mtaSts\":{\"source\":\"FETCHED\",\"mode\":\"enforce\",\"mx\":[\"mx1.example.test\"],"
                            + "\"maxAgeSeconds\":86400", "\"security\":\"MTA_STS_ENFORCE\"",
                            "\"outcome\":\"CONNECTED\"", "\"deliverableHost\":\"mx1.example.test\"");
            assertThat(transaction(server)).isFalse();
        }
    }

    @Test
    void probeMx_mtaStsEnforce_certificateFromAnotherCa_refused_exit3() throws Exception {
        withSts();
        try (PolicyHost sts = new PolicyHost(ServerTls.context(policyHostCert), ENFORCE);
             HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(mx1ByOther)).start()) {
            CliRun r = CliRun.run(probe(server.port(), sts.port()));

            assertThat(r.exit).as(r.toString()).isEqualTo(3);
            assertThat(r.out).contains("policy  MTA-STS enforce (STARTTLS_REQUIRED)", "REFUSED (TLS_REFUSED)",
                    "no MX host would take a message now");
            assertThat(transaction(server)).isFalse();
        }
    }

    @Test
    void probeMx_withServer_usageError() throws Exception {
        CliRun r = CliRun.run(probe(25, 443, "--server", "mx.example.test:25"));

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--mx cannot be combined with --server");
    }

    @Test
    void probe_neitherServerNorMx_usageError() {
        CliRun r = CliRun.run("probe", "--protocol", "smtp");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("probe needs --server HOST[:PORT], or --mx DOMAIN");
    }
}
