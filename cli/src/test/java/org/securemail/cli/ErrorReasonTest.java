package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/**
 * --json failures: {@code reason} is never null; it carries the reply code for rejected credentials and for every
 * failure with a reply, and a fixed word for the others (docs/cli.md, "Exit codes").
 */
class ErrorReasonTest {
    private static final Pattern REASON = Pattern.compile("\"reason\":(\"[^\"]*\"|null)");
    private static TestPki pki;
    private static SSLContext serverTls;
    private static String pin;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("CLI reasons");
        TestPki.Issued server = pki.localhostLeaf().issue();
        serverTls = ServerTls.context(server);
        pin = TrustSource.spkiPin(server.certificate());
    }

    private String[] send(int port, String timeout, String... extra) throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "pw\n");
        List<String> a = new ArrayList<>(List.of("send", "--server", "localhost:" + port, "--pin", pin,
                "--from", "me@example.test", "--to", "you@example.test", "--timeout", timeout,
                "--user", "alice", "--password-file", password.toString(), "--json"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private String[] fetch(int port, String protocol) throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "pw\n");
        return new String[] {"fetch", "--server", "localhost:" + port, "--protocol", protocol, "--mode", "implicit",
            "--pin", pin, "--user", "alice", "--password-file", password.toString(), "--timeout", "5s", "--json"};
    }

    /** The error's reason, from a one-line JSON failure. */
    private static String reason(CliRun r) {
        assertThat(r.out.trim().lines()).as(r.toString()).hasSize(1);
        assertThat(r.out).as(r.toString()).startsWith("{\"ok\":false");
        Matcher m = REASON.matcher(r.out.substring(r.out.indexOf("\"error\":")));
        assertThat(m.find()).as(r.out).isTrue();
        return m.group(1);
    }

    @Test
    void smtpCredentialsRejected_reasonIsTheReplyCode() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(serverTls).authReply("535 5.7.8 bad credentials")
                .start()) {
            CliRun r = CliRun.run(send(smtp.port(), "5s"));
            assertThat(r.exit).isEqualTo(5);
            assertThat(reason(r)).isEqualTo("\"535\"");
            assertThat(r.out).contains("\"type\":\"permanent\"").contains("\"exception\":\"CredentialsRejectedException\"");
        }
    }

    @Test
    void imapAndPop3CredentialsRejected_reasonIsTheResponseCode() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(serverTls).implicitTls(true)
                .authReply("NO [AUTHENTICATIONFAILED] Authentication failed.").start();
             HostilePop3Server pop3 = HostilePop3Server.builder(serverTls).implicitTls(true)
                     .authReply("-ERR [AUTH] Authentication failed.").start();
             HostilePop3Server plain = HostilePop3Server.builder(serverTls).implicitTls(true)
                     .authReply("-ERR no").start()) {
            CliRun i = CliRun.run(fetch(imap.port(), "imap"));
            assertThat(i.exit).as(i.toString()).isEqualTo(5);
            assertThat(reason(i)).isEqualTo("\"AUTHENTICATIONFAILED\"");
            CliRun p = CliRun.run(fetch(pop3.port(), "pop3"));
            assertThat(p.exit).as(p.toString()).isEqualTo(5);
            assertThat(reason(p)).isEqualTo("\"AUTH\"");
            CliRun noCode = CliRun.run(fetch(plain.port(), "pop3"));
            assertThat(reason(noCode)).isEqualTo("\"CREDENTIALS_REJECTED\"");
        }
    }

    @Test
    void deliveryFailures_reasonIsTheReplyCode_orWhatHappened() throws Exception {
        try (HostileSmtpServer later = HostileSmtpServer.builder(serverTls).mailReply("451 4.3.0 later").start();
             HostileSmtpServer never = HostileSmtpServer.builder(serverTls).rcptReply(a -> "550 5.1.1 no").start();
             HostileSmtpServer dropped = HostileSmtpServer.builder(serverTls).dropAfterData().start();
             HostileSmtpServer stalled = HostileSmtpServer.builder(serverTls).stallOn("MAIL").start()) {
            assertThat(reason(CliRun.run(send(later.port(), "5s")))).isEqualTo("\"451\"");
            assertThat(reason(CliRun.run(send(never.port(), "5s")))).isEqualTo("\"550\"");
            CliRun ambiguous = CliRun.run(send(dropped.port(), "5s"));
            assertThat(ambiguous.exit).isEqualTo(1);
            assertThat(ambiguous.out).contains("\"type\":\"ambiguous\"");
            assertThat(reason(ambiguous)).isEqualTo("\"NO_FINAL_REPLY\"");
            CliRun timeout = CliRun.run(send(stalled.port(), "3s"));
            assertThat(timeout.exit).isEqualTo(4);
            assertThat(reason(timeout)).isEqualTo("\"TIMEOUT\"");
        }
    }

    @Test
    void connectionRefused_reason() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CliRun smtp = CliRun.run(send(port, "3s"));
        assertThat(smtp.exit).isEqualTo(4);
        assertThat(reason(smtp)).isEqualTo("\"CONNECTION_REFUSED\"");
        CliRun imap = CliRun.run(fetch(port, "imap"));
        assertThat(imap.exit).isEqualTo(4);
        assertThat(reason(imap)).isEqualTo("\"CONNECTION_REFUSED\"");
    }

    @Test
    void securityAndUsageFailures_reason() throws Exception {
        try (HostileSmtpServer noTls = HostileSmtpServer.builder(serverTls).offerStartTls(false).start();
             HostileSmtpServer expired = HostileSmtpServer.builder(
                     ServerTls.context(pki.localhostLeaf().expired().issue())).start()) {
            assertThat(reason(CliRun.run(send(noTls.port(), "5s")))).isEqualTo("\"STARTTLS_NOT_OFFERED\"");
            Path ca = dir.resolve("ca.pem");
            Files.writeString(ca, pki.rootPem());
            CliRun r = CliRun.run("send", "--server", "localhost:" + expired.port(), "--trust-pem", ca.toString(),
                    "--from", "me@example.test", "--to", "you@example.test", "--timeout", "5s", "--json");
            assertThat(reason(r)).isEqualTo("\"TLS_REFUSED/CERTIFICATE_EXPIRED\"");
        }
        CliRun usage = CliRun.run("send", "--server", "localhost:99999", "--from", "a@example.test", "--to",
                "b@example.test", "--json");
        assertThat(usage.exit).isEqualTo(2);
        assertThat(reason(usage)).isEqualTo("\"USAGE\"");
        CliRun address = CliRun.run("send", "--server", "localhost:25", "--from", "not an address", "--to",
                "b@example.test", "--json");
        assertThat(address.exit).isEqualTo(2);
        assertThat(reason(address)).isEqualTo("\"INVALID_ADDRESS\"");
    }

    @Test
    void reason_isNeverNull_evenForUnexpectedFailures() {
        assertThat(Outcomes.reason(new IllegalStateException("x"))).isEqualTo("USAGE");
        assertThat(Outcomes.reason(new jakarta.mail.MessagingException("x"))).isEqualTo("MAIL_ERROR");
        assertThat(Outcomes.reason(new jakarta.mail.MessageRemovedException("x"))).isEqualTo("NO_SUCH_MESSAGE");
        assertThat(Outcomes.reason(new jakarta.mail.FolderNotFoundException())).isEqualTo("NO_SUCH_FOLDER");
        assertThat(Outcomes.reason(new java.net.SocketTimeoutException("Read timed out"))).isEqualTo("TIMEOUT");
        assertThat(Outcomes.reason(new RuntimeException("x"))).isEqualTo("UNEXPECTED");
    }
}
