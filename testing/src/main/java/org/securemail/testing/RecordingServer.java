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
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A mail server on 127.0.0.1, port 0, that records what it receives: every line with whether it came in cleartext or
 * under TLS, and every cleartext byte. It is what {@link WireAssertions} checks: the proof, at the wire, that a
 * credential or a message never arrived where it must not.
 *
 * <p>One thread serves each connection; {@link #close()} closes them all. The records are safe to read from the test
 * thread while the server runs.
 *
 * @param <L> the type of the recorded lines (IMAP lines know their tag)
 */
public abstract class RecordingServer<L extends RecordingServer.Line> implements AutoCloseable {

    /** One line received by the server. */
    public static class Line {
        /** The connection it arrived on, numbered from 1 in the order they were accepted. */
        public final int connection;
        /** Whether it arrived under TLS. */
        public final boolean tls;
        /** The line without its line end. */
        public final String text;

        Line(int connection, boolean tls, String text) {
            this.connection = connection;
            this.tls = tls;
            this.text = text;
        }

        /**
         * Returns the command verb of the line.
         *
         * @return its first word, upper case
         */
        public String verb() {
            return text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return "#" + connection + (tls ? " TLS " : " CLEAR ") + text;
        }
    }

    private final SSLContext tls;
    private final Set<String> commandsBeforeTls;
    private final HostileServerBuilder<?, ?> script;
    private final Deque<String> authReplies;
    private final ServerSocket serverSocket;
    private final ExecutorService executor;
    private final List<L> lines = new ArrayList<>(); // guarded by itself
    private final ByteArrayOutputStream cleartext = new ByteArrayOutputStream();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final AtomicLong attackBytes = new AtomicLong();
    private final AtomicInteger dropCount = new AtomicInteger();
    private volatile int connections;

    /**
     * Binds the listener; subclasses call {@link #start()} once their own fields are set.
     *
     * @param name the name of the connection threads
     * @param tls the server's TLS context, or null for a server that cannot do TLS
     * @param commandsBeforeTls the commands a client may send before TLS without giving anything away
     * @param script what the server was scripted to do, or null for a server without a builder
     */
    RecordingServer(String name, SSLContext tls, Set<String> commandsBeforeTls, HostileServerBuilder<?, ?> script)
            throws IOException {
        this.tls = tls;
        this.commandsBeforeTls = Set.copyOf(commandsBeforeTls);
        this.script = script;
        this.authReplies = new ConcurrentLinkedDeque<>(script == null ? List.of() : script.authReplies);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    /** The commands a client may send before TLS without giving away a credential, a message or a mailbox. */
    final Set<String> commandsBeforeTls() {
        return commandsBeforeTls;
    }

    /** Whether the server can do TLS at all. */
    final boolean canTls() {
        return tls != null;
    }

    /**
     * Opens a connection as scripted: implicit TLS, then a stall, an attack or the greeting.
     *
     * @return false when the connection is over
     */
    final boolean greet(Conn c) throws IOException, InterruptedException {
        if (script.implicitTls) {
            c.startTls();
        }
        if ("GREETING".equals(script.stallOn)) {
            stall();
            return false;
        }
        if (attackIfDue(c, "GREETING")) {
            return false;
        }
        c.reply(script.greeting);
        return true;
    }

    /**
     * Runs the drop, attack or stall scripted for a command that just arrived.
     *
     * @return false when the connection is over
     */
    final boolean beforeReply(Conn c, String verb) throws IOException, InterruptedException {
        if (verb.equals(script.dropOn) && dropCount.incrementAndGet() == script.dropOnOccurrence) {
            return false;
        }
        if (attackIfDue(c, verb)) {
            return false;
        }
        if (verb.equals(script.stallOn)) {
            stall();
            return false;
        }
        return true;
    }

    /** The next reply to an authentication attempt. */
    final String nextAuthReply() {
        String r = authReplies.poll();
        return r != null ? r : script.authReply;
    }

    /** Whether STARTTLS is left out of the capabilities on this connection now. */
    final boolean startTlsHidden(Conn c) {
        return startTlsRefused(c) || script.stripStartTls;
    }

    /** Whether the STARTTLS command is refused on this connection now: TLS is up already, or cannot be. */
    final boolean startTlsRefused(Conn c) {
        return c.tls || tls == null;
    }

    /**
     * Runs the scripted attack if it is due now.
     *
     * @param c the connection
     * @param when "GREETING" or the verb just received
     * @return true if it ran (the connection is then over)
     */
    final boolean attackIfDue(Conn c, String when) throws IOException, InterruptedException {
        Attack a = script == null ? null : script.attack;
        if (a == null || !when.equalsIgnoreCase(script.attackWhen)
                || (script.attackInsideTls != null && script.attackInsideTls != c.tls)) {
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

    /**
     * Returns how many bytes the scripted {@link Attack} sent before the client went away: proof that the client
     * stopped reading early rather than buffering without bound.
     *
     * @return the number of bytes
     */
    public long attackBytes() {
        return attackBytes.get();
    }

    /** Starts accepting connections. */
    final void start() {
        executor.execute(this::acceptLoop);
    }

    /** Returns a record of one line. */
    abstract L line(int connection, boolean tls, String text);

    /** Serves one connection until it ends. */
    abstract void serve(Socket socket, int id) throws IOException, InterruptedException;

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                int id;
                synchronized (this) {
                    id = ++connections;
                }
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
    final void stall() throws InterruptedException {
        stalled.countDown();
        Thread.sleep(60_000);
    }

    /** One connection: its streams, whether TLS is up, and line I/O that records what arrives. */
    class Conn {
        final int id;
        Socket socket;
        InputStream in;
        OutputStream out;
        boolean tls;

        Conn(int id, Socket socket) throws IOException {
            this.id = id;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Runs the server side of a TLS handshake over the connection. */
        void startTls() throws IOException {
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
        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Sends each line with CRLF, in one write. */
        void reply(String... replyLines) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String r : replyLines) {
                sb.append(r).append("\r\n");
            }
            send(sb.toString());
        }

        /** Returns the next line without its line ending, recorded; null at the end of the stream. */
        String readLine() throws IOException {
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

        /** Returns exactly n bytes (an IMAP literal), recorded when in cleartext. */
        byte[] readBytes(int n) throws IOException {
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

    /**
     * Returns the host a client should connect to: the name the test certificates are issued for. It resolves to the
     * loopback address the server listens on.
     *
     * @return {@code "localhost"}
     */
    public String host() {
        return "localhost";
    }

    /**
     * Returns the port the server listens on, chosen by the system when it started.
     *
     * @return the port
     */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /**
     * Returns every line received so far, over all connections, in the order they arrived.
     *
     * @return a copy of the lines
     */
    public List<L> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * Returns the lines received before TLS, over all connections.
     *
     * @return their text, in order
     */
    public List<String> cleartextLines() {
        List<String> r = new ArrayList<>();
        for (L l : lines()) {
            if (!l.tls) {
                r.add(l.text);
            }
        }
        return r;
    }

    /**
     * Returns the lines received under TLS, over all connections.
     *
     * @return their text, in order
     */
    public List<String> tlsLines() {
        List<String> r = new ArrayList<>();
        for (L l : lines()) {
            if (l.tls) {
                r.add(l.text);
            }
        }
        return r;
    }

    /**
     * Returns every byte received in cleartext, line ends and literals included, over all connections.
     *
     * @return the bytes as ISO-8859-1 text
     */
    public String cleartextBytes() {
        synchronized (cleartext) {
            return cleartext.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Returns how many connections the server accepted.
     *
     * @return the number of connections
     */
    public int connections() {
        return connections;
    }

    /**
     * Waits until the server stalled as scripted.
     *
     * @param seconds how long to wait at most
     * @return true if it stalled
     * @throws InterruptedException if the waiting thread is interrupted
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
     * @throws InterruptedException if the waiting thread is interrupted
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

    /** Closes every open connection, as a server that goes away would; the listener stays open. */
    public void dropAllConnections() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Stops the server: closes the listener and every connection. */
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
