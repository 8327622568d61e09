package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.Timeouts;

/**
 * The plain socket under IMAP and POP3 connections is a firewall of its own, below Angus Mail: with Angus-style tagged
 * IMAP commands and POP3 commands, everything but the allowed commands is stopped before it reaches the network.
 */
class FetchCleartextGuardTest {
    private static final TestPki PKI = TestPki.create("Guard");
    private static final TlsEngine ENGINE = TlsEngine.create();

    private static Socket guarded(CleartextRules rules, int port) throws Exception {
        MailWiring wiring = new MailWiring(rules, SecurityMode.STARTTLS_REQUIRED, ENGINE.connector(TlsPolicy.builder()
                .trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).build()), Timeouts.DEFAULT,
                Limits.SMTP_TLS);
        Socket s = wiring.plainFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1 LOGIN alice s3cret", "B12 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==", "C3 SELECT INBOX",
        "D4 ID (\"name\" \"x\")", "E5 ENABLE UTF8=ACCEPT", "F6 UID FETCH 1:* (BODY[])"})
    void imap_commandsOtherThanTheAllowedOnes_neverLeave(String command) throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(ServerTls.context(PKI.localhostLeaf().issue()))
                .start(); Socket s = guarded(CleartextRules.IMAP, server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
            out.write("A0 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("* CAPABILITY");
            assertThat(in.readLine()).startsWith("A0 OK");
            GuardException e = catchThrowableOfType(GuardException.class, () -> {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            });
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED);
            String verb = command.split(" ")[1];
            assertThat(e.getMessage()).startsWith("refused to send " + verb + " in cleartext")
                    .doesNotContain("s3cret").doesNotContain("INBOX");
            assertThat(server.awaitLine(l -> l.text.equals("A0 CAPABILITY"), Duration.ofSeconds(5))).isTrue();
            assertThat(server.lines()).extracting(l -> l.text).containsExactly("A0 CAPABILITY");
            assertThat(server.cleartextBytes()).doesNotContain(command.split(" ")[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"USER alice", "PASS s3cret", "AUTH PLAIN AGFsaWNlAHMzY3JldA==", "APOP alice 0123",
        "RETR 1", "UIDL"})
    void pop3_commandsOtherThanCapaStlsQuit_neverLeave(String command) throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(ServerTls.context(PKI.localhostLeaf().issue()))
                .start(); Socket s = guarded(CleartextRules.POP3, server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+OK");
            GuardException e = catchThrowableOfType(GuardException.class, () -> {
                s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            });
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED);
            assertThat(e.getMessage()).startsWith("refused to send " + command.split(" ")[0] + " in cleartext");
            assertThat(server.cleartextBytes()).isEmpty();
        }
    }

    @Test
    void imapRules_followAngusTags() {
        CleartextRules imap = CleartextRules.IMAP;
        assertThat(imap.verb("AB12 capability")).isEqualTo("CAPABILITY");
        assertThat(imap.allowedBeforeTls("Z9 LOGOUT")).isTrue();
        assertThat(imap.allowedBeforeTls("A1 LOGIN a b")).isFalse();
        assertThat(imap.tag("AAB7 STARTTLS")).isEqualTo("AAB7");
        assertThat(imap.isStartTls("AAB7 STARTTLS")).isTrue();
        assertThat(imap.endsStartTlsReply("A1 OK Begin TLS", "A1")).isTrue();
        assertThat(imap.endsStartTlsReply("A10 OK Begin TLS", "A1")).isFalse();
        assertThat(imap.endsStartTlsReply("* CAPABILITY IMAP4rev1", "A1")).isFalse();
        assertThat(imap.isGoAhead("a1 ok begin", "A1")).isTrue();
        assertThat(imap.isGoAhead("A1 NO later", "A1")).isFalse();
        assertThat(imap.announcesStartTls("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready")).isTrue();
        assertThat(imap.announcesStartTls("* CAPABILITY IMAP4rev1 STARTTLS")).isTrue();
        assertThat(imap.announcesStartTls("* OK [ALERT] use STARTTLS")).isFalse();
        CleartextRules pop3 = CleartextRules.POP3;
        assertThat(pop3.isStartTls("STLS")).isTrue();
        assertThat(pop3.announcesStartTls("STLS")).isTrue();
        assertThat(pop3.isGoAhead("+OK Begin TLS", null)).isTrue();
        assertThat(pop3.isGoAhead("-ERR no", null)).isFalse();
    }
}
