package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.testing.internal.OpensslServer;

/** The commands run in-process against the same loopback test servers as the library's tests. */
class CliTest {
    private static final String PASSWORD = "cli-s3cret-pass";
    private static TestPki pki;
    private static TestPki.Issued server;
    private static SSLContext serverTls;
    private static String pin;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("CLI");
        server = pki.localhostLeaf().issue();
        serverTls = ServerTls.context(server);
        pin = TrustSource.spkiPin(server.certificate());
    }

    /** What one run printed and returned. */
    static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private static Run run(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main main = new Main();
        main.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        main.environment = env::get;
        int exit = Main.commandLine(main, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run("", Map.of(), args);
    }

    private Path passwordFile() throws Exception {
        Path f = dir.resolve("password");
        Files.writeString(f, PASSWORD + "\n");
        return f;
    }

    private String[] send(int port, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("send", "--server", "localhost:" + port, "--pin", pin,
                "--from", "me@example.test", "--to", "you@example.test", "--subject", "hi", "--timeout", "5s",
                "--user", "alice", "--password-file", passwordFile().toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void help_documentsTheExitCodes() {
        Run r = run("--help");
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("send").contains("probe").doesNotContain("demo")
                .contains("3   refused for security").contains("4   transient failure")
                .contains("5   permanent failure").contains("2   usage error");
    }

    @Test
    void send_starttls_deliversAndPrintsTheReport_neverThePassword() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).start()) {
            Run r = run("Hello from the command line\n", Map.of(), send(smtp.port()));
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out).contains("Delivered to localhost:" + smtp.port() + " (STARTTLS_REQUIRED)")
                    .contains("queue id    TESTQ123").contains("TLSv1.3").contains("verified localhost");
            assertThat(r.out + r.err).doesNotContain(PASSWORD);
            assertThat(smtp.messages()).singleElement().asString().contains("Hello from the command line");
        }
    }

    @Test
    void send_json_printsOneObjectWithReportAndHandshake() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).start()) {
            Path body = dir.resolve("body.txt");
            Files.writeString(body, "from a file");
            Run r = run(send(smtp.port(), "--json", "--body-file", body.toString()));
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out.trim()).startsWith("{\"ok\":true,\"command\":\"send\",\"exitCode\":0,\"report\":{")
                    .contains("\"finalReply\":\"250 2.0.0 Ok: queued as TESTQ123\"")
                    .contains("\"queueId\":\"TESTQ123\"")
                    .contains("\"handshake\":{\"host\":\"localhost\"").contains("\"protocol\":\"TLSv1.3\"")
                    .contains("\"pin\":\"" + pin + "\"").endsWith("}");
            assertThat(r.out.trim().lines()).hasSize(1);
            assertThat(smtp.messages()).singleElement().asString().contains("from a file");
        }
    }

    @Test
    void send_noStarttls_exit3_withTheReason() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).offerStartTls(false).start()) {
            Run r = run(send(smtp.port(), "--json"));
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.out).contains("\"ok\":false").contains("\"type\":\"security\"")
                    .contains("\"reason\":\"STARTTLS_NOT_OFFERED\"");
            assertThat(smtp.cleartextBytes()).doesNotContain("AUTH");
        }
    }

    @Test
    void send_expiredCertificate_exit3_withTheTlsReason() throws Exception {
        SSLContext expired = ServerTls.context(pki.localhostLeaf().expired().issue());
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(expired).start()) {
            Run r = run("send", "--server", "localhost:" + smtp.port(), "--trust-pem", caFile().toString(),
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "5s");
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.err).contains("security: localhost:" + smtp.port() + " refused the TLS connection"
                    + " (CERTIFICATE_EXPIRED)");
        }
    }

    private Path caFile() throws Exception {
        Path f = dir.resolve("ca.pem");
        Files.writeString(f, pki.rootPem());
        return f;
    }

    @Test
    void send_4xx_exit4_5xx_exit5() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).mailReply("451 4.3.0 later").start()) {
            assertThat(run(send(smtp.port())).exit).isEqualTo(4);
        }
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls)
                .rcptReply(a -> "550 5.1.1 no such user").start()) {
            Run r = run(send(smtp.port(), "--json"));
            assertThat(r.exit).isEqualTo(5);
            assertThat(r.out).contains("\"type\":\"permanent\"").contains("\"reason\":\"550\"");
        }
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).authReply("535 5.7.8 bad").start()) {
            assertThat(run(send(smtp.port())).exit).isEqualTo(5);
        }
    }

    @Test
    void send_passwordFromTheEnvironment() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).start()) {
            Run r = run("body", Map.of("SMTP_PW", PASSWORD), "send", "--server", "localhost:" + smtp.port(),
                    "--pin", pin, "--from", "me@example.test", "--to", "you@example.test", "--user", "alice",
                    "--password-env", "SMTP_PW", "--timeout", "5s");
            assertThat(r.exit).as(r.err).isZero();
        }
    }

    @Test
    void usageErrors_exit2() {
        assertThat(run("send", "--server", "localhost:25", "--from", "a@example.test", "--to", "b@example.test",
                "--password", "oops").exit).isEqualTo(2);
        Run noSecret = run("send", "--server", "localhost:25", "--from", "a@example.test", "--to", "b@example.test",
                "--user", "alice");
        assertThat(noSecret.exit).isEqualTo(2);
        assertThat(noSecret.err).contains("passwords are never taken from the command line");
        assertThat(run("send", "--server", "localhost:99999", "--from", "a@example.test", "--to", "b@example.test")
                .exit).isEqualTo(2);
        assertThat(run("send", "--server", "localhost:25", "--from", "a@example.test", "--to", "b@example.test",
                "--timeout", "soon").err).contains("--timeout must look like 500ms, 10s, 2m or PT30S");
    }

    @Test
    void secretTypedWhereANameBelongs_neverEchoed() {
        String[] base = {"fetch", "--server", "localhost:993", "--protocol", "imap", "--user", "alice"};
        List<Run> runs = List.of(
                run(concat(base, "--password", PASSWORD)),
                run(concat(base, "--password=" + PASSWORD)),
                run(concat(base, "--password-env", PASSWORD)),
                run(concat(base, "--password-env", PASSWORD, "--json")),
                run(concat(base, "--password-file", PASSWORD)),
                run(concat(base, "--password-file", PASSWORD, "--json")),
                run(concat(base, "--oauth2-token-file", PASSWORD, "--json")));
        for (Run r : runs) {
            assertThat(r.exit).isEqualTo(2);
            assertThat(r.out + r.err).doesNotContain(PASSWORD);
        }
        assertThat(runs.get(0).err).contains("unknown option --password (and 1 value, not repeated here)")
                .contains("Secrets are never taken from the command line");
        assertThat(runs.get(1).err).contains("unknown option --password=...");
        assertThat(runs.get(2).err).contains("the environment variable named by --password-env is not set");
        assertThat(runs.get(5).out).contains("cannot read the file named by --password-file: no such file");
    }

    @Test
    void timeoutsThatWouldMeanForever_areUsageErrors() {
        String[] base = {"probe", "--server", "localhost:25", "--protocol", "smtp"};
        Run tiny = run(concat(base, "--timeout", "PT0.0005S"));
        assertThat(tiny.exit).isEqualTo(2);
        assertThat(tiny.err).contains("timeout must be at least 1 millisecond");
        Run huge = run(concat(base, "--timeout", "PT99999999999999H"));
        assertThat(huge.exit).isEqualTo(2);
        assertThat(huge.err).contains("timeout must be at most 24 days");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }

    @Test
    void send_connectionRefused_exit4() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Run r = run("x", Map.of(), "send", "--server", "localhost:" + port, "--from", "a@example.test",
                "--to", "b@example.test", "--timeout", "2s");
        assertThat(r.exit).isEqualTo(4);
    }

    @Test
    void probe_goodStarttlsServer_passes_listingVersionsSuitesAndChain() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).start()) {
            Run r = run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp", "--pin", pin,
                    "--timeout", "5s");
            assertThat(r.exit).as(r.out + r.err).isZero();
            assertThat(r.out).contains("STARTTLS       offered").contains("TLSv1.3 accepted")
                    .contains("TLSv1.2 accepted").contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 accepted")
                    .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 refused (NO_SHARED_CIPHER_SUITE)")
                    .contains("#0 \"CN=SecureMail test server").contains("verdict        PASS");
            assertThat(smtp.cleartextLines()).allMatch(l -> l.startsWith("EHLO") || l.equals("STARTTLS"));
        }
    }

    @Test
    void probe_noStarttls_fails_exit3() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).offerStartTls(false).start()) {
            Run r = run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp", "--json");
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.out).contains("\"offered\":false").contains("STARTTLS_NOT_OFFERED");
        }
    }

    @Test
    void probe_expiredCertificate_showsTheChainAndTheRule() throws Exception {
        SSLContext expired = ServerTls.context(pki.localhostLeaf().expired().issue());
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(expired).start()) {
            Run r = run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp", "--trust-pem",
                    caFile().toString());
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.out).contains("REFUSED (CERTIFICATE_EXPIRED)").contains("#0 \"CN=SecureMail test server")
                    .contains("FAIL: CERTIFICATE_EXPIRED");
        }
    }

    @Test
    void probe_tls10OnlyImplicitServer_failsProtocolVersion() {
        try (OpensslServer tls10 = OpensslServer.start(server, "-tls1", "-cipher", "ALL:@SECLEVEL=0")) {
            Run r = run("probe", "--server", "localhost:" + tls10.port(), "--protocol", "smtp", "--mode", "implicit",
                    "--pin", pin, "--json");
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.out).contains("\"refusal\":{\"reason\":\"PROTOCOL_VERSION\"");
        }
    }

    private String[] fetch(int port, String protocol, String mode, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("fetch", "--server", "localhost:" + port, "--protocol", protocol,
                "--mode", mode, "--pin", pin, "--user", "alice", "--password-file", passwordFile().toString(),
                "--timeout", "5s"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void fetch_imapImplicit_listsTheNewestMessages() throws Exception {
        try (org.securemail.testing.HostileImapServer imap = org.securemail.testing.HostileImapServer
                .builder(serverTls).implicitTls(true).messages(5).start()) {
            Run r = run(fetch(imap.port(), "imap", "implicit", "--limit", "3"));
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out).contains("INBOX: 5 message(s), newest 3 (IMPLICIT_TLS)").contains("TLSv1.3");
            assertThat(r.out.lines().filter(l -> l.matches("\\s+\\d+\\s+.*bytes\\)"))).hasSize(3);
            assertThat(r.out + r.err).doesNotContain(PASSWORD);
            assertThat(imap.cleartextBytes()).isEmpty();
        }
    }

    @Test
    void fetch_imapStarttls_json() throws Exception {
        try (org.securemail.testing.HostileImapServer imap = org.securemail.testing.HostileImapServer
                .builder(serverTls).messages(2).start()) {
            Run r = run(fetch(imap.port(), "imap", "starttls", "--json"));
            assertThat(r.exit).as(r.out + r.err).isZero();
            assertThat(r.out.trim()).startsWith("{\"ok\":true,\"command\":\"fetch\"")
                    .contains("\"protocol\":\"imap\"").contains("\"messageCount\":2")
                    .contains("\"handshake\":{");
            assertThat(imap.cleartextLines()).allMatch(l -> l.contains("CAPABILITY") || l.contains("STARTTLS"));
        }
    }

    @Test
    void fetch_imapWithoutStarttls_exit3() throws Exception {
        try (org.securemail.testing.HostileImapServer imap = org.securemail.testing.HostileImapServer
                .builder(serverTls).capabilitiesBeforeTls("IMAP4rev1 AUTH=PLAIN").start()) {
            Run r = run(fetch(imap.port(), "imap", "starttls"));
            assertThat(r.exit).isEqualTo(3);
            assertThat(r.err).contains("did not offer STARTTLS");
            assertThat(imap.cleartextBytes()).doesNotContain(PASSWORD).doesNotContain("LOGIN");
        }
    }

    @Test
    void fetch_pop3Implicit_listsTheNewestMessages() throws Exception {
        try (org.securemail.testing.HostilePop3Server pop3 = org.securemail.testing.HostilePop3Server
                .builder(serverTls).implicitTls(true).messages(4).start()) {
            Run r = run(fetch(pop3.port(), "pop3", "implicit", "--limit", "2"));
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.out).contains(": 4 message(s), newest 2 (IMPLICIT_TLS)");
        }
    }

    @Test
    void fetch_withoutCredentials_usageError() {
        Run r = run("fetch", "--server", "localhost:993", "--protocol", "imap");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("mailboxes always need credentials");
    }

    @Test
    void probe_imapStarttlsAndPop3Stls() throws Exception {
        try (org.securemail.testing.HostileImapServer imap = org.securemail.testing.HostileImapServer
                .builder(serverTls).start();
             org.securemail.testing.HostilePop3Server pop3 = org.securemail.testing.HostilePop3Server
                     .builder(serverTls).start()) {
            Run i = run("probe", "--server", "localhost:" + imap.port(), "--protocol", "imap", "--pin", pin);
            assertThat(i.exit).as(i.out).isZero();
            assertThat(i.out).contains("STARTTLS       offered").contains("verdict        PASS");
            Run p = run("probe", "--server", "localhost:" + pop3.port(), "--protocol", "pop3", "--pin", pin);
            assertThat(p.exit).as(p.out).isZero();
            assertThat(p.out).contains("STARTTLS       offered");
            assertThat(imap.cleartextLines()).noneMatch(l -> l.contains("LOGIN") || l.contains("AUTHENTICATE"));
            assertThat(pop3.cleartextLines()).noneMatch(l -> l.startsWith("USER") || l.startsWith("PASS"));
        }
    }

    @Test
    void probe_preauth_failsBeforeTls_butIsFineInsideImplicitTls() throws Exception {
        String preauth = "* PREAUTH [CAPABILITY IMAP4rev1] logged in by client certificate";
        try (org.securemail.testing.HostileImapServer cleartext = org.securemail.testing.HostileImapServer
                .builder(serverTls).greeting(preauth).start();
             org.securemail.testing.HostileImapServer implicit = org.securemail.testing.HostileImapServer
                     .builder(serverTls).implicitTls(true).greeting(preauth).start()) {
            Run before = run("probe", "--server", "localhost:" + cleartext.port(), "--protocol", "imap", "--pin", pin);
            assertThat(before.exit).as(before.out).isEqualTo(3);
            assertThat(before.out).contains("STARTTLS       impossible: PREAUTH greeting")
                    .contains("PREAUTH_WITHOUT_TLS");
            Run inside = run("probe", "--server", "localhost:" + implicit.port(), "--protocol", "imap", "--mode",
                    "implicit", "--pin", pin);
            assertThat(inside.exit).as(inside.out).isZero();
            assertThat(inside.out).contains("STARTTLS       not used (implicit TLS); PREAUTH greeting inside TLS")
                    .contains("verdict        PASS").doesNotContain("PREAUTH_WITHOUT_TLS");
        }
    }

    @Test
    void demo_isNotShipped_pointsToDemoScript() {
        Run r = run("demo");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains("run ./demo.sh in a SecureMail checkout");
    }
}
