package org.securemail.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

class SmtpSinkTest {
    private static final char[] PASSWORD = "sink-test-password".toCharArray();
    private static TestPki pki;
    private static SmtpSink sink;
    private static SSLContext client;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("Sink test");
        sink = SmtpSink.start(ServerTls.context(pki.localhostLeaf().issue()), "bench", PASSWORD, true, 2);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.rootCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws IOException {
        sink.close();
    }

    /** A line-oriented client that can switch to TLS. */
    private static final class Client implements AutoCloseable {
        Socket socket;
        BufferedReader in;
        OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getByName("localhost"), port);
            socket.setSoTimeout(20_000);
            streams();
        }

        private void streams() throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Reads one reply (all its lines) and returns its last line. */
        String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    return null;
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        List<String> ehlo() throws IOException {
            send("EHLO client.test\r\n");
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                lines.add(line);
            } while (line.charAt(3) == '-');
            return lines;
        }

        void startTls() throws IOException {
            ehlo();
            send("STARTTLS\r\n");
            assertThat(reply()).startsWith("220 ");
            SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(socket, "localhost", socket.getPort(),
                    true);
            s.startHandshake();
            socket = s;
            streams();
        }

        void login() throws IOException {
            startTls();
            ehlo();
            send("AUTH PLAIN " + plain("bench", new String(PASSWORD)) + "\r\n");
            assertThat(reply()).startsWith("235 ");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sink_greetingAndEhloBeforeTls_offerStartTlsAndPipeliningButNoAuth() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            assertThat(c.reply()).startsWith("220 ");
            List<String> ehlo = c.ehlo();

            assertThat(ehlo).contains("250-PIPELINING", "250 STARTTLS");
            assertThat(ehlo).noneMatch(l -> l.contains("AUTH"));
        }
    }

    @Test
    void sink_ehloInsideTls_offersAuthPlainLogin() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.startTls();

            assertThat(c.ehlo()).contains("250-PIPELINING", "250 AUTH PLAIN LOGIN");
        }
    }

    @Test
    void sink_authBeforeStartTls_refusedWith530() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.ehlo();
            c.send("AUTH PLAIN " + plain("bench", new String(PASSWORD)) + "\r\n");

            assertThat(c.reply()).startsWith("530 ");
        }
    }

    @Test
    void sink_mailBeforeAuth_refusedWith530() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.startTls();
            c.ehlo();
            c.send("MAIL FROM:<a@localhost>\r\n");

            assertThat(c.reply()).startsWith("530 ");
        }
    }

    @Test
    void sink_wrongPassword_refusedWith535AndCounted() throws IOException {
        long before = sink.stats().authFailures();
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.startTls();
            c.ehlo();
            c.send("AUTH PLAIN " + plain("bench", "wrong") + "\r\n");

            assertThat(c.reply()).startsWith("535 ");
        }
        assertThat(sink.stats().authFailures()).isEqualTo(before + 1);
    }

    @Test
    void sink_authLoginWithChallenges_accepted() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.startTls();
            c.ehlo();
            c.send("AUTH LOGIN\r\n");
            assertThat(c.reply()).isEqualTo("334 VXNlcm5hbWU6");
            c.send(Base64.getEncoder().encodeToString("bench".getBytes(StandardCharsets.UTF_8)) + "\r\n");
            assertThat(c.reply()).isEqualTo("334 UGFzc3dvcmQ6");
            c.send(Base64.getEncoder().encodeToString(new String(PASSWORD).getBytes(StandardCharsets.UTF_8))
                    + "\r\n");

            assertThat(c.reply()).startsWith("235 ");
        }
    }

    @Test
    void sink_pipelinedTransaction_answersEachCommandInOrder() throws IOException {
        long before = sink.stats().messages();
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.login();
            c.send("MAIL FROM:<a@localhost>\r\nRCPT TO:<b@localhost>\r\nRCPT TO:<c@localhost>\r\nDATA\r\n");

            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354 ");
            c.send("Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@localhost>\r\nRCPT TO:<b@localhost>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354 ");
            c.send(".\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(c.reply()).startsWith("221 ");
        }
        assertThat(sink.stats().messages()).isEqualTo(before + 2);
    }

    @Test
    void sink_dataInSmallPiecesWithDotStuffing_endsOnlyAtTheLoneDot() throws IOException {
        long before = sink.stats().messages();
        long bytesBefore = sink.stats().dataBytes();
        String data = "Subject: dots\r\n\r\n..leading dot\r\n.x\r\nline with . and \r\n. in it\r\n\r\n.\r\n";
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.login();
            c.send("MAIL FROM:<a@localhost>\r\n");
            c.reply();
            c.send("RCPT TO:<b@localhost>\r\n");
            c.reply();
            c.send("DATA\r\n");
            assertThat(c.reply()).startsWith("354 ");
            for (int i = 0; i < data.length(); i++) {
                c.send(data.substring(i, i + 1));
            }

            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        assertThat(sink.stats().messages()).isEqualTo(before + 1);
        assertThat(sink.stats().dataBytes() - bytesBefore).isEqualTo(data.length());
    }

    @Test
    void sink_commandPipelinedAfterStartTls_refusedAndClosed() throws IOException {
        try (Client c = new Client(sink.starttlsPort())) {
            c.reply();
            c.ehlo();
            c.send("STARTTLS\r\nEHLO sneaky\r\n");

            assertThat(c.reply()).startsWith("501 ");
            assertThat(c.in.readLine()).isNull();
        }
    }

    @Test
    void sink_implicitTlsPort_greetsInsideTls() throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", sink.implicitPort())) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));

            assertThat(in.readLine()).startsWith("220 ");
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void latencyProxy_relaysBothDirections_inOrder() throws IOException {
        try (Client c = new Client(sink.proxyPort())) {
            assertThat(c.reply()).startsWith("220 ");
            c.send("NOOP\r\nNOOP\r\nVRFY x\r\n");

            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("252 ");
            assertThat(c.ehlo()).contains("250 STARTTLS");
        }
    }
}
