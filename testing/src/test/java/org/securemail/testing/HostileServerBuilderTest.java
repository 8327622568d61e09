package org.securemail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The options the three servers share behave the same on each, from the shared builder. */
class HostileServerBuilderTest {
    private static SSLContext tls;

    @BeforeAll
    static void pki() {
        tls = ServerTls.context(TestPki.create("Builder").localhostLeaf().issue());
    }

    /** Sends the commands one per line in cleartext and returns everything the server answered until it closed. */
    private static List<String> talk(RecordingServer<?> server, String... commands) throws Exception {
        List<String> replies = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (String c : commands) {
                out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            s.shutdownOutput();
            String line;
            while ((line = in.readLine()) != null) {
                replies.add(line);
            }
        }
        return replies;
    }

    @Test
    void stripStartTls_smtp_notAnnounced() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(tls).stripStartTls().greeting("220 g").start()) {
            List<String> r = talk(server, "EHLO c", "QUIT");
            assertThat(r).containsExactly("220 g", "250-hostile.test", "250-8BITMIME", "250 ENHANCEDSTATUSCODES",
                    "221 2.0.0 Bye");
        }
    }

    @Test
    void withoutStrip_smtp_announcesStartTls() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(tls).start()) {
            assertThat(talk(server, "EHLO c", "QUIT")).contains("250 STARTTLS");
        }
    }

    @Test
    void stripStartTls_imap_notAnnounced() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(tls).stripStartTls().start()) {
            List<String> r = talk(server, "a CAPABILITY", "c LOGOUT");
            assertThat(r).contains("* CAPABILITY IMAP4rev1 LOGINDISABLED", "c OK LOGOUT completed");
        }
    }

    @Test
    void noTls_imap_startTlsRefused() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(null).start()) {
            assertThat(talk(server, "b STARTTLS", "c LOGOUT")).contains("b BAD STARTTLS not available");
        }
    }

    @Test
    void stripStartTls_pop3_notAnnounced() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(tls).stripStartTls().start()) {
            List<String> r = talk(server, "CAPA", "QUIT");
            assertThat(r).containsExactly("+OK hostile POP3 ready", "+OK Capability list follows", "USER", "UIDL",
                    "TOP", "SASL PLAIN", ".", "+OK bye");
        }
    }

    @Test
    void dropOn_secondOccurrence_closesThatConnectionOnly() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(null).dropOn("USER", 2).start()) {
            assertThat(talk(server, "USER a", "QUIT")).containsExactly("+OK hostile POP3 ready", "+OK send PASS",
                    "+OK bye");
            assertThat(talk(server, "USER a", "QUIT")).containsExactly("+OK hostile POP3 ready");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void authReplies_thenAuthReply_inOrderOverConnections() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(null).capabilitiesBeforeTls("IMAP4rev1")
                .authReplies("NO [UNAVAILABLE] try later").authReply("NO [AUTHENTICATIONFAILED] no").start()) {
            assertThat(talk(server, "a LOGIN u p")).contains("a NO [UNAVAILABLE] try later");
            assertThat(talk(server, "a LOGIN u p")).contains("a NO [AUTHENTICATIONFAILED] no");
        }
    }

    @Test
    void dropOn_occurrenceBelowOne_rejected() {
        assertThatThrownBy(() -> HostileSmtpServer.builder(tls).dropOn("RCPT", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("occurrence must be 1 or more: 0");
    }
}
