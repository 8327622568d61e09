package org.securemail.bench.sink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/**
 * The benchmark's SMTP server: STARTTLS (and an implicit-TLS port) with a certificate made for the run, AUTH PLAIN
 * and LOGIN inside TLS only, PIPELINING advertised, messages discarded as they arrive (only counted). Lean on
 * purpose: it records no lines and keeps nothing, so that what is measured is the client.
 *
 * <p>Run by the harness in its own JVM ({@link #main(String[])}), or in-process by tests ({@link #start}).
 */
public final class SmtpSink implements AutoCloseable {
    /** Counters, read by the harness between rounds. */
    public static final class Stats {
        final LongAdder connections = new LongAdder();
        final LongAdder disconnects = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder authFailures = new LongAdder();
        final LongAdder messages = new LongAdder();
        final LongAdder commands = new LongAdder();
        final LongAdder dataBytes = new LongAdder();
        final AtomicLong queueIds = new AtomicLong();
        final Map<String, LongAdder> handshakes = new ConcurrentHashMap<>();

        long delivered(long bytes) {
            messages.increment();
            dataBytes.add(bytes);
            return queueIds.incrementAndGet();
        }

        void handshake(SSLSession session) {
            handshakes.computeIfAbsent(session.getProtocol() + "/" + session.getCipherSuite(), k -> new LongAdder())
                    .increment();
        }

        /** @return how many messages ended with a 250 */
        public long messages() {
            return messages.sum();
        }

        /** @return the command lines received (AUTH continuation lines and message data not included) */
        public long commands() {
            return commands.sum();
        }

        /** @return the message bytes received, dot-stuffing and the final dot included */
        public long dataBytes() {
            return dataBytes.sum();
        }

        /** @return connections accepted */
        public long connections() {
            return connections.sum();
        }

        /** @return failed AUTH attempts */
        public long authFailures() {
            return authFailures.sum();
        }

        /** @return unknown commands and timed-out connections */
        public long errors() {
            return errors.sum();
        }

        /** @return one line: {@code messages=.. bytes=.. connections=.. ... tls=TLSv1.3/TLS_AES_128_GCM_SHA256:12} */
        public String line() {
            StringBuilder tls = new StringBuilder();
            new TreeMap<>(handshakes).forEach((k, v) -> tls.append(tls.length() == 0 ? "" : ",").append(k)
                    .append(':').append(v.sum()));
            return "messages=" + messages.sum() + " commands=" + commands.sum() + " bytes=" + dataBytes.sum() + " connections=" + connections.sum()
                    + " disconnects=" + disconnects.sum() + " authFailures=" + authFailures.sum() + " errors="
                    + errors.sum() + " cpuNanos=" + processCpuNanos() + " tls=" + (tls.length() == 0 ? "-" : tls);
        }
    }

    private final SSLContext tls;
    private final byte[] user;
    private final byte[] passwordDigest;
    private final boolean noDelay;
    private final Stats stats = new Stats();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sink-connection");
        t.setDaemon(true);
        return t;
    });
    private final ServerSocket starttls;
    private final ServerSocket implicit;
    private final LatencyProxy proxy;
    private volatile boolean closed;

    private SmtpSink(SSLContext tls, String user, char[] password, boolean noDelay, int proxyRttMillis)
            throws IOException {
        this.tls = tls;
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.passwordDigest = sha256(new String(password).getBytes(StandardCharsets.UTF_8));
        this.noDelay = noDelay;
        InetAddress address = InetAddress.getByName("localhost");
        this.starttls = listen(address);
        this.implicit = listen(address);
        accept(starttls, false);
        accept(implicit, true);
        this.proxy = proxyRttMillis > 0
                ? LatencyProxy.start(address, new InetSocketAddress(address, starttls.getLocalPort()), proxyRttMillis)
                : null;
    }

    /**
     * Starts a sink on the address {@code localhost} resolves to, on ports picked by the system.
     *
     * @param tls the server's TLS context
     * @param user the only user name AUTH accepts
     * @param password its password
     * @param noDelay whether the sink sets TCP_NODELAY on its connections
     * @param proxyRttMillis when positive, also starts a latency proxy with this round-trip time in front of the
     *     STARTTLS port
     * @return the running sink
     * @throws IOException if a port cannot be bound
     */
    public static SmtpSink start(SSLContext tls, String user, char[] password, boolean noDelay, int proxyRttMillis)
            throws IOException {
        return new SmtpSink(tls, user, password, noDelay, proxyRttMillis);
    }

    private static ServerSocket listen(InetAddress address) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(address, 0), 512);
        return s;
    }

    private void accept(ServerSocket server, boolean implicitTls) {
        Thread t = new Thread(() -> {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(noDelay);
                    s.setSoTimeout(300_000);
                    workers.execute(new SinkConnection(this, s, implicitTls));
                } catch (IOException e) {
                    if (!closed) {
                        stats.errors.increment();
                    }
                }
            }
        }, implicitTls ? "sink-accept-implicit" : "sink-accept-starttls");
        t.setDaemon(true);
        t.start();
    }

    SSLSocket layerTls(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return s;
    }

    boolean credentialsMatch(byte[] givenUser, byte[] givenPassword) {
        return MessageDigest.isEqual(user, givenUser) && MessageDigest.isEqual(passwordDigest, sha256(givenPassword));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the counters */
    public Stats stats() {
        return stats;
    }

    /** @return the STARTTLS port */
    public int starttlsPort() {
        return starttls.getLocalPort();
    }

    /** @return the implicit-TLS port */
    public int implicitPort() {
        return implicit.getLocalPort();
    }

    /** @return the latency proxy's port (in front of the STARTTLS port), or 0 when there is none */
    public int proxyPort() {
        return proxy == null ? 0 : proxy.port();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        starttls.close();
        implicit.close();
        if (proxy != null) {
            proxy.close();
        }
        workers.shutdownNow();
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /**
     * Runs the sink in its own JVM. Arguments: {@code --dir DIR} (where {@code ca.pem} is written), {@code --user
     * NAME}, optional {@code --rtt-ms N} (latency proxy) and {@code --nagle} (leave Nagle's algorithm on). The first
     * line of standard input is the password. Prints {@code READY starttls=P implicit=P proxy=P ca=FILE}, then
     * answers each {@code stats} line on standard input with {@code STATS ...}; stops at {@code stop} or at the end
     * of standard input (so it never outlives the harness).
     *
     * @param args the arguments
     * @throws Exception if the sink cannot start
     */
    public static void main(String[] args) throws Exception {
        Path dir = null;
        String user = "bench";
        int rtt = 0;
        boolean noDelay = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir":
                    dir = Path.of(args[++i]);
                    break;
                case "--user":
                    user = args[++i];
                    break;
                case "--rtt-ms":
                    rtt = Integer.parseInt(args[++i]);
                    break;
                case "--nagle":
                    noDelay = false;
                    break;
                default:
                    throw new IllegalArgumentException("unknown sink argument " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = control.readLine();
        if (password == null) {
            throw new IllegalStateException("no password on standard input");
        }
        TestPki pki = TestPki.create("SecureMail bench");
        TestPki.Issued identity = pki.localhostLeaf().issue();
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, pki.rootPem());
        PrintStream out = System.out;
        try (SmtpSink sink = start(ServerTls.context(identity), user, password.toCharArray(), noDelay, rtt)) {
            out.println("READY starttls=" + sink.starttlsPort() + " implicit=" + sink.implicitPort() + " proxy="
                    + sink.proxyPort() + " ca=" + ca);
            out.flush();
            String line;
            while ((line = control.readLine()) != null && !line.equals("stop")) {
                if (line.equals("stats")) {
                    out.println("STATS " + sink.stats().line());
                    out.flush();
                }
            }
        }
    }
}
