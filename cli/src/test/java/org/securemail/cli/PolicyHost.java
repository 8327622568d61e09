package org.securemail.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * An MTA-STS policy host for the CLI's tests: HTTPS on 127.0.0.1, port 0, answering every request with one fixed
 * {@code text/plain} policy.
 */
final class PolicyHost implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final byte[] response;

    PolicyHost(SSLContext tls, String policy) throws IOException {
        byte[] body = policy.getBytes(StandardCharsets.UTF_8);
        this.response = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n" + policy).getBytes(StandardCharsets.UTF_8);
        this.server = tls.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        this.thread = new Thread(this::serve, "policy-host");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                int state = 0; // reads up to the blank line that ends the request head
                while (state < 4) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                            ? state + 1 : 0;
                }
                OutputStream out = s.getOutputStream();
                out.write(response);
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away: go on until closed
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join();
    }
}
