package org.securemail.testing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.securemail.testing.TestPki;

/**
 * An in-JVM TLS server on 127.0.0.1, port 0, using the JDK provider with exactly the identity, versions and suites a
 * test asks for. Each accepted connection is handshaken, answers {@code "hello\n"}, and is recorded as a
 * {@link Result}.
 */
public final class TlsTestServer implements AutoCloseable {
    /** What one connection negotiated, as the server saw it. */
    public static final class Result {
        public final String protocol;
        public final String cipherSuite;
        public final List<X509Certificate> clientCertificates;
        public final Exception failure;

        Result(String protocol, String cipherSuite, List<X509Certificate> clientCertificates, Exception failure) {
            this.protocol = protocol;
            this.cipherSuite = cipherSuite;
            this.clientCertificates = clientCertificates;
            this.failure = failure;
        }

        @Override
        public String toString() {
            return failure != null ? "failed: " + failure : protocol + " " + cipherSuite;
        }
    }

    private final SSLServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-test-server");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Result> results = new LinkedBlockingQueue<>();

    private TlsTestServer(Builder b) throws Exception {
        KeyStore ks = b.identity.keyStore("changeit".toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.TrustManager[] tms = null;
        if (b.clientCa != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", b.clientCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            tms = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tms, null);
        serverSocket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        if (b.protocols != null) {
            serverSocket.setEnabledProtocols(b.protocols);
        }
        if (b.cipherSuites != null) {
            serverSocket.setEnabledCipherSuites(b.cipherSuites);
        }
        if (b.clientCa != null) {
            serverSocket.setNeedClientAuth(true);
        }
        executor.execute(this::acceptLoop);
    }

    /**
     * Starts building a server that presents the given identity.
     *
     * @param identity the certificate chain and key to present
     * @return a builder
     */
    public static Builder builder(TestPki.Issued identity) {
        return new Builder(identity);
    }

    /** Builds a {@link TlsTestServer}. */
    public static final class Builder {
        private final TestPki.Issued identity;
        private String[] protocols;
        private String[] cipherSuites;
        private X509Certificate clientCa;

        Builder(TestPki.Issued identity) {
            this.identity = identity;
        }

        /** @param protocols the only versions to enable @return this */
        public Builder protocols(String... protocols) {
            this.protocols = protocols;
            return this;
        }

        /** @param suites the only suites to enable @return this */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = suites;
            return this;
        }

        /** @param ca require a client certificate issued by this CA @return this */
        public Builder requireClientCertificate(X509Certificate ca) {
            this.clientCa = ca;
            return this;
        }

        /** @return the started server */
        public TlsTestServer start() {
            try {
                return new TlsTestServer(this);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start TLS test server: " + e, e);
            }
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                executor.execute(() -> serve((SSLSocket) s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(20_000);
            s.startHandshake();
            List<X509Certificate> clientCerts = new ArrayList<>();
            try {
                for (Certificate c : s.getSession().getPeerCertificates()) {
                    clientCerts.add((X509Certificate) c);
                }
            } catch (SSLPeerUnverifiedException none) {
                // no client certificate
            }
            results.add(new Result(s.getSession().getProtocol(), s.getSession().getCipherSuite(), clientCerts, null));
            OutputStream out = s.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // drain until the client closes
            }
        } catch (Exception e) {
            results.add(new Result(null, null, List.of(), e));
        }
    }

    /** @return the loopback host the server listens on */
    public String host() {
        return "127.0.0.1";
    }

    /** @return the port the server listens on */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /**
     * Waits for the next connection's result.
     *
     * @param timeout how long to wait
     * @return the result, or null on timeout
     */
    public Result nextResult(Duration timeout) throws InterruptedException {
        return results.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        executor.shutdownNow();
    }
}
