package org.securemail.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TrustSource;
import org.securemail.testing.TestPki;
import org.securemail.testing.internal.TlsTestServer;

class EngineTest {

    @Test
    void connector_cachedPerPolicy() {
        TlsEngine engine = TlsEngine.create();
        TlsPolicy a = TlsPolicy.MODERN;
        TlsPolicy b = TlsPolicy.builder().build();
        assertThat(engine.connector(a)).isSameAs(engine.connector(b));
        assertThat(engine.connector(TlsPolicy.RESTRICTED)).isNotSameAs(engine.connector(a));
        assertThat(TlsEngine.create().connector(a)).isNotSameAs(engine.connector(a));
    }

    @Test
    void usingBothProviders_leavesJvmWideStateUntouched() throws Exception {
        Provider[] before = Security.getProviders();
        SSLContext defaultContext = SSLContext.getDefault();
        Properties props = (Properties) System.getProperties().clone();
        TestPki pki = TestPki.create("Global");
        TestPki.Issued leaf = pki.localhostLeaf().issue();
        TlsEngine engine = TlsEngine.create();
        try (TlsTestServer server = TlsTestServer.builder(leaf).start()) {
            for (TlsProvider provider : TlsProvider.values()) {
                TlsPolicy policy = TlsPolicy.builder().provider(provider)
                        .trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
                engine.connector(policy).connect("localhost", server.port(), SecurityMode.IMPLICIT_TLS,
                        Duration.ofSeconds(5), Duration.ofSeconds(5)).close();
            }
        }
        assertThat(Security.getProviders()).containsExactly(before);
        assertThat(SSLContext.getDefault()).isSameAs(defaultContext);
        assertThat(System.getProperties()).isEqualTo(props);
    }

    @Test
    void connectorIsThreadSafe_manyConcurrentHandshakes() throws Exception {
        TestPki pki = TestPki.create("Concurrent");
        TlsPolicy policy = TlsPolicy.builder().trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
        TlsConnector connector = TlsEngine.create().connector(policy);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TlsTestServer server = TlsTestServer.builder(pki.localhostLeaf().issue()).start()) {
            List<Future<Handshake>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    try (SSLSocket s = connector.connect("localhost", server.port(), SecurityMode.IMPLICIT_TLS,
                            Duration.ofSeconds(10), Duration.ofSeconds(10))) {
                        return ((PolicyEnforcedSocket) s).handshake().orElseThrow();
                    }
                }));
            }
            for (Future<Handshake> f : results) {
                assertThat(f.get().verifiedHostName()).contains("localhost");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void restrictedConnector_offersOnlyTheSubset_neverMoreThanThePolicy() throws Exception {
        TestPki pki = TestPki.create("Restricted");
        TlsPolicy policy = TlsPolicy.builder().trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
        TlsConnector connector = TlsEngine.create().connector(policy);
        org.securemail.policy.CipherSuite gcm128 =
                org.securemail.policy.CipherSuite.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        TlsConnector tls12 = connector.restrictedTo(List.of(org.securemail.policy.TlsVersion.TLS_1_2), List.of(gcm128));
        try (TlsTestServer server = TlsTestServer.builder(pki.localhostLeaf().issue()).start();
             SSLSocket s = tls12.connect("localhost", server.port(), SecurityMode.IMPLICIT_TLS, Duration.ofSeconds(5),
                     Duration.ofSeconds(5))) {
            Handshake h = ((PolicyEnforcedSocket) s).handshake().orElseThrow();
            assertThat(h.tlsVersion()).isEqualTo(org.securemail.policy.TlsVersion.TLS_1_2);
            assertThat(h.cipherSuite()).isEqualTo(gcm128);
        }
        assertThatThrownBy(() -> connector.restrictedTo(List.of(org.securemail.policy.TlsVersion.TLS_1_2),
                List.of(org.securemail.policy.CipherSuite.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 is not allowed by the policy");
    }

    @Test
    void subMillisecondReadTimeout_roundsUp_neverMeansWaitForever() throws Exception {
        // Sockets read a timeout of 0 as "no limit"; half a millisecond must not be truncated to it.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            TlsConnector connector = TlsEngine.create().connector(TlsPolicy.MODERN);
            Duration half = Duration.ofNanos(500_000);
            Future<?> attempt = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            }).submit(() -> connector.connect("127.0.0.1", silent.getLocalPort(), SecurityMode.IMPLICIT_TLS, half,
                    half));
            assertThatThrownBy(() -> attempt.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasCauseInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void insecureCleartext_hasNoSocketFactory() {
        TlsConnector connector = TlsEngine.create().connector(TlsPolicy.MODERN);
        assertThatThrownBy(() -> connector.socketFactory(SecurityMode.INSECURE_CLEARTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mode INSECURE_CLEARTEXT has no TLS");
    }

    @Test
    void secondStartHandshake_isNoOp_neverRenegotiation() throws Exception {
        TestPki pki = TestPki.create("Once");
        TlsPolicy policy = TlsPolicy.builder().trust(TrustSource.certificates(List.of(pki.rootCertificate()))).build();
        try (TlsTestServer server = TlsTestServer.builder(pki.localhostLeaf().issue()).protocols("TLSv1.2").start();
             SSLSocket s = TlsEngine.create().connector(policy).connect("localhost", server.port(),
                     SecurityMode.IMPLICIT_TLS, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            Handshake first = ((PolicyEnforcedSocket) s).handshake().orElseThrow();
            s.startHandshake();
            s.startHandshake();
            assertThat(((PolicyEnforcedSocket) s).handshake()).containsSame(first);
            assertThat(s.getInputStream().read()).isEqualTo('h');
        }
    }
}
