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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.securemail.transport.Credentials;
import org.securemail.transport.MailSecurityException;

/**
 * Your mail code, tested: a server on loopback that does not offer STARTTLS (as when a network device strips it)
 * never receives the password or the message. The server here is a few lines of plain SMTP; SecureMail's test kit
 * will bring TLS servers with certificates made per run for the tests that send for real.
 */
class NotifierTest {

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
