package org.securemail.bench.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that holds every chunk of bytes for half the round-trip time in each direction: a link with latency
 * and no bandwidth limit, in front of the sink's STARTTLS port. TLS passes through untouched. Used to show what
 * round trips cost a client (PIPELINING saves them).
 */
final class LatencyProxy implements AutoCloseable {
    private static final byte[] END = new byte[0];

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long oneWayNanos;
    private volatile boolean closed;

    private LatencyProxy(InetAddress address, InetSocketAddress target, int rttMillis) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(address, 0), 128);
        this.target = target;
        this.oneWayNanos = TimeUnit.MILLISECONDS.toNanos(rttMillis) / 2;
        Thread t = new Thread(this::acceptLoop, "latency-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    static LatencyProxy start(InetAddress address, InetSocketAddress target, int rttMillis) throws IOException {
        return new LatencyProxy(address, target, rttMillis);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 10_000);
                AtomicInteger open = new AtomicInteger(2);
                Runnable done = () -> {
                    if (open.decrementAndGet() == 0) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                    }
                };
                relay(client, upstream, "up", done);
                relay(upstream, client, "down", done);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    /** Two threads per direction: one reads and stamps each chunk, one writes it once its time has come. */
    private void relay(Socket from, Socket to, String name, Runnable done) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    queue.add(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException e) {
                // the connection closed
            }
            queue.add(new Chunk(System.nanoTime() + oneWayNanos, END));
        }, "latency-proxy-read-" + name);
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait;
                    while ((wait = c.due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (c.bytes == END) {
                        to.shutdownOutput();
                        done.run();
                        return;
                    }
                    out.write(c.bytes);
                    out.flush();
                }
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
                done.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "latency-proxy-write-" + name);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }

    private static final class Chunk {
        final long due;
        final byte[] bytes;

        Chunk(long due, byte[] bytes) {
            this.due = due;
            this.bytes = bytes;
        }
    }
}
