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
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable POP3 server on 127.0.0.1, port 0, that records every line it receives, in cleartext or under TLS, and
 * misbehaves on request: no STLS, STLS answered -ERR, data injected after the go-ahead, CAPA failing after TLS,
 * authentication refused, stalls.
 *
 * <p>Its maildrop holds generated messages: message {@code i} (1-based) has UIDL {@code uid-i} and subject
 * "Message i". It implements CAPA, STLS, USER, PASS, AUTH (PLAIN, XOAUTH2, with an initial response), STAT, LIST,
 * UIDL, RETR, TOP, DELE, NOOP, RSET and QUIT (which commits deletions).
 */
public final class HostilePop3Server implements AutoCloseable {

    /** One line received. */
    public static final class Line {
        public final int connection;
        public final boolean tls;
        public final String text;

        Line(int connection, boolean tls, String text) {
            this.connection = connection;
            this.tls = tls;
            this.text = text;
        }

        /** @return the command verb, upper case */
        public String verb() {
            return text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return "#" + connection + (tls ? " TLS " : " CLEAR ") + text;
        }
    }

    private final Builder b;
    private final ServerSocket serverSocket;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-pop3");
        t.setDaemon(true);
        return t;
    });
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream cleartext = new ByteArrayOutputStream();
    private final Deque<String> authReplies;
    private final List<String[]> maildrop = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int connections;

    private HostilePop3Server(Builder b) throws IOException {
        this.b = b;
        this.authReplies = new ConcurrentLinkedDeque<>(b.authReplies);
        for (int i = 1; i <= b.messages; i++) {
            String raw = "From: sender" + i + "@example.test\r\nTo: alice@example.test\r\nSubject: Message " + i
                    + "\r\nMessage-ID: <p" + i + "@example.test>\r\n\r\nBody of message " + i + "\r\n.leading dot\r\n";
            maildrop.add(new String[] {"uid-" + i, raw});
        }
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        executor.execute(this::acceptLoop);
    }

    /**
     * Starts building a server.
     *
     * @param tls the server's TLS context (its certificate), or null for a server that cannot do TLS
     * @return a builder
     */
    public static Builder builder(SSLContext tls) {
        return new Builder(tls);
    }

    /** Scripts the server's behaviour. */
    public static final class Builder {
        private final SSLContext tls;
        private boolean implicitTls;
        private String greeting = "+OK hostile POP3 ready";
        private List<String> capaBeforeTls = List.of("USER", "UIDL", "TOP", "STLS", "SASL PLAIN");
        private List<String> capaAfterTls = List.of("USER", "UIDL", "TOP", "SASL PLAIN XOAUTH2");
        private boolean capaFailsAfterTls;
        private String stlsReply = "+OK Begin TLS negotiation";
        private String afterGoAhead = "";
        private String authReply = "+OK Logged in";
        private List<String> authReplies = List.of();
        private int messages;
        private String stallOn;

        Builder(SSLContext tls) {
            this.tls = tls;
        }

        /** @param v TLS from the first byte @return this */
        public Builder implicitTls(boolean v) {
            implicitTls = v;
            return this;
        }

        /** @param line the greeting @return this */
        public Builder greeting(String line) {
            greeting = line;
            return this;
        }

        /** @param caps the CAPA lines before TLS (or always, without TLS) @return this */
        public Builder capaBeforeTls(String... caps) {
            capaBeforeTls = List.of(caps);
            return this;
        }

        /** @param caps the CAPA lines under TLS @return this */
        public Builder capaAfterTls(String... caps) {
            capaAfterTls = List.of(caps);
            return this;
        }

        /** @param v whether CAPA is answered -ERR under TLS @return this */
        public Builder capaFailsAfterTls(boolean v) {
            capaFailsAfterTls = v;
            return this;
        }

        /** @param reply the reply to STLS, e.g. "-ERR not now" @return this */
        public Builder stlsReply(String reply) {
            stlsReply = reply;
            return this;
        }

        /** @param data bytes sent right after the STLS go-ahead, in the same write @return this */
        public Builder afterGoAhead(String data) {
            afterGoAhead = data;
            return this;
        }

        /** @param reply the final reply to PASS and AUTH @return this */
        public Builder authReply(String reply) {
            authReply = reply;
            return this;
        }

        /** @param replies successive replies to PASS/AUTH, one per attempt; then {@link #authReply} @return this */
        public Builder authReplies(String... replies) {
            authReplies = List.of(replies);
            return this;
        }

        /** @param n how many messages the maildrop holds @return this */
        public Builder messages(int n) {
            messages = n;
            return this;
        }

        /** @param verb stop answering when this command arrives ("GREETING" stalls before the greeting) @return this */
        public Builder stallOn(String verb) {
            stallOn = verb.toUpperCase(Locale.ROOT);
            return this;
        }

        /** @return the started server */
        public HostilePop3Server start() {
            try {
                return new HostilePop3Server(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** @return the port */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** @return every line received, in order */
    public List<Line> lines() {
        return new ArrayList<>(lines);
    }

    /** @return the lines received before TLS */
    public List<String> cleartextLines() {
        List<String> r = new ArrayList<>();
        for (Line l : lines) {
            if (!l.tls) {
                r.add(l.text);
            }
        }
        return r;
    }

    /** @return the lines received under TLS */
    public List<String> tlsLines() {
        List<String> r = new ArrayList<>();
        for (Line l : lines) {
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

    /** @return the UIDLs of the messages deleted (committed by QUIT) */
    public List<String> deleted() {
        return new ArrayList<>(deleted);
    }

    /** @return the number of connections accepted */
    public int connections() {
        return connections;
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                int id = ++connections;
                open.add(s);
                executor.execute(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Conn {
        final int id;
        Socket socket;
        InputStream in;
        OutputStream out;
        boolean tls;
        final Set<Integer> marked = new LinkedHashSet<>();

        Conn(int id, Socket socket) throws IOException {
            this.id = id;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void startTls() throws IOException {
            SSLSocket ssl = (SSLSocket) b.tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            socket = ssl;
            open.add(ssl);
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
            tls = true;
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void reply(String... replyLines) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String r : replyLines) {
                sb.append(r).append("\r\n");
            }
            send(sb.toString());
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (!tls) {
                    synchronized (cleartext) {
                        cleartext.write(c);
                    }
                }
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
            lines.add(new Line(id, tls, s));
            return s;
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            socket.setSoTimeout(30_000);
            Conn c = new Conn(id, socket);
            if (b.implicitTls) {
                c.startTls();
            }
            if ("GREETING".equals(b.stallOn)) {
                Thread.sleep(60_000);
                return;
            }
            c.reply(b.greeting);
            String line;
            while ((line = c.readLine()) != null) {
                String[] parts = line.split(" ");
                String verb = parts[0].toUpperCase(Locale.ROOT);
                if (verb.equals(b.stallOn)) {
                    Thread.sleep(60_000);
                    return;
                }
                if (!dispatch(c, verb, parts)) {
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String nextAuthReply() {
        String r = authReplies.poll();
        return r != null ? r : b.authReply;
    }

    private int number(Conn c, String[] parts) throws IOException {
        try {
            int n = Integer.parseInt(parts[1]);
            if (n >= 1 && n <= maildrop.size() && !c.marked.contains(n)) {
                return n;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        c.reply("-ERR no such message");
        return -1;
    }

    private boolean dispatch(Conn c, String verb, String[] parts) throws IOException {
        switch (verb) {
            case "CAPA": {
                if (c.tls && b.capaFailsAfterTls) {
                    c.reply("-ERR CAPA not available");
                    return true;
                }
                List<String> caps = new ArrayList<>(c.tls ? b.capaAfterTls : b.capaBeforeTls);
                if (c.tls || b.tls == null) {
                    caps.remove("STLS");
                }
                caps.add(0, "+OK Capability list follows");
                caps.add(".");
                c.reply(caps.toArray(new String[0]));
                return true;
            }
            case "STLS":
                if (c.tls || b.tls == null) {
                    c.reply("-ERR STLS not available");
                    return true;
                }
                c.send(b.stlsReply + "\r\n" + b.afterGoAhead);
                if (b.stlsReply.startsWith("+OK")) {
                    c.startTls();
                }
                return true;
            case "USER":
                c.reply("+OK send PASS");
                return true;
            case "PASS":
                c.reply(nextAuthReply());
                return true;
            case "AUTH":
                if (parts.length < 3) {
                    c.reply("+ ");
                    c.readLine();
                }
                c.reply(nextAuthReply());
                return true;
            case "STAT": {
                int count = 0;
                int size = 0;
                for (int i = 1; i <= maildrop.size(); i++) {
                    if (!c.marked.contains(i)) {
                        count++;
                        size += maildrop.get(i - 1)[1].length();
                    }
                }
                c.reply("+OK " + count + " " + size);
                return true;
            }
            case "LIST":
            case "UIDL": {
                if (parts.length > 1) {
                    int n = number(c, parts);
                    if (n > 0) {
                        c.reply("+OK " + n + " " + (verb.equals("LIST") ? maildrop.get(n - 1)[1].length()
                                : maildrop.get(n - 1)[0]));
                    }
                    return true;
                }
                List<String> out = new ArrayList<>();
                out.add("+OK");
                for (int i = 1; i <= maildrop.size(); i++) {
                    if (!c.marked.contains(i)) {
                        out.add(i + " " + (verb.equals("LIST") ? maildrop.get(i - 1)[1].length()
                                : maildrop.get(i - 1)[0]));
                    }
                }
                out.add(".");
                c.reply(out.toArray(new String[0]));
                return true;
            }
            case "RETR":
            case "TOP": {
                int n = number(c, parts);
                if (n > 0) {
                    String raw = maildrop.get(n - 1)[1];
                    if (verb.equals("TOP")) {
                        raw = raw.substring(0, raw.indexOf("\r\n\r\n") + 4);
                    }
                    StringBuilder sb = new StringBuilder("+OK " + raw.length() + " octets\r\n");
                    for (String l : raw.split("\r\n", -1)) {
                        if (l.startsWith(".")) {
                            sb.append('.');
                        }
                        sb.append(l).append("\r\n");
                    }
                    // split(-1) leaves an empty last element for the trailing CRLF: drop its extra CRLF
                    sb.setLength(sb.length() - 2);
                    sb.append(".\r\n");
                    c.send(sb.toString());
                }
                return true;
            }
            case "DELE": {
                int n = number(c, parts);
                if (n > 0) {
                    c.marked.add(n);
                    c.reply("+OK marked");
                }
                return true;
            }
            case "NOOP":
                c.reply("+OK");
                return true;
            case "RSET":
                c.marked.clear();
                c.reply("+OK");
                return true;
            case "QUIT": {
                List<Integer> desc = new ArrayList<>(c.marked);
                desc.sort(java.util.Comparator.reverseOrder());
                for (int n : desc) {
                    deleted.add(maildrop.remove(n - 1)[0]);
                }
                c.reply("+OK bye");
                return false;
            }
            default:
                c.reply("-ERR unknown command");
                return true;
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        executor.shutdownNow();
    }
}
