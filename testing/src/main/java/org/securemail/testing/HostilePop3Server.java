package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A scriptable POP3 server on 127.0.0.1, port 0, that records every line it receives, in cleartext or under TLS, and
 * misbehaves on request: no STLS, STLS answered -ERR, data injected after the go-ahead, CAPA failing after TLS,
 * authentication refused, stalls.
 *
 * <p>Its maildrop holds generated messages: message {@code i} (1-based) has UIDL {@code uid-i} and subject
 * "Message i". It implements CAPA, STLS, USER, PASS, AUTH (PLAIN, XOAUTH2, with an initial response), STAT, LIST,
 * UIDL, RETR, TOP, DELE, NOOP, RSET and QUIT (which commits deletions).
 */
public final class HostilePop3Server extends RecordingServer<RecordingServer.Line> {

    /** What a client may send before TLS without giving anything away. */
    static final Set<String> COMMANDS_BEFORE_TLS = Set.of("CAPA", "STLS", "QUIT");

    private final Builder b;
    private final List<String[]> maildrop = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();

    private HostilePop3Server(Builder b) throws IOException {
        super("hostile-pop3", b.tls, COMMANDS_BEFORE_TLS, b);
        this.b = b;
        for (int i = 1; i <= b.messages; i++) {
            String raw = "From: sender" + i + "@example.test\r\nTo: alice@example.test\r\nSubject: Message " + i
                    + "\r\nMessage-ID: <p" + i + "@example.test>\r\n\r\nBody of message " + i + "\r\n.leading dot\r\n";
            maildrop.add(new String[] {"uid-" + i, raw});
        }
        start();
    }

    @Override
    Line line(int connection, boolean tls, String text) {
        return new Line(connection, tls, text);
    }

    /**
     * Starts scripting a server; without further calls it offers STLS, takes any login under TLS and serves an empty
     * maildrop.
     *
     * @param tls the server's TLS context (its certificate, see {@link ServerTls}), or null for a server that cannot
     *     do TLS
     * @return a builder
     */
    public static Builder builder(SSLContext tls) {
        return new Builder(tls);
    }

    /** Scripts a POP3 server's behaviour; the options all three servers share are on {@link HostileServerBuilder}. */
    public static final class Builder extends HostileServerBuilder<Builder, HostilePop3Server> {
        private List<String> capaBeforeTls = List.of("USER", "UIDL", "TOP", "STLS", "SASL PLAIN");
        private List<String> capaAfterTls = List.of("USER", "UIDL", "TOP", "SASL PLAIN XOAUTH2");
        private boolean capaFailsAfterTls;
        private boolean noCapa;
        private boolean quitWithoutReply;
        private Set<String> unsupported = Set.of();
        private String stlsReply = "+OK Begin TLS negotiation";
        private int messages;

        Builder(SSLContext tls) {
            super(tls, "+OK hostile POP3 ready", "+OK Logged in");
        }

        /**
         * Sets the CAPA lines before TLS (or always, for a server without TLS).
         *
         * @param caps the lines, e.g. {@code "USER"}, {@code "STLS"}, {@code "SASL PLAIN"}
         * @return this builder
         */
        public Builder capaBeforeTls(String... caps) {
            capaBeforeTls = List.of(caps);
            return this;
        }

        /**
         * Sets the CAPA lines under TLS.
         *
         * @param caps the lines
         * @return this builder
         */
        public Builder capaAfterTls(String... caps) {
            capaAfterTls = List.of(caps);
            return this;
        }

        /**
         * Sets whether CAPA is answered -ERR under TLS.
         *
         * @param v whether CAPA fails after STLS
         * @return this builder
         */
        public Builder capaFailsAfterTls(boolean v) {
            capaFailsAfterTls = v;
            return this;
        }

        /**
         * Makes the server lack CAPA, which RFC 2449 makes optional: it answers -ERR, as to any unknown command.
         *
         * @param v true for no CAPA
         * @return this builder
         */
        public Builder noCapa(boolean v) {
            noCapa = v;
            return this;
        }

        /**
         * Makes the server close the connection on QUIT without replying (deletions still commit).
         *
         * @param v true for no reply
         * @return this builder
         */
        public Builder quitWithoutReply(boolean v) {
            quitWithoutReply = v;
            return this;
        }

        /**
         * Names commands the server answers "-ERR unknown command".
         *
         * @param verbs e.g. "UIDL", "TOP"
         * @return this builder
         */
        public Builder unsupported(String... verbs) {
            unsupported = Set.of(verbs);
            return this;
        }

        /**
         * Sets the reply to STLS; anything but +OK leaves the connection in cleartext.
         *
         * @param reply e.g. {@code "-ERR not now"}
         * @return this builder
         */
        public Builder stlsReply(String reply) {
            stlsReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Fills the maildrop with generated messages: message {@code i} (from 1) has UIDL {@code uid-i} and subject
         * "Message i".
         *
         * @param n how many messages the maildrop holds
         * @return this builder
         * @throws IllegalArgumentException if n is negative
         */
        public Builder messages(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("messages must be 0 or more: " + n);
            }
            messages = n;
            return this;
        }

        @Override
        public HostilePop3Server start() {
            try {
                HostilePop3Server server = new HostilePop3Server(this);
                onStart.accept(server);
                return server;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the POP3 test server on 127.0.0.1: " + e, e);
            }
        }
    }

    /**
     * Returns the UIDLs of the messages deleted, committed by QUIT.
     *
     * @return the UIDLs, in the order they were removed
     */
    public List<String> deleted() {
        return new ArrayList<>(deleted);
    }

    /** A connection, and the messages marked for deletion on it. */
    private final class Pop3Conn extends Conn {
        final Set<Integer> marked = new LinkedHashSet<>();

        Pop3Conn(int id, Socket socket) throws IOException {
            super(id, socket);
        }
    }

    @Override
    void serve(Socket socket, int id) throws IOException, InterruptedException {
        {
            Pop3Conn c = new Pop3Conn(id, socket);
            if (!greet(c)) {
                return;
            }
            String line;
            while ((line = c.readLine()) != null) {
                String[] parts = line.split(" ");
                String verb = parts[0].toUpperCase(Locale.ROOT);
                if (!beforeReply(c, verb)) {
                    return;
                }
                if (b.unsupported.contains(verb)) {
                    c.reply("-ERR unknown command");
                    continue;
                }
                if (!dispatch(c, verb, parts)) {
                    return;
                }
            }
        }
    }

    private int number(Pop3Conn c, String[] parts) throws IOException {
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

    private boolean dispatch(Pop3Conn c, String verb, String[] parts) throws IOException {
        switch (verb) {
            case "CAPA": {
                if (b.noCapa) {
                    c.reply("-ERR unknown command");
                    return true;
                }
                if (c.tls && b.capaFailsAfterTls) {
                    c.reply("-ERR CAPA not available");
                    return true;
                }
                List<String> caps = new ArrayList<>(c.tls ? b.capaAfterTls : b.capaBeforeTls);
                if (startTlsHidden(c)) {
                    caps.remove("STLS");
                }
                caps.add(0, "+OK Capability list follows");
                caps.add(".");
                c.reply(caps.toArray(new String[0]));
                return true;
            }
            case "STLS":
                if (startTlsRefused(c)) {
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
                if (!b.quitWithoutReply) {
                    c.reply("+OK bye");
                }
                return false;
            }
            default:
                c.reply("-ERR unknown command");
                return true;
        }
    }
}
