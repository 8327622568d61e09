package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailProtocol;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** probe: the protocol from a well-known port, and a hint when the mode does not fit the server. */
class ProbeModeTest {
    private static SSLContext serverTls;
    private static String pin;

    @BeforeAll
    static void pki() {
        TestPki pki = TestPki.create("CLI probe");
        TestPki.Issued server = pki.localhostLeaf().issue();
        serverTls = ServerTls.context(server);
        pin = TrustSource.spkiPin(server.certificate());
    }

    @Test
    void protocol_fromWellKnownPorts() {
        assertThat(List.of(25, 587, 465).stream().map(p -> MailProtocol.forWellKnownPort(p).orElseThrow()))
                .containsOnly(MailProtocol.SMTP);
        assertThat(List.of(143, 993).stream().map(p -> MailProtocol.forWellKnownPort(p).orElseThrow()))
                .containsOnly(MailProtocol.IMAP);
        assertThat(List.of(110, 995).stream().map(p -> MailProtocol.forWellKnownPort(p).orElseThrow()))
                .containsOnly(MailProtocol.POP3);
        assertThat(MailProtocol.forWellKnownPort(2525)).isEmpty();
    }

    @Test
    void probe_withoutProtocol_takesItFromTheWellKnownPort() {
        assertThat(resolved("127.0.0.1:993")).isEqualTo("IMAP IMPLICIT_TLS");
        assertThat(resolved("127.0.0.1:143")).isEqualTo("IMAP STARTTLS_REQUIRED");
        assertThat(resolved("[::1]:587")).isEqualTo("SMTP STARTTLS_REQUIRED");
        assertThat(resolved("mail.example.test:465")).isEqualTo("SMTP IMPLICIT_TLS");
        assertThat(resolved("mail.example.test:25")).isEqualTo("SMTP STARTTLS_REQUIRED");
        assertThat(resolved("mail.example.test:995")).isEqualTo("POP3 IMPLICIT_TLS");
        assertThat(resolved("mail.example.test:110")).isEqualTo("POP3 STARTTLS_REQUIRED");
    }

    /** Parses a probe command line (without running it) and resolves its protocol and mode as the probe does. */
    private static String resolved(String server) {
        java.io.PrintWriter sink = new java.io.PrintWriter(new java.io.StringWriter());
        picocli.CommandLine.ParseResult parsed = Main.commandLine(new Main(), sink, sink)
                .parseArgs("probe", "--server", server);
        ProbeCommand probe = (ProbeCommand) parsed.subcommand().commandSpec().userObject();
        probe.resolveProtocol();
        assertThat(probe.protocolFromPort).isTrue();
        return probe.protocol + " " + probe.securityMode(probe.connection.port(0));
    }

    @Test
    void probe_withoutProtocol_unknownPortOrNoPort_failsClearly() {
        CliRun unknown = CliRun.run("probe", "--server", "localhost:2525");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.err).contains("port 2525 is not a well-known mail port (25, 465, 587: smtp; 143, 993: imap;"
                + " 110, 995: pop3): say which protocol the server speaks with --protocol smtp, imap or pop3");
        CliRun noPort = CliRun.run("probe", "--server", "mail.example.test");
        assertThat(noPort.exit).isEqualTo(2);
        assertThat(noPort.err).contains("probe needs --protocol smtp, imap or pop3, or a --server port that names the"
                + " protocol");
    }

    @Test
    void probe_starttlsAgainstImplicitTlsServer_saysToUseModeImplicit() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).implicitTls(true).start()) {
            CliRun r = CliRun.run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp", "--mode",
                    "starttls", "--pin", pin, "--timeout", "2s");
            assertThat(r.exit).as(r.toString()).isNotZero();
            assertThat(r.out).contains("  hint           the server sent no cleartext greeting (SocketTimeoutException:")
                    .contains("if it expects implicit TLS, try --mode implicit");
            CliRun json = CliRun.run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp", "--mode",
                    "starttls", "--pin", pin, "--timeout", "2s", "--json");
            assertThat(json.out).contains("\"hint\":\"the server sent no cleartext greeting");
            CliRun implicit = CliRun.run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp",
                    "--mode", "implicit", "--pin", pin, "--timeout", "5s");
            assertThat(implicit.exit).as(implicit.toString()).isZero();
            assertThat(implicit.out).doesNotContain("hint");
        }
    }

    @Test
    void probe_implicitAgainstStarttlsServer_saysToUseModeStarttls() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(serverTls).start()) {
            CliRun r = CliRun.run("probe", "--server", "localhost:" + imap.port(), "--protocol", "imap", "--mode",
                    "implicit", "--pin", pin, "--timeout", "5s");
            assertThat(r.exit).as(r.toString()).isEqualTo(3);
            assertThat(r.out).contains("REFUSED (HANDSHAKE_FAILED)")
                    .contains("  hint           the server did not answer with TLS: if it speaks cleartext first and"
                            + " offers STARTTLS, try --mode starttls")
                    .contains("try --mode starttls").doesNotContain("SecurityMode")
                    .as("no sweep of versions and suites against a server that does not speak TLS")
                    .doesNotContain("versions ").doesNotContain("cipher suites");
        }
    }

    @Test
    void modeHint_wellKnownPorts_nameThePort() {
        ProbeCommand.Attempt noGreeting = new ProbeCommand.Attempt();
        noGreeting.ioFailure = new java.net.SocketTimeoutException("Read timed out");
        noGreeting.ioError = "SocketTimeoutException: Read timed out";
        for (int port : new int[] {465, 993, 995}) {
            assertThat(ProbeCommand.modeHint(noGreeting, port, SecurityMode.STARTTLS_REQUIRED))
                    .isEqualTo("port " + port + " usually expects implicit TLS and sent no cleartext greeting"
                            + " (SocketTimeoutException: Read timed out): try --mode implicit");
        }
        ProbeCommand.Attempt refused = new ProbeCommand.Attempt();
        refused.ioFailure = new java.net.ConnectException("Connection refused");
        refused.ioError = "ConnectException: Connection refused";
        assertThat(ProbeCommand.modeHint(refused, 465, SecurityMode.STARTTLS_REQUIRED))
                .as("nothing listens: the mode is not the problem").isNull();
    }

    @Test
    void modeHint_implicitProbeOfCleartextPorts_namesThePort() throws Exception {
        ProbeCommand.Attempt answeredInCleartext = new ProbeCommand.Attempt();
        answeredInCleartext.refusal = cleartextRefusal();
        for (int port : new int[] {25, 587, 143, 110}) {
            assertThat(ProbeCommand.modeHint(answeredInCleartext, port, SecurityMode.IMPLICIT_TLS))
                    .isEqualTo("port " + port + " usually speaks cleartext first and upgrades with STARTTLS: try"
                            + " --mode starttls");
        }
    }

    /** The refusal the engine gives for a server that answers a ClientHello with a cleartext greeting. */
    private static org.securemail.core.TlsRefusedException cleartextRefusal() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).start();
             java.net.Socket plain = new java.net.Socket("localhost", smtp.port())) {
            org.securemail.core.TlsConnector connector = org.securemail.core.TlsEngine.create()
                    .connector(org.securemail.policy.TlsPolicy.builder().trust(TrustSource.pinnedKeys(pin)).build());
            try {
                connector.layer(plain, "localhost", smtp.port(), SecurityMode.IMPLICIT_TLS).startHandshake();
            } catch (org.securemail.core.TlsRefusedException e) {
                return e;
            }
            throw new AssertionError("a cleartext server was accepted as TLS");
        }
    }
}
