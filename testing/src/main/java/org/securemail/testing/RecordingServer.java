package org.securemail.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * What the hostile mail servers share: a listener on 127.0.0.1, port 0; one thread per connection; a record of every
 * line received with whether it came in cleartext or under TLS, and of every cleartext byte; STARTTLS (or implicit
 * TLS) as the server side of a JDK handshake; stalls and dropped connections on request.
 *
 * @param <L> the type of the recorded lines (IMAP lines know their tag)
 */
public abstract class RecordingServer<L extends RecordingServer.Line> implements AutoCloseable {

    /** One line received. */
    public static class Line {
        public final int connection;
        public final boolean tls;
        public final String text;

        protected Line(int connection, boolean tls, String text) {
            this.connection = connection;
            this.tls = tls;
            this.text = text;
        }

        /** @return the command verb, upper case: the first word */
        public String verb() {
            return text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return "#" + connection + (tls ? " TLS " : " CLEAR ") + text;
        }
    }

    private final SSLContext tls;
    private final ServerSocket serverSocket;
    private final ExecutorService executor;
    private final List<L> lines = new ArrayList<>(); // guarded by itself
    private final ByteArrayOutputStream cleartext = new ByteArrayOutputStream();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicLong attackBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile int connections;
    private volatile String attackWhen;
    private volatile Boolean attackInsideTls;
    private volatile Attack attack;

    /**
     * Binds the listener; subclasses call {@link #start()} once their own fields are set.
     *
     * @param name the name of the connection threads
     * @param tls the server's TLS context, or null for a server that cannot do TLS
     */
    protected RecordingServer(String name, SSLContext tls) throws IOException {
        this.tls = tls;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    /**
     * Scripts an attack: instead of the greeting ({@code "GREETING"}) or of its reply to a command (its verb), the
     * server runs the attack.
     *
     * @param when "GREETING" or a command verb
     * @param insideTls true to attack only inside TLS, false only before it, null either way
     * @param a the attack
     */
    protected final void scriptAttack(String when, Boolean insideTls, Attack a) {
        this.attackWhen = when == null ? null : when.toUpperCase(Locale.ROOT);
        this.attackInsideTls = insideTls;
        this.attack = a;
    }

    /**
     * Runs the scripted attack if it is due now.
     *
     * @param c the connection
     * @param when "GREETING" or the verb just received
     * @return true if it ran (the connection is then over)
     */
    protected final boolean attackIfDue(Conn c, String when) throws IOException, InterruptedException {
        Attack a = attack;
        if (a == null || !when.equalsIgnoreCase(attackWhen) || (attackInsideTls != null && attackInsideTls != c.tls)) {
            return false;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try {
            send(c, a.first, a);
            while (a.repeat && System.nanoTime() < deadline) {
                send(c, a.unit, a);
            }
            if (!a.repeat) {
                // Say nothing more; the client decides when it has waited long enough.
                while (c.in.read() >= 0 && System.nanoTime() < deadline) {
                    // drain what the client sends
                }
            }
        } catch (IOException e) {
            // the client went away, as it should
        }
        return true;
    }

    private void send(Conn c, byte[] bytes, Attack a) throws IOException, InterruptedException {
        if (a.perByte.isZero()) {
            c.out.write(bytes);
            c.out.flush();
            attackBytes.addAndGet(bytes.length);
            return;
        }
        for (byte b : bytes) {
            Thread.sleep(a.perByte.toMillis());
            c.out.write(b);
            c.out.flush();
            attackBytes.incrementAndGet();
        }
    }

    /** @return how many bytes the scripted attack sent before the client went away */
    public long attackBytes() {
        return attackBytes.get();
    }

    /** Starts accepting connections. */
    protected final void start() {
        executor.execute(this::acceptLoop);
    }

    /** @return a record of one line */
    protected abstract L line(int connection, boolean tls, String text);

    /**
     * Serves one connection until it ends.
     *
     * @param socket the accepted socket
     * @param id the connection number, from 1
     */
    protected abstract void serve(Socket socket, int id) throws IOException, InterruptedException;

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                int id = ++connections;
                open.add(s);
                executor.execute(() -> {
                    try (s) {
                        s.setSoTimeout(30_000);
                        serve(s, id);
                    } catch (IOException e) {
                        // the client went away
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Stops answering on this connection (keeping it open) and lets {@link #awaitStall} return. */
    protected final void stall() throws InterruptedException {
        stalled.countDown();
        Thread.sleep(60_000);
    }

    /** One connection: its streams, whether TLS is up, and line I/O that records what arrives. */
    protected class Conn {
        protected final int id;
        protected Socket socket;
        protected InputStream in;
        protected OutputStream out;
        protected boolean tls;

        protected Conn(int id, Socket socket) throws IOException {
            this.id = id;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Runs the server side of a TLS handshake over the connection. */
        protected void startTls() throws IOException {
            SSLSocket ssl = (SSLSocket) RecordingServer.this.tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            socket = ssl;
            open.add(ssl);
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
            tls = true;
        }

        /** Sends text as it is, in one write. */
        protected void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Sends each line with CRLF, in one write. */
        protected void reply(String... replyLines) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String r : replyLines) {
                sb.append(r).append("\r\n");
            }
            send(sb.toString());
        }

        /** @return the next line without its line ending, recorded; null at the end of the stream */
        protected String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                recordCleartext(c);
                if (c == '\n') {
                    break;
                }
                line.write(c);
            }
            if (c < 0 && line.size() == 0) {
                return null;
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            synchronized (lines) {
                lines.add(line(id, tls, s));
                lines.notifyAll();
            }
            return s;
        }

        /** @return exactly n bytes (an IMAP literal), recorded when in cleartext */
        protected byte[] readBytes(int n) throws IOException {
            byte[] data = in.readNBytes(n);
            for (byte b : data) {
                recordCleartext(b & 0xff);
            }
            return data;
        }

        private void recordCleartext(int c) {
            if (!tls) {
                synchronized (cleartext) {
                    cleartext.write(c);
                }
            }
        }
    }

    /** @return the port */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** @return every line received, in order */
    public List<L> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** @return the lines received before TLS */
    public List<String> cleartextLines() {
        List<String> r = new ArrayList<>();
        for (L l : lines()) {
            if (!l.tls) {
                r.add(l.text);
            }
        }
        return r;
    }

    /** @return the lines received under TLS */
    public List<String> tlsLines() {
        List<String> r = new ArrayList<>();
        for (L l : lines()) {
            if (l.tls) {
                r.add(l.text);
            }
        }
        return r;
    }

    /** @return every byte received in cleartext, as text */
    public String cleartextBytes() {
        synchronized (cleartext) {
            return cleartext.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** @return the number of connections accepted */
    public int connections() {
        return connections;
    }

    /**
     * Waits until the server stalled as scripted.
     *
     * @param seconds how long to wait
     * @return true if it stalled
     */
    public boolean awaitStall(int seconds) throws InterruptedException {
        return stalled.await(seconds, TimeUnit.SECONDS);
    }

    /**
     * Waits until a line matching the predicate has been received.
     *
     * @param match the predicate
     * @param timeout how long to wait at most
     * @return true if such a line arrived
     */
    public boolean awaitLine(Predicate<L> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(match)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Closes every open connection, as a server that goes away would. */
    public void dropAllConnections() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        dropAllConnections();
        executor.shutdownNow();
    }
}
