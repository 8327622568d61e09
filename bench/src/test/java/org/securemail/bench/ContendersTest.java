package org.securemail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.bench.sink.SmtpSink;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** Every SMTP and TLS contender really delivers through the sink (in this JVM here); nothing is timed. */
class ContendersTest {
    private static final char[] PASSWORD = "contender-test".toCharArray();
    private static SmtpSink sink;
    private static SmtpTarget target;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        TestPki pki = TestPki.create("Contenders test");
        sink = SmtpSink.start(ServerTls.context(pki.localhostLeaf().issue()), "bench", PASSWORD, true, 0);
        target = new SmtpTarget("localhost", sink.starttlsPort(), sink.implicitPort(), pki.rootCertificate(),
                dir.resolve("ca.pem"), "bench", PASSWORD);
    }

    @AfterAll
    static void stop() throws IOException {
        sink.close();
    }

    @Test
    void smtpContenders_twoMessagesEach_sinkCountsEveryMessage() throws Exception {
        List<SmtpClient> clients = List.of(RawAngusClients.asShipped(target),
                RawAngusClients.perMessageIdenticalTls(target), RawAngusClients.reusedConnection(target),
                SecureMailClients.pooledSender(target), SecureMailClients.senderPerMessage(target),
                SecureMailClients.dropIn(target), SecureMailClients.dropInReused(target));
        long before = sink.stats().messages();

        for (SmtpClient c : clients) {
            c.send(Mail.small(), 1);
            c.send(Mail.small(), 2);
            c.close();
        }

        assertThat(sink.stats().messages() - before).isEqualTo(2L * clients.size());
        assertThat(sink.stats().authFailures()).isZero();
        assertThat(sink.stats().line()).contains("TLSv1.3/").doesNotContain("TLSv1.2/");
    }

    @Test
    void tlsContenders_secondHandshake_resumesExceptBouncyCastleTls13() throws IOException {
        assertThat(resumedOnSecond(SecureMailClients.tls(target, TlsProvider.JDK, TlsVersion.TLS_1_3))).isTrue();
        assertThat(resumedOnSecond(RawAngusClients.jdkTls(target))).isTrue();
        assertThat(resumedOnSecond(SecureMailClients.tls(target, TlsProvider.BOUNCY_CASTLE, TlsVersion.TLS_1_2)))
                .isTrue();
        assertThat(resumedOnSecond(SecureMailClients.tls(target, TlsProvider.BOUNCY_CASTLE, TlsVersion.TLS_1_3)))
                .isFalse();
    }

    @Test
    void tlsContender_sessionInvalidated_nextHandshakeIsFull() throws IOException {
        TlsClient c = SecureMailClients.tls(target, TlsProvider.JDK, TlsVersion.TLS_1_3);
        try (SSLSocket s = connect(c)) {
            s.getSession().invalidate();
        }

        try (SSLSocket s = connect(c)) {
            assertThat(c.resumed(s)).isFalse();
        }
    }

    private static boolean resumedOnSecond(TlsClient c) throws IOException {
        try (SSLSocket s = connect(c)) {
            assertThat(c.resumed(s)).isFalse();
        }
        try (SSLSocket s = connect(c)) {
            return c.resumed(s);
        }
    }

    /** Handshakes and reads the greeting, which takes in a TLS 1.3 session ticket. */
    private static SSLSocket connect(TlsClient c) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("localhost", sink.implicitPort()), 10_000);
        plain.setSoTimeout(20_000);
        SSLSocket s = c.handshake(plain);
        int ch;
        while ((ch = s.getInputStream().read()) >= 0 && ch != '\n') {
            // the greeting
        }
        return s;
    }
}
