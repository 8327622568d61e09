package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.relay.MtaStsMode;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.TlsReportResultType;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

class MtaStsHttpsSourceTest {

    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
            + "mx: *.mx.example.com\r\nmax_age: 604800\r\n";

    private static TestPki pki;
    private static SSLContext policyHostTls;
    private static TlsPolicy trustTestCa;
    private static final TlsEngine ENGINE = TlsEngine.create();

    @BeforeAll
    static void pki() {
        pki = TestPki.create("mta-sts");
        policyHostTls = ServerTls.context(pki.leaf().dnsNames("mta-sts.example.com").issue());
        trustTestCa = TlsPolicy.builder().trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
    }

    private static MtaStsHttpsSource source(HttpsTestServer server) {
        return source(server, Duration.ofSeconds(20));
    }

    private static MtaStsHttpsSource source(HttpsTestServer server, Duration deadline) {
        return MtaStsHttpsSource.create(ENGINE, trustTestCa, host -> List.of(InetAddress.getByName("127.0.0.1")),
                server.port(), deadline);
    }

    private static String ok(String contentType, int length) {
        return "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void fetch_status200TextPlain_returnsPolicyAndSendsOneGetForTheWellKnownPath() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed(ok("text/plain; charset=utf-8", POLICY.length()), POLICY))) {
            MtaStsPolicy policy = source(server).fetch("example.com");

            assertThat(policy.mode()).isEqualTo(MtaStsMode.ENFORCE);
            assertThat(policy.mxPatterns()).containsExactly("mx1.example.com", "*.mx.example.com");
            assertThat(server.requests()).hasSize(1);
            assertThat(server.requests().get(0))
                    .startsWith("GET /.well-known/mta-sts.txt HTTP/1.1\r\n")
                    .contains("\r\nHost: mta-sts.example.com:" + server.port() + "\r\n")
                    .contains("\r\nConnection: close\r\n");
        }
    }

    @Test
    void fetch_chunkedBody_isReassembled() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
        String half1 = POLICY.substring(0, 20);
        String half2 = POLICY.substring(20);
        String body = Integer.toHexString(half1.length()) + "\r\n" + half1 + "\r\n"
                + Integer.toHexString(half2.length()) + ";ext=1\r\n" + half2 + "\r\n0\r\n\r\n";
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, HttpsTestServer.fixed(head, body))) {
            assertThat(source(server).fetch("example.com").text()).isEqualTo(POLICY);
        }
    }

    @Test
    void fetch_http10BodyUntilClose_isAccepted() throws Exception {
        String head = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n";
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, HttpsTestServer.fixed(head, POLICY))) {
            assertThat(source(server).fetch("example.com").text()).isEqualTo(POLICY);
        }
    }

    @Test
    void fetch_status404_failsAsFetchErrorWithTheStatus() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n",
                        "not found"))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e -> {
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR);
                        assertThat(e.reasonCode()).contains("http-404");
                    })
                    .hasMessage("MTA-STS policy https://mta-sts.example.com/.well-known/mta-sts.txt must answer"
                            + " status 200: it answered 404; the domain must serve its policy there, or remove its"
                            + " _mta-sts TXT record");
        }
    }

    @Test
    void fetch_redirect301_isNotFollowed() throws Exception {
        String head = "HTTP/1.1 301 Moved Permanently\r\nLocation: https://mta-sts.example.com:PORT/moved.txt\r\n"
                + "Content-Length: 0\r\n\r\n";
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, (out, self) -> {
            out.write(head.replace("PORT", String.valueOf(self.port())).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e -> {
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR);
                        assertThat(e.reasonCode()).contains("http-301");
                    })
                    .hasMessageContaining("it answered 301 (redirect to https://mta-sts.example.com:"
                            + server.port() + "/moved.txt not followed, RFC 8461 §3.3)");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void fetch_contentTypeHtml_failsAsPolicyInvalid() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed(ok("text/html", POLICY.length()), POLICY))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                            assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_INVALID))
                    .hasMessageEndingWith("must be served as text/plain: Content-Type is \"text/html\"");
        }
    }

    @Test
    void fetch_noContentType_failsAsPolicyInvalid() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + POLICY.length() + "\r\n\r\n";
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, HttpsTestServer.fixed(head, POLICY))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                            assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_INVALID));
        }
    }

    @Test
    void fetch_malformedPolicy_failsAsPolicyInvalid() throws Exception {
        String body = "version: STSv1\nmode: enforce\nmax_age: 86400\n";
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed(ok("text/plain", body.length()), body))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e -> {
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_INVALID);
                        assertThat(e.reasonCode()).contains("syntax");
                    })
                    .hasMessageContaining("must have at least one \"mx\" line");
        }
    }

    @Test
    void fetch_contentLengthOver64KiB_isRefusedWithoutReadingTheBody() throws Exception {
        long total = 100L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, (out, self) -> {
            out.write(ok("text/plain", 0).replace("Content-Length: 0", "Content-Length: " + total)
                    .getBytes(StandardCharsets.US_ASCII));
            writeFiller(out, total, written);
        })) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                            assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR))
                    .hasMessageContaining("body must be at most 65536 bytes: Content-Length is " + total);
            server.awaitHandled();
            assertThat(written.get()).isLessThan(total);
            assertThat(server.handlerErrors()).isNotEmpty(); // the client hung up on it
        }
    }

    @Test
    void fetch_bodyUntilCloseOver64KiB_isRefusedAfter64KiB() throws Exception {
        long total = 100L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, (out, self) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            writeFiller(out, total, written);
        })) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOf(MtaStsFetchException.class)
                    .hasMessageContaining("body must be at most 65536 bytes: it is longer");
            server.awaitHandled();
            assertThat(written.get()).isLessThan(total);
        }
    }

    @Test
    void fetch_chunkedBodyOver64KiB_isRefused() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, (out, self) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[40 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 3; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOf(MtaStsFetchException.class)
                    .hasMessageContaining("body must be at most 65536 bytes");
        }
    }

    @Test
    void fetch_serverNeverAnswers_failsAtTheDeadline() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, HttpsTestServer.silent())) {
            assertThatThrownBy(() -> source(server, Duration.ofMillis(500)).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e -> {
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR);
                        assertThat(e.reasonCode()).contains("timeout");
                        assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
                    })
                    .hasMessageContaining("exceeded its deadline");
        }
    }

    @Test
    void fetch_certificateForAnotherName_failsAsWebPkiInvalidBeforeAnyRequest() throws Exception {
        SSLContext wrongName = ServerTls.context(pki.leaf().dnsNames("mta-sts.example.net").issue());
        try (HttpsTestServer server = HttpsTestServer.start(wrongName, HttpsTestServer.fixed(
                ok("text/plain", POLICY.length()), POLICY))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e -> {
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_WEBPKI_INVALID);
                        assertThat(e.reasonCode()).contains("host-name-mismatch");
                        assertThat(e.getCause()).isInstanceOf(TlsRefusedException.class);
                    });
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void fetch_certificateFromAnUntrustedCa_failsAsWebPkiInvalidBeforeAnyRequest() throws Exception {
        SSLContext stranger = ServerTls.context(TestPki.create("stranger").leaf().dnsNames("mta-sts.example.com")
                .issue());
        try (HttpsTestServer server = HttpsTestServer.start(stranger, HttpsTestServer.fixed(
                ok("text/plain", POLICY.length()), POLICY))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                            assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_WEBPKI_INVALID));
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void fetch_notHttp1_failsAsFetchError() throws Exception {
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed("SMTP/1.1 200 OK\r\n\r\n", POLICY))) {
            assertThatThrownBy(() -> source(server).fetch("example.com"))
                    .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                            assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR))
                    .hasMessageContaining("must begin with an HTTP/1.0 or HTTP/1.1 status line");
        }
    }

    @Test
    void fetch_nothingListening_failsAsFetchError() throws Exception {
        int port;
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls, (out, self) -> { })) {
            port = server.port();
        }
        MtaStsHttpsSource source = MtaStsHttpsSource.create(ENGINE, trustTestCa,
                host -> List.of(InetAddress.getByName("127.0.0.1")), port, Duration.ofSeconds(20));
        assertThatThrownBy(() -> source.fetch("example.com"))
                .isInstanceOfSatisfying(MtaStsFetchException.class, e ->
                        assertThat(e.resultType()).isEqualTo(TlsReportResultType.STS_POLICY_FETCH_ERROR))
                .hasMessageContaining("could not be connected to");
    }

    @Test
    void lookupThrough_asksTheDnsForThePolicyHost() throws Exception {
        List<String> asked = new ArrayList<>();
        MtaStsFakeDns dns = new MtaStsFakeDns() {
            @Override
            public DnsAnswer<InetAddress> addresses(String host) {
                asked.add(host);
                try {
                    return DnsAnswer.of(List.of(InetAddress.getByName("127.0.0.1")), true,
                            DnsAnswer.Status.INSECURE, host);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        };
        try (HttpsTestServer server = HttpsTestServer.start(policyHostTls,
                HttpsTestServer.fixed(ok("text/plain", POLICY.length()), POLICY))) {
            MtaStsHttpsSource source = MtaStsHttpsSource.create(ENGINE, trustTestCa,
                    MtaStsHttpsSource.lookupThrough(dns), server.port(), Duration.ofSeconds(20));
            assertThat(source.fetch("example.com").mode()).isEqualTo(MtaStsMode.ENFORCE);
        }
        assertThat(asked).containsExactly("mta-sts.example.com");
    }

    @Test
    void lookupThrough_bogusAnswer_isRefused() {
        MtaStsFakeDns dns = new MtaStsFakeDns() {
            @Override
            public DnsAnswer<InetAddress> addresses(String host) {
                return DnsAnswer.of(List.of(), true, DnsAnswer.Status.BOGUS, host);
            }
        };
        assertThatThrownBy(() -> MtaStsHttpsSource.lookupThrough(dns).lookup("mta-sts.example.com"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed DNSSEC validation (bogus)");
    }

    private static void writeFiller(OutputStream out, long total, AtomicLong written) throws IOException {
        byte[] block = new byte[16 * 1024];
        Arrays.fill(block, (byte) 'x');
        while (written.get() < total) {
            out.write(block);
            written.addAndGet(block.length);
        }
        out.flush();
    }
}
