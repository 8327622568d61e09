package org.securemail.relay.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server on 127.0.0.1, port 0, for the policy fetch tests: it completes the TLS handshake, reads one request
 * header section, records it, and lets a handler write whatever bytes the test wants, however wrong.
 */
public final class HttpsTestServer implements AutoCloseable {

    /** Writes the response; may block on {@link HttpsTestServer#awaitRelease()}. */
    @FunctionalInterface
    public interface Handler {
        void respond(OutputStream out, HttpsTestServer server) throws IOException;
    }

    private final ServerSocket server;
    private final Thread thread;
    private final Handler handler;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> handlerErrors = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch handled = new CountDownLatch(1);

    private HttpsTestServer(SSLContext context, Handler handler) throws IOException {
        this.handler = handler;
        this.server = context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        this.thread = new Thread(this::serve, "https-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    public static HttpsTestServer start(SSLContext context, Handler handler) throws IOException {
        return new HttpsTestServer(context, handler);
    }

    /** A handler that sends a fixed head and body. */
    public static Handler fixed(String head, byte[] body) {
        return (out, server) -> {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        };
    }

    public static Handler fixed(String head, String body) {
        return fixed(head, body.getBytes(StandardCharsets.UTF_8));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request header sections received, in order. */
    List<String> requests() {
        return requests;
    }

    /** Waits until the first connection has been handled (or failed), for assertions on what the handler saw. */
    void awaitHandled() throws InterruptedException {
        if (!handled.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the test server never handled a connection");
        }
    }

    List<Throwable> handlerErrors() {
        return handlerErrors;
    }

    /** Blocks a handler until the test ends (the server is closed). */
    void awaitRelease() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A handler that answers nothing until the test ends. */
    static Handler silent() {
        return (out, server) -> server.awaitRelease();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                try {
                    ((SSLSocket) s).startHandshake();
                    String request = readHead(s.getInputStream());
                    requests.add(request);
                    handler.respond(s.getOutputStream(), this);
                } catch (IOException | RuntimeException e) {
                    handlerErrors.add(e);
                } finally {
                    handled.countDown();
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request ended after " + head.size() + " bytes");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        release.countDown();
        server.close();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
