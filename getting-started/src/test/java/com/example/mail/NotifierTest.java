package com.example.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.SecureMailServerExtension;
import org.securemail.testing.WireAssertions;
import org.securemail.transport.Credentials;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailSecurityException;

/**
 * Your mail code, tested. With SecureMail's test kit: a message goes out under TLS, once, and nothing of it or of the
 * password crosses the wire in cleartext (docs/testing-your-code.md). With nothing but the JDK: a server on loopback
 * that does not offer STARTTLS (as when a network device strips it) never receives the password, the message or a
 * mailbox command.
 */
class NotifierTest {
    @RegisterExtension
    static final SecureMailServerExtension mail = SecureMailServerExtension.create();

    @Test
    void send_withTestKit_deliveredOnceUnderTls_nothingInCleartext() throws Exception {
        HostileSmtpServer smtp = mail.smtp();
        try (Notifier notifier = new Notifier(smtp.host(), smtp.port(), "app@example.test",
                Credentials.password("app@example.test", "s3cret".toCharArray()), mail.policy())) {
            assertTrue(notifier.send("you@example.test", "hi", "secret text").isEncrypted());
        }
        List<String> forbidden = new ArrayList<>(WireAssertions.secretForms("app@example.test", "s3cret"));
        forbidden.add("secret text");
        WireAssertions.assertNothingSentInCleartext(smtp, forbidden);
        WireAssertions.assertDeliveredOnce(smtp, "Subject: hi");
    }

    @Test
    void send_serverWithoutStartTls_refusedBeforeCredentialsOrMessage() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread smtp = new Thread(() -> serveWithoutStartTls(server, received));
            smtp.start();
            try (Notifier notifier = new Notifier("localhost", server.getLocalPort(), "app@example.test",
                    Credentials.password("app@example.test", "s3cret".toCharArray()))) {
                MailSecurityException e = assertThrows(MailSecurityException.class,
                        () -> notifier.send("you@example.test", "hi", "secret text"));
                assertEquals(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, e.reason());
            }
            smtp.join();
        }
        assertTrue(received.stream().anyMatch(l -> l.startsWith("EHLO")), received::toString);
        assertFalse(received.stream().anyMatch(l -> l.startsWith("AUTH") || l.startsWith("MAIL")
                || l.contains("secret")), received::toString);
    }

    @Test
    void inbox_serverWithoutStartTls_refusedBeforeLogin() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread imap = new Thread(() -> serveImapWithoutStartTls(server, received));
            imap.start();
            try (Inbox inbox = new Inbox("localhost", server.getLocalPort(), SecurityMode.STARTTLS_REQUIRED,
                    Credentials.password("alice", "s3cret".toCharArray()))) {
                MailSecurityException e = assertThrows(MailSecurityException.class, () -> inbox.newest(10));
                assertEquals(MailSecurityException.Reason.STARTTLS_NOT_OFFERED, e.reason());
            }
            imap.join();
        }
        assertTrue(received.stream().anyMatch(l -> l.contains("CAPABILITY")), received::toString);
        assertFalse(received.stream().anyMatch(l -> l.contains("LOGIN") || l.contains("AUTHENTICATE")
                || l.contains("s3cret") || l.contains("SELECT") || l.contains("EXAMINE")), received::toString);
    }

    /** Greets, announces capabilities without STARTTLS, records every line until the client leaves. */
    private static void serveImapWithoutStartTls(ServerSocket server, List<String> received) {
        try (Socket s = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = s.getOutputStream();
            out.write("* OK test IMAP ready\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                String tag = line.split(" ", 2)[0];
                String reply = line.toUpperCase(Locale.ROOT).contains("CAPABILITY")
                        ? "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n"
                        : line.toUpperCase(Locale.ROOT).contains("LOGOUT") ? "* BYE\r\n" + tag + " OK bye\r\n"
                        : tag + " BAD not now\r\n";
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (java.io.IOException e) {
            received.add("server error: " + e);
        }
    }

    /** Greets, answers EHLO without STARTTLS, records every line until the client leaves. */
    private static void serveWithoutStartTls(ServerSocket server, List<String> received) {
        try (Socket s = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = s.getOutputStream();
            out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                String reply = line.startsWith("EHLO") ? "250-test\r\n250 AUTH PLAIN\r\n"
                        : line.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n";
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                if (line.startsWith("QUIT")) {
                    break;
                }
            }
        } catch (java.io.IOException e) {
            received.add("server error: " + e);
        }
    }
}
