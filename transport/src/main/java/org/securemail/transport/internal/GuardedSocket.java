package org.securemail.transport.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailSecurityException;

/**
 * The plain socket under every SecureMail mail connection: a firewall at the wire, below anything Jakarta Mail does.
 * It wraps the real socket and owns its streams.
 *
 * <p>In cleartext it forwards a command line only when the protocol allows it there: never a credential (AUTH, LOGIN,
 * AUTHENTICATE, USER, PASS, APOP), except to a server on this machine in the insecure local-development mode of a
 * mailbox client; and once TLS is required (from the start in the TLS-required modes, from the server's STARTTLS
 * announcement in opportunistic mode) only EHLO, STARTTLS, QUIT ... for SMTP, CAPABILITY, STARTTLS, LOGOUT for IMAP,
 * CAPA, STLS, QUIT for POP3. A refused line never leaves: the socket closes and a {@link GuardException} names the
 * command verb (never its arguments). After the STARTTLS command nothing more may be written before TLS; the server's
 * reply is read, and any byte it sends after its go-ahead and before the handshake refuses the connection. When TLS
 * begins, the cleartext streams are sealed and the TLS layer gets the raw ones.
 *
 * <p>Whatever the phase, what the server sends is bounded ({@link ReplyBounds}, tight before TLS), every read waits at
 * most the read timeout and never past the current step's deadline, and a write that the server does not take in is
 * ended by the {@link Watchdog} after the write timeout. In the insecure local-development mode, a connection to an
 * address that is not this machine's is refused before it is made, whatever name resolved to it.
 */
public final class GuardedSocket extends Socket {
    private static final int MAX_RECORDED_LINES = 200;
    private static final int WELL_KNOWN_GREETING_WAIT_MILLIS = 5_000;

    private enum Phase { CLEARTEXT, AWAITING_GO_AHEAD, GO_AHEAD, TLS, BROKEN }

    private final Socket inner;
    private final ConnectionContext ctx;
    private final CleartextRules rules;
    private final Object lock = new Object();
    private final List<String> cleartextReplies = new ArrayList<>();
    private final StringBuilder replyLine = new StringBuilder();
    private boolean restrict;
    private boolean startTlsAnnounced;
    private volatile Phase phase;
    private String startTlsTag;
    private String goAheadLine;
    private long excessBytes;
    private InputStream rawIn;
    private OutputStream rawOut;
    private InputStream cleartextIn;
    private OutputStream cleartextOut;
    private volatile int readTimeoutMillis;
    private int appliedTimeoutMillis = -1;
    private boolean sawBytes;
    private volatile long writeStartedNanos;
    private volatile String abortReason;

    private GuardedSocket(Socket inner, ConnectionContext ctx, boolean tls) {
        this.inner = inner;
        this.ctx = ctx;
        this.rules = ctx.rules();
        this.restrict = ctx.mode().requiresTls();
        this.phase = tls ? Phase.TLS : Phase.CLEARTEXT;
        ctx.guard(this);
    }

    /**
     * An unconnected socket for a connection that starts in cleartext (STARTTLS, opportunistic, insecure).
     *
     * @param ctx the connection
     * @return the socket; Jakarta Mail connects it
     */
    static GuardedSocket unconnected(ConnectionContext ctx) throws SocketException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        return new GuardedSocket(s, ctx, false);
    }

    /**
     * Wraps a socket Jakarta Mail connected itself for implicit TLS: no cleartext phase.
     *
     * @param connected the connected plain socket
     * @param ctx the connection
     * @return the socket to layer TLS over
     */
    static GuardedSocket aroundImplicitTls(Socket connected, ConnectionContext ctx) throws IOException {
        connected.setTcpNoDelay(true);
        GuardedSocket g = new GuardedSocket(connected, ctx, true);
        g.readTimeoutMillis = connected.getSoTimeout();
        g.connected();
        return g;
    }

    // ---- what the rest of SecureMail asks ----

    /** @return the reply lines the server sent in cleartext, for error messages and capability records */
    List<String> cleartextReplies() {
        synchronized (lock) {
            return List.copyOf(cleartextReplies);
        }
    }

    /** @return whether the server announced STARTTLS (or STLS) in cleartext */
    boolean startTlsAnnounced() {
        synchronized (lock) {
            return startTlsAnnounced;
        }
    }

    /** @return whether TLS has begun on this socket */
    boolean isTls() {
        synchronized (lock) {
            return phase == Phase.TLS;
        }
    }

    /**
     * Switches to TLS after a STARTTLS go-ahead: checks that the server sent nothing after it, then seals the cleartext
     * streams.
     *
     * @throws GuardException if there was no go-ahead, or data followed it
     */
    void beginTls() throws IOException {
        synchronized (lock) {
            if (phase != Phase.GO_AHEAD) {
                Phase was = phase;
                breakConnection();
                throw new GuardException(MailSecurityException.Reason.STARTTLS_REFUSED,
                        "TLS was about to start without the server's " + rules.startTlsCommand() + " go-ahead (state "
                                + was + ")", "this is a SecureMail bug: please report it");
            }
            long pending = excessBytes + inner.getInputStream().available();
            if (pending > 0) {
                breakConnection();
                throw new GuardException(MailSecurityException.Reason.DATA_AFTER_STARTTLS,
                        "sent " + pending + " byte(s) after its " + rules.startTlsCommand() + " go-ahead \""
                                + goAheadLine + "\" and before the TLS handshake",
                        "a server must not send anything there; a man-in-the-middle may be injecting commands"
                                + " (CVE-2011-0411), so the connection was closed before TLS and nothing was sent");
            }
            phase = Phase.TLS;
        }
    }

    /** Closes the connection at once, for a refusal; every later read or write fails. */
    void breakConnection() {
        synchronized (lock) {
            phase = Phase.BROKEN;
        }
        closeInner();
    }

    /** Ends a blocked write or an overdue step from the {@link Watchdog}: closes the socket and remembers why. */
    void abort(String why) {
        abortReason = why;
        closeInner();
    }

    /** @return when the write in progress began, or 0 when none is */
    long writeStartedNanos() {
        return writeStartedNanos;
    }

    ConnectionContext context() {
        return ctx;
    }

    private void closeInner() {
        try {
            inner.close();
        } catch (IOException ignored) {
            // already refusing
        }
        ctx.wiring().watchdog().forget(this);
    }

    private void connected() {
        ctx.wiring().watchdog().watch(this);
        ctx.startStep("connecting");
    }

    // ---- connecting ----

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        InetAddress fixed = ctx.wiring().connectAddress();
        if (fixed != null && endpoint instanceof InetSocketAddress) {
            // MailClientBuilder.connectTo: the name was given for the certificate, SNI and messages, not to resolve.
            endpoint = new InetSocketAddress(fixed, ((InetSocketAddress) endpoint).getPort());
        }
        if (ctx.mode() == SecurityMode.INSECURE_CLEARTEXT) {
            InetAddress a = endpoint instanceof InetSocketAddress ? ((InetSocketAddress) endpoint).getAddress() : null;
            if (a == null || !a.isLoopbackAddress()) {
                inner.close();
                throw new GuardException(MailSecurityException.Reason.UNSAFE_CONFIGURATION,
                        "was not contacted: insecureCleartextForLocalDevelopment() connects only to this machine,"
                                + " and " + (a == null ? "the name did not resolve" : "the name resolved to "
                                + a.getHostAddress()), "use mode(SecurityMode.IMPLICIT_TLS) or"
                        + " mode(SecurityMode.STARTTLS_REQUIRED) for a server elsewhere");
            }
        }
        inner.connect(endpoint, timeout);
        connected();
    }

    // ---- streams ----

    @Override
    public InputStream getInputStream() throws IOException {
        synchronized (lock) {
            if (rawIn == null) {
                rawIn = new DeadlineInputStream(inner.getInputStream());
            }
            if (phase == Phase.TLS) {
                return rawIn;
            }
            if (phase == Phase.BROKEN) {
                throw new SocketException("the connection was closed by a SecureMail refusal");
            }
            if (cleartextIn == null) {
                cleartextIn = new ObservingInputStream(new ReplyBounds(rawIn, rules, Limits.BEFORE_TLS, "before TLS",
                        this::breakConnection));
            }
            return cleartextIn;
        }
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        synchronized (lock) {
            if (rawOut == null) {
                rawOut = new WatchedOutputStream(inner.getOutputStream());
            }
            if (phase == Phase.TLS) {
                return rawOut;
            }
            if (phase == Phase.BROKEN) {
                throw new SocketException("the connection was closed by a SecureMail refusal");
            }
            if (cleartextOut == null) {
                cleartextOut = new CommandWatch(new SealedOutputStream(rawOut), rules, this::cleartextCommand,
                        ctx::sendingContent);
            }
            return cleartextOut;
        }
    }

    /** Reads from the network, never waiting past the read timeout, the greeting wait or the step's deadline. */
    private final class DeadlineInputStream extends FilterInputStream {
        DeadlineInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = ctx.deadlineNanos() - System.nanoTime();
            if (left <= 0) {
                throw overdue();
            }
            int limit = readTimeoutMillis <= 0 ? Integer.MAX_VALUE : readTimeoutMillis;
            boolean greeting = !sawBytes && phase == Phase.CLEARTEXT;
            int greetingWait = greeting ? greetingWaitMillis() : Integer.MAX_VALUE;
            int wait = (int) Math.min(Math.min(limit, greetingWait), Math.max(1, (left + 999_999) / 1_000_000));
            if (wait != appliedTimeoutMillis) {
                inner.setSoTimeout(wait);
                appliedTimeoutMillis = wait;
            }
            int n;
            try {
                n = super.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (greeting) {
                    throw noGreeting(wait);
                }
                if (ctx.deadlineNanos() - System.nanoTime() <= 0) {
                    throw overdue();
                }
                throw e;
            } catch (IOException e) {
                String why = abortReason;
                if (why != null) {
                    throw new StepTimeoutException(why, e);
                }
                throw e;
            }
            if (n > 0 && !sawBytes) {
                sawBytes = true;
                ctx.firstBytes(Arrays.copyOfRange(b, off, off + Math.min(n, 8)));
                if (phase == Phase.CLEARTEXT && n >= 2 && (b[off] == 0x15 || b[off] == 0x16) && b[off + 1] == 0x03) {
                    breakConnection();
                    throw new WrongModeException("answered with TLS where a greeting belongs", implicitHint());
                }
            }
            return n;
        }

        private StepTimeoutException overdue() {
            String what = "took longer than allowed for " + ctx.stepDescription();
            abortReason = what;
            closeInner();
            return new StepTimeoutException(what, null);
        }

        private WrongModeException noGreeting(int waited) {
            breakConnection();
            return new WrongModeException("sent no greeting within " + ConnectionContext.describe(
                    java.time.Duration.ofMillis(waited)), implicitHint());
        }
    }

    private int greetingWaitMillis() {
        long connect = ctx.wiring().timeouts().connect().toMillis();
        int p = ctx.port();
        boolean implicitPort = p == 465 || p == 993 || p == 995;
        return (int) Math.min(Integer.MAX_VALUE, implicitPort ? Math.min(connect, WELL_KNOWN_GREETING_WAIT_MILLIS)
                : connect);
    }

    private String implicitHint() {
        return "port " + ctx.port() + " seems to expect implicit TLS: use mode(SecurityMode.IMPLICIT_TLS)"
                + ctx.rules().startTlsPortHint();
    }

    /** Writes to the network; the {@link Watchdog} ends a write that blocks longer than the write timeout. */
    private final class WatchedOutputStream extends FilterOutputStream {
        WatchedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeStartedNanos = System.nanoTime();
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw aborted(e);
            } finally {
                writeStartedNanos = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            writeStartedNanos = System.nanoTime();
            try {
                out.flush();
            } catch (IOException e) {
                throw aborted(e);
            } finally {
                writeStartedNanos = 0;
            }
        }

        private IOException aborted(IOException e) {
            String why = abortReason;
            return why == null ? e : new StepTimeoutException(why, e);
        }
    }

    /** The cleartext output: refuses everything once TLS has begun or the connection is broken. */
    private final class SealedOutputStream extends FilterOutputStream {
        SealedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            synchronized (lock) {
                if (phase == Phase.BROKEN || phase == Phase.TLS) {
                    return;
                }
            }
            out.flush();
        }

        private void checkOpen() throws SocketException {
            synchronized (lock) {
                if (phase == Phase.TLS || phase == Phase.BROKEN) {
                    throw new SocketException("the cleartext stream is closed: TLS has begun on this connection");
                }
            }
        }
    }

    /** Decides on a command line about to leave in cleartext. */
    private void cleartextCommand(String line) throws IOException {
        synchronized (lock) {
            String verb = rules.verb(line);
            String shown = verb.isEmpty() ? "data" : verb;
            switch (phase) {
                case CLEARTEXT:
                    if (rules.carriesCredentials(verb) && !cleartextCredentialsAllowed()) {
                        breakConnection();
                        throw new GuardException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED,
                                "refused to send " + shown + " in cleartext: credentials travel only inside"
                                        + " authenticated TLS",
                                "the command never left this machine; this is a SecureMail safeguard against a"
                                        + " cleartext fallback");
                    }
                    if (restrict && !rules.allowedBeforeTls(line)) {
                        breakConnection();
                        throw new GuardException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED,
                                "refused to send " + shown + " in cleartext: TLS is required on this connection and"
                                        + " has not begun",
                                "the command never left this machine; this is a SecureMail safeguard against a"
                                        + " cleartext fallback");
                    }
                    if (rules.isStartTls(line)) {
                        phase = Phase.AWAITING_GO_AHEAD;
                        startTlsTag = rules.tag(line);
                    }
                    ctx.startStep(shown);
                    return;
                case AWAITING_GO_AHEAD:
                case GO_AHEAD:
                    breakConnection();
                    throw new GuardException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED,
                            "refused to send " + shown + " between " + rules.startTlsCommand()
                                    + " and the TLS handshake", "the command never left this machine");
                default:
                    throw new SocketException("the cleartext stream is closed: TLS has begun on this connection");
            }
        }
    }

    /**
     * Credentials go in cleartext only in the insecure local-development mode of a mailbox client, to a server this
     * socket reached on this machine's own address (checked when it connected).
     */
    private boolean cleartextCredentialsAllowed() {
        InetAddress peer = inner.getInetAddress();
        return ctx.mode() == SecurityMode.INSECURE_CLEARTEXT && rules != CleartextRules.SMTP && peer != null
                && peer.isLoopbackAddress();
    }

    /** Reads in cleartext, noticing STARTTLS announcements, the end of the STARTTLS reply, and anything after it. */
    private final class ObservingInputStream extends FilterInputStream {
        ObservingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                if (phase == Phase.TLS || phase == Phase.BROKEN) {
                    throw new SocketException("the cleartext stream is closed: TLS has begun on this connection");
                }
            }
            int n = super.read(b, off, len);
            if (n > 0) {
                observe(b, off, n);
            }
            return n;
        }

        private void observe(byte[] b, int off, int n) {
            synchronized (lock) {
                for (int i = off; i < off + n; i++) {
                    if (phase == Phase.GO_AHEAD) {
                        excessBytes += off + n - i;
                        return;
                    }
                    char c = (char) (b[i] & 0xff);
                    if (c == '\n') {
                        String line = replyLine.toString();
                        if (line.endsWith("\r")) {
                            line = line.substring(0, line.length() - 1);
                        }
                        replyLine.setLength(0);
                        onReplyLine(line);
                    } else if (replyLine.length() < 4096) {
                        replyLine.append(c);
                    }
                }
            }
        }
    }

    private void onReplyLine(String line) {
        if (cleartextReplies.size() < MAX_RECORDED_LINES) {
            cleartextReplies.add(line);
        }
        if (rules.announcesStartTls(line)) {
            startTlsAnnounced = true;
            restrict = true;
        }
        if (phase == Phase.AWAITING_GO_AHEAD && rules.endsStartTlsReply(line, startTlsTag)) {
            if (rules.isGoAhead(line, startTlsTag)) {
                phase = Phase.GO_AHEAD;
                goAheadLine = line;
            } else {
                phase = Phase.CLEARTEXT;
            }
        }
    }

    // ---- the rest of Socket, delegated ----

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        readTimeoutMillis = timeout;
        inner.setSoTimeout(timeout);
        appliedTimeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return readTimeoutMillis;
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (phase != Phase.TLS) {
                phase = Phase.BROKEN;
            }
        }
        ctx.wiring().watchdog().forget(this);
        inner.close();
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        inner.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return inner.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return inner.getLocalAddress();
    }

    @Override
    public int getPort() {
        return inner.getPort();
    }

    @Override
    public int getLocalPort() {
        return inner.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return inner.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return inner.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        inner.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return inner.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        inner.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return inner.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("SecureMail sends no urgent data");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        inner.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return inner.getOOBInline();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        inner.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return inner.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        inner.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return inner.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        inner.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return inner.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        inner.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return inner.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        inner.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return inner.getReuseAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        inner.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        inner.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return inner.isConnected();
    }

    @Override
    public boolean isBound() {
        return inner.isBound();
    }

    @Override
    public boolean isClosed() {
        return inner.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return inner.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return inner.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        inner.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        inner.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return inner.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return inner.supportedOptions();
    }

    @Override
    public String toString() {
        return "GuardedSocket[" + inner + ", " + phase + "]";
    }
}
