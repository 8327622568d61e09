package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
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

    private final Builder b;
    private final Deque<String> authReplies;
    private final List<String[]> maildrop = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();

    private HostilePop3Server(Builder b) throws IOException {
        super("hostile-pop3", b.tls);
        scriptAttack(b.attackWhen, b.attackInsideTls, b.attack);
        this.b = b;
        this.authReplies = new ConcurrentLinkedDeque<>(b.authReplies);
        for (int i = 1; i <= b.messages; i++) {
            String raw = "From: sender" + i + "@example.test\r\nTo: alice@example.test\r\nSubject: Message " + i
                    + "\r\nMessage-ID: <p" + i + "@example.test>\r\n\r\nBody of message " + i + "\r\n.leading dot\r\n";
            maildrop.add(new String[] {"uid-" + i, raw});
        }
        start();
    }

    @Override
    protected Line line(int connection, boolean tls, String text) {
        return new Line(connection, tls, text);
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
        private boolean noCapa;
        private boolean quitWithoutReply;
        private Set<String> unsupported = Set.of();
        private String stlsReply = "+OK Begin TLS negotiation";
        private String afterGoAhead = "";
        private String authReply = "+OK Logged in";
        private List<String> authReplies = List.of();
        private int messages;
        private String stallOn;
        private String attackWhen;
        private Boolean attackInsideTls;
        private Attack attack;

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

        /**
         * @param v whether the server lacks CAPA (RFC 2449 makes it optional): it answers -ERR, as to any unknown
         *     command
         * @return this
         */
        public Builder noCapa(boolean v) {
            noCapa = v;
            return this;
        }

        /**
         * @param v whether the server closes the connection on QUIT without replying (deletions still commit)
         * @return this
         */
        public Builder quitWithoutReply(boolean v) {
            quitWithoutReply = v;
            return this;
        }

        /** @param verbs commands the server answers "-ERR unknown command", e.g. "UIDL", "TOP" @return this */
        public Builder unsupported(String... verbs) {
            unsupported = Set.of(verbs);
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
        /**
         * Runs an attack instead of the greeting ({@code "GREETING"}) or of the reply to a command.
         *
         * @param when "GREETING" or a command verb
         * @param insideTls true to attack only inside TLS, false only before it, null either way
         * @param attack the attack
         * @return this
         */
        public Builder attack(String when, Boolean insideTls, Attack attack) {
            this.attackWhen = when;
            this.attackInsideTls = insideTls;
            this.attack = attack;
            return this;
        }

        /**
         * @param verb stop answering when this command arrives ("GREETING" stalls before the greeting)
         * @return this
         */
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

    /** @return the UIDLs of the messages deleted (committed by QUIT) */
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
    protected void serve(Socket socket, int id) throws IOException, InterruptedException {
        {
            Pop3Conn c = new Pop3Conn(id, socket);
            if (b.implicitTls) {
                c.startTls();
            }
            if ("GREETING".equals(b.stallOn)) {
                stall();
                return;
            }
            if (attackIfDue(c, "GREETING")) {
                return;
            }
            c.reply(b.greeting);
            String line;
            while ((line = c.readLine()) != null) {
                String[] parts = line.split(" ");
                String verb = parts[0].toUpperCase(Locale.ROOT);
                if (attackIfDue(c, verb)) {
                    return;
                }
                if (verb.equals(b.stallOn)) {
                    stall();
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

    private String nextAuthReply() {
        String r = authReplies.poll();
        return r != null ? r : b.authReply;
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
