package org.securemail.interop.relay;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An MTA-STS policy host for one test: the JDK's HTTPS server on 127.0.0.1, port 0 (the test zones point every
 * {@code mta-sts.} name there), answering {@code /.well-known/mta-sts.txt} with a fixed status and body as
 * {@code text/plain}, and counting the requests it got.
 */
final class PolicyServer implements AutoCloseable {
    static final String PATH = "/.well-known/mta-sts.txt";

    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private PolicyServer(SSLContext tls, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            try {
                if (!exchange.getRequestURI().getPath().equals(PATH)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                requests.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Serves a policy file (status 200). */
    static PolicyServer policy(SSLContext tls, String policy) throws IOException {
        return new PolicyServer(tls, 200, policy);
    }

    /** Answers every policy request with a status other than 200, as a broken policy host does. */
    static PolicyServer failing(SSLContext tls, int status) throws IOException {
        return new PolicyServer(tls, status, "the policy host is broken\n");
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** How many times the policy was asked for. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
