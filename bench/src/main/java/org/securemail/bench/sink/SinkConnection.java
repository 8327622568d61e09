package org.securemail.bench.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP session of the sink: STARTTLS (or implicit TLS), AUTH PLAIN and LOGIN inside TLS only, MAIL, RCPT, DATA
 * (discarded while the end of data is found), RSET, NOOP, QUIT.
 *
 * <p>Replies are collected and written when the client has nothing more buffered for us, i.e. right before the
 * sink would block reading. A client that pipelines (RFC 2920) gets its replies in one write, a client that waits
 * for each reply gets each at once: correct whichever way the client sends.
 */
final class SinkConnection implements Runnable {
    private static final int MAX_LINE = 4096;
    private static final byte[] CRLF = {'\r', '\n'};

    private final SmtpSink sink;
    private final boolean implicitTls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private byte[] pending = new byte[1024];
    private int pendingLength;

    private boolean tls;
    private boolean greeted;
    private boolean authenticated;
    private boolean mailGiven;
    private int recipients;

    SinkConnection(SmtpSink sink, Socket socket, boolean implicitTls) {
        this.sink = sink;
        this.socket = socket;
        this.implicitTls = implicitTls;
    }

    @Override
    public void run() {
        sink.stats().connections.increment();
        try {
            in = socket.getInputStream();
            out = socket.getOutputStream();
            if (implicitTls) {
                startTls();
            }
            reply("220 localhost ESMTP SecureMail bench sink");
            String line;
            while ((line = readLine()) != null) {
                if (!command(line)) {
                    break;
                }
            }
            flush();
        } catch (SocketTimeoutException e) {
            sink.stats().errors.increment();
        } catch (IOException e) {
            // The client went away (or failed its handshake): nothing to report beyond the count.
            sink.stats().disconnects.increment();
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Handles one command line; returns false when the session ends. */
    private boolean command(String line) throws IOException {
        sink.stats().commands.increment();
        String verb = verb(line);
        switch (verb) {
            case "EHLO":
                greeted = true;
                resetTransaction();
                reply("250-localhost");
                reply("250-PIPELINING");
                reply("250-8BITMIME");
                reply("250-ENHANCEDSTATUSCODES");
                reply(tls ? "250 AUTH PLAIN LOGIN" : "250 STARTTLS");
                return true;
            case "HELO":
                greeted = true;
                resetTransaction();
                reply("250 localhost");
                return true;
            case "STARTTLS":
                if (tls) {
                    reply("554 5.5.1 Error: TLS already active");
                    return true;
                }
                if (pos < lim) {
                    // RFC 3207: nothing may follow STARTTLS before the handshake.
                    reply("501 5.5.2 Error: data pipelined after STARTTLS");
                    return false;
                }
                reply("220 2.0.0 Ready to start TLS");
                flush();
                startTls();
                return true;
            case "AUTH":
                auth(line);
                return true;
            case "MAIL":
                if (!tls) {
                    reply("530 5.7.0 Must issue a STARTTLS command first");
                } else if (!greeted) {
                    reply("503 5.5.1 Error: send HELO/EHLO first");
                } else if (!authenticated) {
                    reply("530 5.7.0 Authentication required");
                } else if (mailGiven) {
                    reply("503 5.5.1 Error: nested MAIL command");
                } else if (!line.regionMatches(true, 0, "MAIL FROM:", 0, 10)) {
                    reply("501 5.5.4 Syntax: MAIL FROM:<address>");
                } else {
                    mailGiven = true;
                    reply("250 2.1.0 Ok");
                }
                return true;
            case "RCPT":
                if (!mailGiven) {
                    reply("503 5.5.1 Error: need MAIL command");
                } else if (!line.regionMatches(true, 0, "RCPT TO:", 0, 8)) {
                    reply("501 5.5.4 Syntax: RCPT TO:<address>");
                } else {
                    recipients++;
                    reply("250 2.1.5 Ok");
                }
                return true;
            case "DATA":
                if (!mailGiven) {
                    reply("503 5.5.1 Error: need MAIL command");
                } else if (recipients == 0) {
                    reply("554 5.5.1 Error: no valid recipients");
                } else {
                    reply("354 End data with <CR><LF>.<CR><LF>");
                    long bytes = readData();
                    if (bytes < 0) {
                        return false;
                    }
                    long id = sink.stats().delivered(bytes);
                    resetTransaction();
                    reply("250 2.0.0 Ok: queued as " + Long.toHexString(id).toUpperCase(Locale.ROOT));
                }
                return true;
            case "RSET":
                resetTransaction();
                reply("250 2.0.0 Ok");
                return true;
            case "NOOP":
                reply("250 2.0.0 Ok");
                return true;
            case "VRFY":
                reply("252 2.0.0 Cannot VRFY user");
                return true;
            case "QUIT":
                reply("221 2.0.0 Bye");
                return false;
            default:
                sink.stats().errors.increment();
                reply("502 5.5.2 Error: command not recognized");
                return true;
        }
    }

    private static String verb(String line) {
        int sp = line.indexOf(' ');
        return (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    private void resetTransaction() {
        mailGiven = false;
        recipients = 0;
    }

    private void auth(String line) throws IOException {
        if (!tls) {
            reply("530 5.7.0 Must issue a STARTTLS command first");
            return;
        }
        if (authenticated) {
            reply("503 5.5.1 Error: already authenticated");
            return;
        }
        if (mailGiven) {
            reply("503 5.5.1 Error: MAIL transaction in progress");
            return;
        }
        String[] parts = line.split(" ");
        String mechanism = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
        String initial = parts.length > 2 ? parts[2] : null;
        byte[] user;
        byte[] password;
        if (mechanism.equals("PLAIN")) {
            String response = initial != null ? initial : challenge("");
            if (response == null) {
                return;
            }
            byte[] decoded = decode(response);
            if (decoded == null) {
                return;
            }
            int first = indexOf(decoded, 0, 0);
            int second = first < 0 ? -1 : indexOf(decoded, first + 1, 0);
            if (second < 0) {
                reply("501 5.5.2 Error: malformed PLAIN response");
                return;
            }
            user = Arrays.copyOfRange(decoded, first + 1, second);
            password = Arrays.copyOfRange(decoded, second + 1, decoded.length);
        } else if (mechanism.equals("LOGIN")) {
            String u = initial != null ? initial : challenge("VXNlcm5hbWU6");
            if (u == null || (user = decode(u)) == null) {
                return;
            }
            String p = challenge("UGFzc3dvcmQ6");
            if (p == null || (password = decode(p)) == null) {
                return;
            }
        } else {
            reply("504 5.5.4 Error: unsupported authentication mechanism");
            return;
        }
        if (sink.credentialsMatch(user, password)) {
            authenticated = true;
            reply("235 2.7.0 Authentication successful");
        } else {
            sink.stats().authFailures.increment();
            reply("535 5.7.8 Error: authentication failed");
        }
    }

    /** Sends a 334 challenge and returns the client's answer, or null when it cancelled or left. */
    private String challenge(String text) throws IOException {
        reply("334 " + text);
        String answer = readLine();
        if (answer == null) {
            throw new IOException("client left during AUTH");
        }
        if (answer.equals("*")) {
            reply("501 5.7.0 Authentication cancelled");
            return null;
        }
        return answer;
    }

    private byte[] decode(String base64) throws IOException {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            reply("501 5.5.2 Error: invalid base64");
            return null;
        }
    }

    private static int indexOf(byte[] b, int from, int value) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private void startTls() throws IOException {
        SSLSocket s = sink.layerTls(socket);
        s.startHandshake();
        sink.stats().handshake(s.getSession());
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        pos = 0;
        lim = 0;
        tls = true;
        greeted = false;
        authenticated = false;
        resetTransaction();
    }

    // --- input -------------------------------------------------------------------------------------------------

    /** Returns the next line without its CRLF (a bare LF also ends it), or null at the end of the stream. */
    private String readLine() throws IOException {
        while (true) {
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            if (lim - pos >= MAX_LINE) {
                reply("500 5.5.0 Error: line too long");
                flush();
                throw new IOException("line too long");
            }
            if (!fill()) {
                return null;
            }
        }
    }

    /**
     * Reads the message up to and including the line holding a single dot, discarding it; returns its length in
     * bytes (dot-stuffing included), or -1 if the client left first.
     */
    private long readData() throws IOException {
        // States: 0 start of a line, 1 '.' at the start of a line, 2 ".\r" at the start of a line, 3 inside a line,
        // 4 '\r' inside a line.
        int state = 0;
        long count = 0;
        while (true) {
            byte[] b = buf;
            int i = pos;
            int end = lim;
            while (i < end) {
                byte c = b[i++];
                switch (state) {
                    case 3:
                        if (c == '\r') {
                            state = 4;
                        }
                        break;
                    case 0:
                        state = c == '.' ? 1 : c == '\r' ? 4 : 3;
                        break;
                    case 1:
                        state = c == '\r' ? 2 : 3;
                        break;
                    case 2:
                        if (c == '\n') {
                            count += i - pos;
                            pos = i;
                            return count;
                        }
                        state = c == '\r' ? 4 : 3;
                        break;
                    default:
                        state = c == '\n' ? 0 : c == '\r' ? 4 : 3;
                        break;
                }
            }
            count += end - pos;
            pos = end;
            if (!fill()) {
                return -1;
            }
        }
    }

    /** Writes the pending replies, then reads more; false at the end of the stream. */
    private boolean fill() throws IOException {
        flush();
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    // --- output ------------------------------------------------------------------------------------------------

    private void reply(String line) {
        int need = pendingLength + line.length() + 2;
        if (need > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(need, pending.length * 2));
        }
        for (int i = 0; i < line.length(); i++) {
            pending[pendingLength++] = (byte) line.charAt(i);
        }
        pending[pendingLength++] = CRLF[0];
        pending[pendingLength++] = CRLF[1];
    }

    private void flush() throws IOException {
        if (pendingLength > 0) {
            out.write(pending, 0, pendingLength);
            out.flush();
            pendingLength = 0;
        }
    }
}
