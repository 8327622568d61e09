package org.securemail.transport.internal;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.securemail.transport.MailSecurityException;

/**
 * The plain socket under every SecureMail mail connection that starts in cleartext: a firewall at the wire, below
 * anything Jakarta Mail does.
 *
 * <p>Before TLS, it forwards a command line only when the protocol allows it in cleartext (EHLO, STARTTLS, QUIT ... for
 * SMTP; CAPABILITY, STARTTLS, LOGOUT for IMAP; CAPA, STLS, QUIT for POP3) once TLS is required, which is from the
 * start in the TLS-required modes and from the moment the server announces STARTTLS in opportunistic mode. Anything
 * else (AUTH, LOGIN, USER, PASS, MAIL FROM, message data) is never written: the socket closes and a
 * {@link CleartextGuardException} names the command verb (never its arguments). After the STARTTLS command, nothing
 * more may be written before TLS; the server's reply is read, and any byte it sends after its go-ahead and before the
 * handshake refuses the connection. When TLS begins, the cleartext streams are sealed: the TLS layer gets fresh ones.
 */
public final class GuardedSocket extends Socket {
    private static final int MAX_RECORDED_LINES = 200;

    private enum Phase { CLEARTEXT, AWAITING_GO_AHEAD, GO_AHEAD, TLS, BROKEN }

    private final CleartextRules rules;
    private final Object lock = new Object();
    private final List<String> cleartextReplies = new ArrayList<>();
    private final StringBuilder replyLine = new StringBuilder();
    private boolean restrict;
    private boolean startTlsAnnounced;
    private Phase phase = Phase.CLEARTEXT;
    private String startTlsTag;
    private String goAheadLine;
    private long excessBytes;
    private InputStream cleartextIn;
    private OutputStream cleartextOut;

    /**
     * Creates an unconnected guarded socket.
     *
     * @param rules the protocol's cleartext rules
     * @param tlsRequired true when no command but the allowed ones may ever travel in cleartext
     */
    GuardedSocket(CleartextRules rules, boolean tlsRequired) {
        this.rules = rules;
        this.restrict = tlsRequired;
    }

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
     * @throws CleartextGuardException if there was no go-ahead, or data followed it
     */
    void beginTls() throws IOException {
        synchronized (lock) {
            if (phase != Phase.GO_AHEAD) {
                Phase was = phase;
                breakConnection();
                throw new CleartextGuardException(MailSecurityException.Reason.STARTTLS_REFUSED,
                        "TLS was about to start without the server's " + rules.startTlsCommand() + " go-ahead (state "
                                + was + ")", "this is a SecureMail bug: please report it");
            }
            long pending = excessBytes + super.getInputStream().available();
            if (pending > 0) {
                breakConnection();
                throw new CleartextGuardException(MailSecurityException.Reason.DATA_AFTER_STARTTLS,
                        "sent " + pending + " byte(s) after its " + rules.startTlsCommand() + " go-ahead \""
                                + goAheadLine + "\" and before the TLS handshake",
                        "a server must not send anything there; a man-in-the-middle may be injecting commands"
                                + " (CVE-2011-0411), so the connection was closed before TLS and nothing was sent");
            }
            phase = Phase.TLS;
        }
    }

    private void breakConnection() {
        phase = Phase.BROKEN;
        try {
            super.close();
        } catch (IOException ignored) {
            // already refusing
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        synchronized (lock) {
            if (phase == Phase.TLS) {
                return super.getInputStream();
            }
            if (cleartextIn == null) {
                cleartextIn = new ObservingInputStream(super.getInputStream());
            }
            return cleartextIn;
        }
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        synchronized (lock) {
            if (phase == Phase.TLS) {
                return super.getOutputStream();
            }
            if (cleartextOut == null) {
                cleartextOut = new GuardOutputStream(super.getOutputStream());
            }
            return cleartextOut;
        }
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

    /** Writes whole command lines only, and only those the rules allow in the current phase. */
    private final class GuardOutputStream extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream(128);

        GuardOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                int start = off;
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        pending.write(b, start, i + 1 - start);
                        start = i + 1;
                        byte[] line = pending.toByteArray();
                        pending.reset();
                        forwardLine(line);
                    }
                }
                pending.write(b, start, off + len - start);
            }
        }

        private void forwardLine(byte[] bytes) throws IOException {
            String line = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("\r?\n$", "");
            switch (phase) {
                case CLEARTEXT:
                    if (restrict && !rules.allowedBeforeTls(line)) {
                        String verb = rules.verb(line);
                        breakConnection();
                        throw new CleartextGuardException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED,
                                "refused to send " + (verb.isEmpty() ? "data" : verb) + " in cleartext: TLS is"
                                        + " required on this connection and has not begun",
                                "the command never left this machine; this is a SecureMail safeguard against a"
                                        + " cleartext fallback");
                    }
                    if (rules.isStartTls(line)) {
                        phase = Phase.AWAITING_GO_AHEAD;
                        startTlsTag = rules.tag(line);
                    }
                    out.write(bytes);
                    return;
                case AWAITING_GO_AHEAD:
                case GO_AHEAD:
                    String verb = rules.verb(line);
                    breakConnection();
                    throw new CleartextGuardException(MailSecurityException.Reason.CLEARTEXT_COMMAND_BLOCKED,
                            "refused to send " + (verb.isEmpty() ? "data" : verb) + " between "
                                    + rules.startTlsCommand() + " and the TLS handshake",
                            "the command never left this machine");
                default:
                    throw new SocketException("the cleartext stream is closed: TLS has begun on this connection");
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (lock) {
                if (phase == Phase.BROKEN || phase == Phase.TLS) {
                    return;
                }
                out.flush();
            }
        }
    }
}
