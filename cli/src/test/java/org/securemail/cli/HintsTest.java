package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** Where the user typed flags, the advice names flags, never the Java calls the library's messages suggest. */
class HintsTest {
    /** What a Java call in a message looks like: TrustSource.pinnedKeys(...), mode(SecurityMode.X), timeouts(...). */
    private static final String JAVA_CALL = "(?s).*([A-Z][A-Za-z]+\\.[a-z][A-Za-z]*\\(|\\b[a-z][A-Za-z]+\\((\\.\\.\\.|"
            + "SecurityMode|Credentials|Timeouts)).*";
    private static TestPki pki;
    private static SSLContext serverTls;
    private static String pin;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("CLI hints");
        TestPki.Issued server = pki.localhostLeaf().issue();
        serverTls = ServerTls.context(server);
        pin = TrustSource.spkiPin(server.certificate());
    }

    @Test
    void forCli_libraryAdvice_becomesFlags() {
        assertThat(Hints.forCli("smtp.example.test:465 did not offer STARTTLS (mode STARTTLS_REQUIRED); the server or"
                + " a network device stripped it; nothing was sent; port 465 expects implicit TLS: use"
                + " mode(SecurityMode.IMPLICIT_TLS)"))
                .endsWith("port 465 expects implicit TLS: use --mode implicit");
        assertThat(Hints.forCli("port 587 usually speaks cleartext first: use mode(SecurityMode.STARTTLS_REQUIRED), or"
                + " the implicit-TLS port (465, 993, 995)"))
                .isEqualTo("port 587 usually speaks cleartext first: use --mode starttls, or the implicit-TLS port"
                        + " (465, 993, 995)");
        assertThat(Hints.forCli("self-signed certificate not trusted: \"CN=relay\"; if this is your own relay, pin its"
                + " key with TrustSource.pinnedKeys(\"sha256/AbC+/12=\")"))
                .endsWith("pin its key with --pin sha256/AbC+/12=");
        assertThat(Hints.forCli("the JDK's trust store holds no CA certificate; configure TrustSource.pem(...) or"
                + " TrustSource.keyStore(...) instead")).endsWith("configure --trust-pem FILE instead");
        assertThat(Hints.forCli("retry later, or raise the read timeout with timeouts(...)"))
                .isEqualTo("retry later, or raise the timeout with --timeout (e.g. --timeout 2m)");
        assertThat(Hints.forCli("the server requires authentication: configure credentials(...)"))
                .isEqualTo("the server requires authentication: give --user with --password-env VAR, --password-file"
                        + " FILE or --oauth2-token-file FILE");
        assertThat(Hints.forCli("use Credentials.oauth2(...) if the server takes OAuth 2.0 tokens"))
                .isEqualTo("use --oauth2-token-file FILE if the server takes OAuth 2.0 tokens");
        assertThat(Hints.forCli("server requires a client certificate and the policy has none: x; configure"
                + " TlsPolicy.clientCertificate(...)")).doesNotContain("clientCertificate(")
                .contains("which the securemail tool cannot do");
        assertThat(Hints.forCli(null)).isNull();
    }

    @Test
    void send_selfSignedServer_hintNamesThePinFlag() throws Exception {
        TestPki.Issued self = pki.localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(ServerTls.context(self)).start()) {
            Path ca = dir.resolve("ca.pem");
            Files.writeString(ca, pki.rootPem());
            CliRun r = CliRun.run("send", "--server", "localhost:" + smtp.port(), "--trust-pem", ca.toString(),
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "5s");
            assertThat(r.exit).as(r.toString()).isEqualTo(3);
            assertThat(r.err).contains("(CERTIFICATE_SELF_SIGNED)")
                    .contains("pin its key with --pin " + TrustSource.spkiPin(self.certificate()))
                    .doesNotMatch(JAVA_CALL);
            CliRun probe = CliRun.run("probe", "--server", "localhost:" + smtp.port(), "--protocol", "smtp",
                    "--trust-pem", ca.toString(), "--timeout", "5s", "--json");
            assertThat(probe.out).contains("--pin " + TrustSource.spkiPin(self.certificate()))
                    .doesNotContain("TrustSource.pinnedKeys");
        }
    }

    @Test
    void send_starttlsToAnImplicitTlsServer_hintNamesModeImplicit() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).implicitTls(true).start()) {
            CliRun r = CliRun.run("send", "--server", "localhost:" + smtp.port(), "--pin", pin, "--mode", "starttls",
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "2s");
            // Silence where a greeting belongs is a configuration error, not worth a retry: exit 5 (permanent).
            assertThat(r.exit).as(r.toString()).isEqualTo(5);
            assertThat(r.err).contains("sent no greeting").contains("use --mode implicit").doesNotMatch(JAVA_CALL);
        }
    }

    @Test
    void send_serverStallsAfterGreeting_hintNamesTheTimeoutFlag() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).stallOn("MAIL").start()) {
            CliRun r = CliRun.run("send", "--server", "localhost:" + smtp.port(), "--pin", pin,
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "3s", "--json");
            assertThat(r.exit).as(r.toString()).isEqualTo(4);
            assertThat(r.out).contains("--timeout").doesNotMatch(JAVA_CALL);
        }
    }

    @Test
    void send_serverWantsAuthentication_hintNamesTheCredentialFlags() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).mailReply("530 5.7.0 Authentication"
                + " required").start()) {
            CliRun r = CliRun.run("send", "--server", "localhost:" + smtp.port(), "--pin", pin,
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "5s");
            assertThat(r.exit).as(r.toString()).isEqualTo(5);
            assertThat(r.err).contains("give --user with --password-env VAR, --password-file FILE or"
                    + " --oauth2-token-file FILE").doesNotMatch(JAVA_CALL);
        }
    }

    @Test
    void version_isTheBuildsVersion() {
        String expected = System.getProperty("securemail.expectedVersion");
        assertThat(expected).isNotBlank().doesNotContain("${");
        CliRun r = CliRun.run("--version");
        assertThat(r.exit).isZero();
        assertThat(r.out).startsWith("securemail " + expected + "\n").contains("Java ");
        assertThat(Main.Version.version()).isEqualTo(expected);
    }
}
