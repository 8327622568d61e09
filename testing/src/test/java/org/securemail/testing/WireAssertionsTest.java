package org.securemail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.securemail.testing.WireAssertions.assertDeliveredOnce;
import static org.securemail.testing.WireAssertions.assertNoCredentialsReceived;
import static org.securemail.testing.WireAssertions.assertNothingDelivered;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The assertions fail when they must: a plain socket client plays the careless mail client and sends what a secure one
 * never would.
 */
class WireAssertionsTest {
    private static final List<String> SECRETS = WireAssertions.secretForms("alice", "pa55word");

    /** A line-by-line client in cleartext: sends each command and reads the reply's lines. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(RecordingServer<?> server) throws IOException {
            socket = new Socket("127.0.0.1", server.port());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        /** Sends a line and returns the last line of the reply (the one without a continuation mark). */
        String send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String r;
            do {
                r = in.readLine();
            } while (r != null && r.length() > 3 && r.charAt(3) == '-');
            return r;
        }

        /** Sends a tagged IMAP command and reads up to its tagged reply. */
        String sendTagged(String tag, String command) throws IOException {
            out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String r;
            do {
                r = in.readLine();
            } while (r != null && !r.startsWith(tag + " "));
            return r;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void nothingSentInCleartext_onlyEhloAndQuit_passes() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).start(); Client c = new Client(server)) {
            c.in.readLine();
            c.send("EHLO client.test");
            c.send("QUIT");
            assertNothingSentInCleartext(server, SECRETS);
            assertNoCredentialsReceived(server, SECRETS);
        }
    }

    @Test
    void nothingSentInCleartext_authInCleartext_failsNamingTheCommand() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).authBeforeTls(true).start();
             Client c = new Client(server)) {
            c.in.readLine();
            c.send("EHLO client.test");
            assertThat(c.send("AUTH PLAIN AGFsaWNlAHBhNTV3b3Jk")).startsWith("235");
            assertThatThrownBy(() -> assertNothingSentInCleartext(server, SECRETS))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("the server received AUTH in cleartext (connection 1); only [EHLO, HELO, QUIT,"
                            + " STARTTLS] may come before TLS");
            assertThatThrownBy(() -> assertNoCredentialsReceived(server, List.of()))
                    .hasMessage("the server received AUTH in cleartext");
        }
    }

    @Test
    void nothingSentInCleartext_secretInsideAnAllowedCommand_failsNamingTheText() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).start(); Client c = new Client(server)) {
            c.in.readLine();
            c.send("EHLO pa55word");
            assertThatThrownBy(() -> assertNothingSentInCleartext(server, SECRETS))
                    .hasMessage("the server received \"pa55word\" in cleartext");
        }
    }

    @Test
    void nothingSentInCleartext_imapSelectAfterTag_fails() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(null).capabilitiesBeforeTls("IMAP4rev1").start();
             Client c = new Client(server)) {
            c.in.readLine();
            assertThat(c.sendTagged("a1", "CAPABILITY")).isEqualTo("a1 OK CAPABILITY completed");
            assertNothingSentInCleartext(server, SECRETS);
            assertThat(c.sendTagged("a2", "SELECT INBOX")).startsWith("a2 OK");
            assertThatThrownBy(() -> assertNothingSentInCleartext(server, SECRETS))
                    .hasMessageStartingWith("the server received SELECT in cleartext");
        }
    }

    @Test
    void deliveredOnce_countsWholeMessagesContainingTheText() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).start(); Client c = new Client(server)) {
            c.in.readLine();
            c.send("EHLO client.test");
            assertNothingDelivered(server);
            assertThatThrownBy(() -> assertDeliveredOnce(server, "Message-ID: <1@test>"))
                    .hasMessage("expected the server to receive one message containing \"Message-ID: <1@test>\" but"
                            + " it received 0 (of 0 messages)");
            for (int i = 0; i < 2; i++) {
                c.send("MAIL FROM:<a@test>");
                c.send("RCPT TO:<b@test>");
                c.send("DATA");
                assertThat(c.send("Message-ID: <1@test>\r\n\r\nhello\r\n.")).startsWith("250");
            }
            assertThatThrownBy(() -> assertDeliveredOnce(server, "Message-ID: <1@test>"))
                    .hasMessageEndingWith("but it received 2 (of 2 messages)");
            assertThatThrownBy(() -> assertNothingDelivered(server))
                    .hasMessage("expected the server to receive no message but it received 2");
        }
    }
}
