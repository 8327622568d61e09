package org.securemail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** fetch --uid: one message printed or saved, streamed, and never a short copy that looks complete. */
class FetchMessageTest {
    private static SSLContext serverTls;
    private static String pin;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        TestPki pki = TestPki.create("CLI fetch");
        TestPki.Issued server = pki.localhostLeaf().issue();
        serverTls = ServerTls.context(server);
        pin = TrustSource.spkiPin(server.certificate());
    }

    private String[] fetch(int port, String protocol, String... extra) throws IOException {
        return fetchWithin("5s", port, protocol, extra);
    }

    private String[] fetchWithin(String timeout, int port, String protocol, String... extra) throws IOException {
        Path password = dir.resolve("password");
        Files.writeString(password, "pw\n");
        List<String> a = new ArrayList<>(List.of("fetch", "--server", "localhost:" + port, "--protocol", protocol,
                "--mode", "implicit", "--pin", pin, "--user", "alice", "--password-file", password.toString(),
                "--timeout", timeout));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void imapUid_printsTheWholeMessage_inPartialFetches_withoutMarkingItRead() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(serverTls).implicitTls(true).messages(2)
                .bodyBytes(100_000).start()) {
            CliRun r = CliRun.run(fetch(imap.port(), "imap", "--uid", "1001"));
            assertThat(r.exit).as(r.toString()).isZero();
            String text = r.stdoutText();
            assertThat(text).startsWith("From: Sender 1 <sender1@example.test>\r\n").contains("Subject: Message 1\r\n")
                    .endsWith("a line of text that repeats.\r\n");
            assertThat(text.length()).isGreaterThan(100_000);
            assertThat(r.out).as("standard output holds the message alone").isEmpty();
            List<String> bodyFetches = imap.lines().stream().map(l -> l.text).filter(t -> t.contains("BODY"))
                    .toList();
            assertThat(bodyFetches).as("16 KiB partial fetches that peek").hasSizeGreaterThanOrEqualTo(7)
                    .allMatch(t -> t.matches(".*BODY\\.PEEK\\[]<\\d+\\.16384>.*"));
            assertThat(imap.flags(1001)).doesNotContain("\\Seen");
            assertThat(imap.cleartextBytes()).isEmpty();
        }
    }

    @Test
    void imapUid_output_savesTheMessageReadableByTheOwnerOnly_andReportsItInJson() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(serverTls).implicitTls(true).messages(3).start()) {
            Path file = dir.resolve("message.eml");
            CliRun r = CliRun.run(fetch(imap.port(), "imap", "--uid", "1002", "--output", file.toString(), "--json"));
            assertThat(r.exit).as(r.toString()).isZero();
            String saved = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(saved).startsWith("From: Sender 2 <sender2@example.test>\r\n").contains("Body of message 2");
            assertThat(r.out.trim()).startsWith("{\"ok\":true,\"command\":\"fetch\",\"exitCode\":0,\"protocol\":\"imap\"")
                    .contains("\"uid\":\"1002\"").contains("\"bytes\":" + saved.length())
                    .contains("\"handshake\":{");
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                assertThat(Files.getPosixFilePermissions(file))
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }
            assertThat(leftovers()).containsExactly(file);
        }
    }

    @Test
    void imapUid_unknown_exit1_noSuchMessage_andNoFile() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(serverTls).implicitTls(true).messages(2).start()) {
            Path file = dir.resolve("none.eml");
            CliRun r = CliRun.run(fetch(imap.port(), "imap", "--uid", "9999", "--output", file.toString(), "--json"));
            assertThat(r.exit).isEqualTo(1);
            assertThat(r.out).contains("\"reason\":\"NO_SUCH_MESSAGE\"").contains("INBOX has no message with UID 9999");
            assertThat(leftovers()).isEmpty();
        }
    }

    @Test
    void pop3Uid_printsTheMessageAsTheServerHoldsIt() throws Exception {
        try (HostilePop3Server pop3 = HostilePop3Server.builder(serverTls).implicitTls(true).messages(3).start()) {
            CliRun r = CliRun.run(fetch(pop3.port(), "pop3", "--uid", "uid-2"));
            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.stdoutText()).isEqualTo("From: sender2@example.test\r\nTo: alice@example.test\r\n"
                    + "Subject: Message 2\r\nMessage-ID: <p2@example.test>\r\n\r\nBody of message 2\r\n.leading dot\r\n");
            assertThat(pop3.deleted()).isEmpty();
        }
    }

    @Test
    void pop3Uid_serverStallsInRetr_exit4_andTheOutputFileNeverAppears() throws Exception {
        try (HostilePop3Server pop3 = HostilePop3Server.builder(serverTls).implicitTls(true).messages(2)
                .stallOn("RETR").start()) {
            Path file = dir.resolve("stalled.eml");
            CliRun r = CliRun.run(fetchWithin("3s", pop3.port(), "pop3", "--uid", "uid-1", "--output",
                    file.toString(), "--json"));
            assertThat(r.exit).as(r.toString()).isEqualTo(4);
            assertThat(r.out).contains("\"type\":\"transient\"").contains("\"reason\":\"TIMEOUT\"");
            assertThat(leftovers()).isEmpty();
        }
    }

    @Test
    void uidOptions_misused_areUsageErrors() {
        CliRun noUid = CliRun.run("fetch", "--server", "localhost:993", "--protocol", "imap", "--output", "x.eml");
        assertThat(noUid.exit).isEqualTo(2);
        assertThat(noUid.err).contains("--output saves the message named by --uid");
        CliRun jsonToStdout = CliRun.run("fetch", "--server", "localhost:993", "--protocol", "imap", "--uid", "1",
                "--json");
        assertThat(jsonToStdout.exit).isEqualTo(2);
        assertThat(jsonToStdout.out).contains("--json with --uid needs --output FILE");
        CliRun notANumber = CliRun.run("fetch", "--server", "localhost:993", "--protocol", "imap", "--uid", "abc");
        assertThat(notANumber.exit).isEqualTo(2);
        assertThat(notANumber.err).contains("--uid for imap is the message's UID, a number from 1 to 4294967295");
    }

    @Test
    void copy_serverEndsBeforeTheAnnouncedSize_isTruncated() {
        byte[] sent = "Subject: short\r\n\r\nonly part".getBytes(StandardCharsets.US_ASCII);
        MessageCopy.CountingSink sink = new MessageCopy.CountingSink(new ByteArrayOutputStream());
        assertThatThrownBy(() -> MessageCopy.copy(new ByteArrayInputStream(sent), sink, sent.length + 100,
                "message 7 of INBOX", "imap.example.test"))
                .isInstanceOf(Outcomes.TruncatedMessageException.class)
                .hasMessage("imap.example.test ended message 7 of INBOX early: " + sent.length + " of the "
                        + (sent.length + 100) + " bytes it announced (RFC822.SIZE) arrived, so the copy is incomplete;"
                        + " try again, and if it happens again the server's copy of the message is damaged");
        assertThat(Outcomes.reason(new Outcomes.TruncatedMessageException("x"))).isEqualTo("TRUNCATED");
        assertThat(Outcomes.exitCode(new Outcomes.TruncatedMessageException("x"))).isEqualTo(1);
    }

    @Test
    void copy_announcedSizeReached_copiesEverything() throws Exception {
        byte[] sent = new byte[40_000];
        java.util.Arrays.fill(sent, (byte) 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = MessageCopy.copy(new ByteArrayInputStream(sent), new MessageCopy.CountingSink(out), sent.length,
                "message 1", "host");
        assertThat(n).isEqualTo(sent.length);
        assertThat(out.toByteArray()).isEqualTo(sent);
    }

    @Test
    void copy_connectionBreaks_isAConnectionLoss_exit4() {
        InputStream breaking = new InputStream() {
            private int left = 10;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'a';
                }
                throw new IOException("Connection reset");
            }
        };
        assertThatThrownBy(() -> MessageCopy.copy(breaking, new MessageCopy.CountingSink(new ByteArrayOutputStream()),
                -1, "message 3 of INBOX", "imap.example.test"))
                .isInstanceOf(Outcomes.ConnectionLostException.class)
                .satisfies(e -> assertThat(Outcomes.exitCode(e)).isEqualTo(4))
                .satisfies(e -> assertThat(Outcomes.reason(e)).isEqualTo("CONNECTION_LOST"))
                .hasMessageStartingWith("imap.example.test lost the connection while sending message 3 of INBOX,"
                        + " after 10 bytes");
    }

    @Test
    void toFile_truncatedMessage_leavesNoFileBehind() throws Exception {
        Path file = dir.resolve("partial.eml");
        assertThatThrownBy(() -> MessageCopy.toFile(file, sink -> {
            sink.write("Subject: half\r\n".getBytes(StandardCharsets.US_ASCII));
            throw new Outcomes.TruncatedMessageException("ended early");
        }, "message 1")).isInstanceOf(Outcomes.TruncatedMessageException.class);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void toFile_outputFails_isAnOutputError_notTheServers() throws Exception {
        Path missingDir = dir.resolve("no-such-dir").resolve("m.eml");
        assertThatThrownBy(() -> MessageCopy.toFile(missingDir, sink -> 0, "message 1"))
                .isInstanceOf(Outcomes.OutputException.class)
                .hasMessageStartingWith("cannot save message 1 to " + missingDir + ": cannot create a file in");
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        MessageCopy.CountingSink sink = new MessageCopy.CountingSink(full);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> MessageCopy.copy(new ByteArrayInputStream(new byte[10]), sink, 10, "message 1", "host"));
        assertThat(MessageCopy.outputFailure(e, "message 1", "standard output"))
                .isInstanceOf(Outcomes.OutputException.class)
                .hasMessage("cannot write message 1 to standard output: java.io.IOException: No space left on device");
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().equals("password")).toList();
        }
    }
}
