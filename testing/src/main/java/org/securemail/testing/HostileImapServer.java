package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * A scriptable IMAP server on 127.0.0.1, port 0, that records every line it receives, in cleartext or under TLS, and
 * misbehaves on request: no STARTTLS, STARTTLS refused, data injected after the go-ahead, a PREAUTH greeting,
 * CAPABILITY failing after TLS, authentication refused, stalls.
 *
 * <p>It serves one mailbox, INBOX (and an empty "Archive"), with generated messages: message {@code i} (1-based) has
 * UID {@code 1000 + i}, subject "Message i", is \Seen when {@code i} is even. It implements just enough of IMAP4rev1
 * for Jakarta Mail: CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE (PLAIN, XOAUTH2), LIST, SELECT, EXAMINE, FETCH and
 * UID FETCH (ENVELOPE, INTERNALDATE, RFC822.SIZE, FLAGS, UID, BODY[] with partial ranges), SEARCH and UID SEARCH
 * (only UNSEEN and DELETED are evaluated; anything else matches every message), STORE, COPY, MOVE, EXPUNGE, IDLE,
 * NOOP, CLOSE, LOGOUT.
 */
public final class HostileImapServer extends RecordingServer<HostileImapServer.Line> {

    /** One line received; its verb is the word after the tag (and after UID). */
    public static final class Line extends RecordingServer.Line {
        Line(int connection, boolean tls, String text) {
            super(connection, tls, text);
        }

        /**
         * Returns the command verb of the line.
         *
         * @return the word after the tag, upper case; {@code "UID FETCH"} and the like for UID commands
         */
        @Override
        public String verb() {
            String[] p = text.split(" ");
            if (p.length < 2) {
                return text.toUpperCase(Locale.ROOT);
            }
            String v = p[1].toUpperCase(Locale.ROOT);
            if (v.equals("UID") && p.length > 2) {
                return "UID " + p[2].toUpperCase(Locale.ROOT);
            }
            return v;
        }
    }

    private static final class Msg {
        final long uid;
        final Set<String> flags = new LinkedHashSet<>();
        final String raw;
        final String subject;
        final String from;

        Msg(long uid, String subject, String from, String raw) {
            this.uid = uid;
            this.subject = subject;
            this.from = from;
            this.raw = raw;
        }
    }

    /** What a client may send before TLS without giving anything away. */
    static final Set<String> COMMANDS_BEFORE_TLS = Set.of("CAPABILITY", "STARTTLS", "LOGOUT", "NOOP");

    private final Builder b;
    private final List<Msg> inbox = new ArrayList<>();
    private long nextUid;

    private HostileImapServer(Builder b) throws IOException {
        super("hostile-imap", b.tls, COMMANDS_BEFORE_TLS, b);
        this.b = b;
        for (int i = 1; i <= b.messages; i++) {
            Msg m = generate(i);
            if (b.markedDeleted.contains(m.uid)) {
                m.flags.add("\\Deleted");
            }
            inbox.add(m);
            if (i % 2 == 0) {
                inbox.get(i - 1).flags.add("\\Seen");
            }
        }
        nextUid = 1001L + b.messages;
        start();
    }

    @Override
    Line line(int connection, boolean tls, String text) {
        return new Line(connection, tls, text);
    }

    private Msg generate(int i) {
        String subject = "Message " + i;
        String from = "sender" + i + "@example.test";
        StringBuilder body = new StringBuilder();
        String lineText = "Body of message " + i + ", a line of text that repeats.\r\n";
        do {
            body.append(lineText);
        } while (body.length() < b.bodyBytes);
        String raw = "From: Sender " + i + " <" + from + ">\r\n"
                + "To: alice@example.test\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Mon, 2 Nov 2026 10:" + String.format(Locale.ROOT, "%02d", i % 60) + ":00 +0000\r\n"
                + "Message-ID: <m" + i + "@example.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n" + body;
        return new Msg(1000L + i, subject, from, raw);
    }

    /**
     * Starts scripting a server; without further calls it offers STARTTLS, takes any login under TLS and serves an
     * empty INBOX.
     *
     * @param tls the server's TLS context (its certificate, see {@link ServerTls}), or null for a server that cannot
     *     do TLS
     * @return a builder
     */
    public static Builder builder(SSLContext tls) {
        return new Builder(tls);
    }

    /** Scripts an IMAP server's behaviour; the options all three servers share are on {@link HostileServerBuilder}. */
    public static final class Builder extends HostileServerBuilder<Builder, HostileImapServer> {
        private String capabilitiesBeforeTls = "IMAP4rev1 STARTTLS LOGINDISABLED";
        private String capabilitiesAfterTls = "IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR IDLE MOVE UIDPLUS";
        private String startTlsReply = "OK Begin TLS negotiation now";
        private String capabilityAfterTlsReply;
        private int messages;
        private final Set<Long> markedDeleted = new HashSet<>();
        private int bodyBytes = 60;
        private boolean idleNewMail;
        private boolean lowerCaseKeywords;
        private final java.util.Map<String, List<String>> unsolicited = new java.util.HashMap<>();
        private String newMailBefore;
        private String expungeBefore;
        private boolean logoutWithoutReply;
        private int bodyCutAt = -1;

        Builder(SSLContext tls) {
            super(tls, "* OK hostile IMAP ready", "OK Logged in");
        }

        /**
         * Sets the capabilities announced before TLS (or always, for a server without TLS).
         *
         * @param caps the words, e.g. {@code "IMAP4rev1 STARTTLS LOGINDISABLED"}
         * @return this builder
         */
        public Builder capabilitiesBeforeTls(String caps) {
            capabilitiesBeforeTls = Objects.requireNonNull(caps, "caps");
            return this;
        }

        /**
         * Sets the capabilities announced under TLS.
         *
         * @param caps the words, e.g. {@code "IMAP4rev1 AUTH=PLAIN"}
         * @return this builder
         */
        public Builder capabilitiesAfterTls(String caps) {
            capabilitiesAfterTls = Objects.requireNonNull(caps, "caps");
            return this;
        }

        /**
         * Sets the tagged reply to STARTTLS, without its tag; anything but OK leaves the connection in cleartext.
         *
         * @param reply e.g. {@code "NO not now"}
         * @return this builder
         */
        public Builder startTlsReply(String reply) {
            startTlsReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Sets the tagged reply to CAPABILITY under TLS, without its tag and without the untagged CAPABILITY line.
         *
         * @param reply {@code "NO broken"}, or {@code "OK"} for a reply that lists nothing
         * @return this builder
         */
        public Builder capabilityAfterTlsReply(String reply) {
            capabilityAfterTlsReply = reply;
            return this;
        }

        /**
         * Fills INBOX with generated messages: message {@code i} (from 1) has UID {@code 1000 + i}, subject
         * "Message i", and is \Seen when {@code i} is even.
         *
         * @param n how many messages INBOX holds
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

        /**
         * Marks messages \Deleted from the start, as another client that has not expunged yet would have.
         *
         * @param uids the UIDs (the n-th message has UID 1000 + n)
         * @return this builder
         */
        public Builder markedDeleted(long... uids) {
            for (long uid : uids) {
                markedDeleted.add(uid);
            }
            return this;
        }

        /**
         * Sets the minimum body size of each generated message.
         *
         * @param n the size in bytes
         * @return this builder
         */
        public Builder bodyBytes(int n) {
            bodyBytes = n;
            return this;
        }

        /**
         * Sets whether a new message arrives, and is announced, as soon as IDLE begins.
         *
         * @param v whether IDLE brings new mail
         * @return this builder
         */
        public Builder idleNewMail(boolean v) {
            idleNewMail = v;
            return this;
        }

        /**
         * Sends the keywords of its replies in lower case ({@code * ok}, {@code * capability imap4rev1 starttls},
         * {@code * 3 exists}, {@code a1 ok [read-write]}), which RFC 9051 allows; message data is left as it is.
         *
         * @param v whether to
         * @return this builder
         */
        public Builder lowerCaseKeywords(boolean v) {
            lowerCaseKeywords = v;
            return this;
        }

        /**
         * Sends untagged lines, unasked, before each reply to a command once a folder is selected.
         *
         * @param verb the command, e.g. "NOOP", "FETCH" or "UID FETCH"
         * @param lines the untagged lines, e.g. "* FLAGS (\\Seen \\Deleted $Junk)"
         * @return this builder
         */
        public Builder unsolicited(String verb, String... lines) {
            unsolicited.put(verb.toUpperCase(Locale.ROOT), List.of(lines));
            return this;
        }

        /**
         * Delivers a new message to INBOX, announced by {@code * n EXISTS} and {@code * 1 RECENT}, just before the
         * reply to the first such command once a folder is selected.
         *
         * @param verb the command, e.g. "FETCH" or "UID FETCH"
         * @return this builder
         */
        public Builder newMailBefore(String verb) {
            newMailBefore = verb.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Removes the first message of INBOX, announced by {@code * 1 EXPUNGE} (as another client's expunge would
         * be), just before the reply to the first such command once a folder is selected. RFC 9051 forbids it during
         * FETCH, STORE and SEARCH by sequence number, so choose another command.
         *
         * @param verb the command, e.g. "NOOP" or "UID FETCH"
         * @return this builder
         */
        public Builder expungeBefore(String verb) {
            expungeBefore = verb.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Makes the server close the connection on LOGOUT without its BYE and tagged OK.
         *
         * @param v true for no reply
         * @return this builder
         */
        public Builder logoutWithoutReply(boolean v) {
            logoutWithoutReply = v;
            return this;
        }

        /**
         * Makes the server end every message's {@code BODY[]} after this many octets, while RFC822.SIZE still
         * announces the whole message: a broken server, or a proxy that cuts the connection's data short.
         *
         * @param octets where the body ends
         * @return this builder
         */
        public Builder bodyCutAt(int octets) {
            bodyCutAt = octets;
            return this;
        }

        @Override
        public HostileImapServer start() {
            try {
                HostileImapServer server = new HostileImapServer(this);
                onStart.accept(server);
                return server;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the IMAP test server on 127.0.0.1: " + e, e);
            }
        }
    }

    /**
     * Counts the commands received with a verb.
     *
     * @param verb e.g. "FETCH" or "UID FETCH"
     * @return how many arrived
     */
    public long commands(String verb) {
        return lines().stream().filter(l -> l.verb().equals(verb)).count();
    }

    /**
     * Returns the UIDs now in INBOX.
     *
     * @return the UIDs, in order
     */
    public List<Long> inboxUids() {
        synchronized (inbox) {
            List<Long> r = new ArrayList<>();
            for (Msg m : inbox) {
                r.add(m.uid);
            }
            return r;
        }
    }

    /**
     * Returns the flags a message in INBOX now has.
     *
     * @param uid the message's UID
     * @return its flags, e.g. {@code \Seen}; empty when there is no such message
     */
    public Set<String> flags(long uid) {
        synchronized (inbox) {
            for (Msg m : inbox) {
                if (m.uid == uid) {
                    return Set.copyOf(m.flags);
                }
            }
            return Set.of();
        }
    }

    /** A connection, and whether a folder is selected on it. */
    private final class ImapConn extends Conn {
        boolean selected;

        ImapConn(int id, Socket socket) throws IOException {
            super(id, socket);
        }

        @Override
        void reply(String... replyLines) throws IOException {
            if (!b.lowerCaseKeywords) {
                super.reply(replyLines);
                return;
            }
            String[] lower = new String[replyLines.length];
            for (int i = 0; i < replyLines.length; i++) {
                lower[i] = lowerCaseKeywords(replyLines[i]);
            }
            super.reply(lower);
        }

        /** Reads the literal a line announced with {n}, and the rest of the command line after it. */
        String completeLiterals(String line) throws IOException {
            while (line.matches(".*\\{\\d+\\+?}$")) {
                int open = line.lastIndexOf('{');
                boolean sync = !line.endsWith("+}");
                int n = Integer.parseInt(line.substring(open + 1, line.length() - (sync ? 1 : 2)));
                if (sync) {
                    reply("+ Ready for literal data");
                }
                byte[] data = readBytes(n);
                String rest = readLine();
                line = line.substring(0, open) + "\"" + new String(data, StandardCharsets.ISO_8859_1) + "\""
                        + (rest == null ? "" : rest);
            }
            return line;
        }
    }

    @Override
    void serve(Socket socket, int id) throws IOException, InterruptedException {
        {
            ImapConn c = new ImapConn(id, socket);
            if (!greet(c)) {
                return;
            }
            String line;
            while ((line = c.readLine()) != null) {
                line = c.completeLiterals(line);
                String[] parts = line.split(" ", 3);
                String tag = parts[0];
                String verb = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
                String args = parts.length > 2 ? parts[2] : "";
                boolean uid = false;
                if (verb.equals("UID")) {
                    String[] sub = args.split(" ", 2);
                    verb = sub[0].toUpperCase(Locale.ROOT);
                    args = sub.length > 1 ? sub[1] : "";
                    uid = true;
                }
                if (!beforeReply(c, verb)) {
                    return;
                }
                untaggedBeforeReply(c, (uid ? "UID " : "") + verb);
                if (!dispatch(c, tag, verb, args, uid)) {
                    return;
                }
            }
        }
    }

    /** Lower-cases the status, the response keyword, a bracketed response code and capability atoms. */
    private static String lowerCaseKeywords(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^(\\S+ (?:\\d+ )?)([A-Z]+)( \\[[^\\]]*])?(.*)$").matcher(line);
        if (!m.matches()) {
            return line;
        }
        String rest = m.group(4);
        if (m.group(2).equals("CAPABILITY")) {
            rest = rest.toLowerCase(Locale.ROOT);
        }
        return m.group(1) + m.group(2).toLowerCase(Locale.ROOT)
                + (m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT)) + rest;
    }

    private final AtomicBoolean newMailSent = new AtomicBoolean();
    private final AtomicBoolean expungeSent = new AtomicBoolean();

    /** Sends what the server scripted to say unasked before its reply to this command. */
    private void untaggedBeforeReply(ImapConn c, String verb) throws IOException {
        if (!c.selected) {
            return;
        }
        List<String> lines = b.unsolicited.get(verb);
        if (lines != null) {
            c.reply(lines.toArray(new String[0]));
        }
        if (verb.equals(b.expungeBefore) && expungeSent.compareAndSet(false, true)) {
            synchronized (inbox) {
                inbox.remove(0);
            }
            c.reply("* 1 EXPUNGE");
        }
        if (verb.equals(b.newMailBefore) && newMailSent.compareAndSet(false, true)) {
            int exists;
            synchronized (inbox) {
                Msg m = generate(inbox.size() + 1);
                inbox.add(new Msg(nextUid++, m.subject, m.from, m.raw));
                exists = inbox.size();
            }
            c.reply("* " + exists + " EXISTS", "* 1 RECENT");
        }
    }

    private String capabilities(ImapConn c) {
        String caps = c.tls ? b.capabilitiesAfterTls : b.capabilitiesBeforeTls;
        if (startTlsHidden(c)) {
            caps = caps.replace(" STARTTLS", "");
        }
        return caps;
    }

    private boolean dispatch(ImapConn c, String tag, String verb, String args, boolean uid) throws IOException {
        switch (verb) {
            case "CAPABILITY":
                if (c.tls && b.capabilityAfterTlsReply != null) {
                    c.reply(tag + " " + b.capabilityAfterTlsReply);
                } else {
                    c.reply("* CAPABILITY " + capabilities(c), tag + " OK CAPABILITY completed");
                }
                return true;
            case "STARTTLS":
                if (startTlsRefused(c)) {
                    c.reply(tag + " BAD STARTTLS not available");
                    return true;
                }
                c.send(tag + " " + b.startTlsReply + "\r\n" + b.afterGoAhead);
                if (b.startTlsReply.toUpperCase(Locale.ROOT).startsWith("OK")) {
                    c.startTls();
                }
                return true;
            case "LOGIN":
                c.reply(tag + " " + nextAuthReply());
                return true;
            case "AUTHENTICATE":
                authenticate(c, tag, args);
                return true;
            case "LOGOUT":
                if (!b.logoutWithoutReply) {
                    c.reply("* BYE logging out", tag + " OK LOGOUT completed");
                }
                return false;
            case "NOOP":
            case "CHECK":
            case "ENABLE":
            case "SUBSCRIBE":
                c.reply(tag + " OK " + verb + " completed");
                return true;
            case "ID":
                c.reply("* ID NIL", tag + " OK ID completed");
                return true;
            case "LIST":
            case "LSUB":
                c.reply("* " + verb + " (\\HasNoChildren) \"/\" INBOX",
                        "* " + verb + " (\\HasNoChildren) \"/\" Archive", tag + " OK " + verb + " completed");
                return true;
            case "SELECT":
            case "EXAMINE":
                select(c, tag, verb);
                return true;
            case "FETCH":
                fetch(c, tag, args, uid);
                return true;
            case "SEARCH":
                search(c, tag, args, uid);
                return true;
            case "STORE":
                store(c, tag, args, uid);
                return true;
            case "COPY":
                c.reply(tag + " OK COPY completed");
                return true;
            case "MOVE":
                move(c, tag, args, uid);
                return true;
            case "EXPUNGE":
                expunge(c, tag, uid ? args : null);
                return true;
            case "CLOSE":
            case "UNSELECT":
                c.selected = false;
                c.reply(tag + " OK " + verb + " completed");
                return true;
            case "IDLE":
                return idle(c, tag);
            default:
                c.reply(tag + " BAD unknown command");
                return true;
        }
    }

    private void authenticate(ImapConn c, String tag, String args) throws IOException {
        String[] p = args.split(" ");
        if (p.length < 2) {
            c.reply("+ ");
            c.readLine();
        }
        String reply = nextAuthReply();
        if (!reply.toUpperCase(Locale.ROOT).startsWith("OK") && p[0].equalsIgnoreCase("XOAUTH2")) {
            c.reply("+ " + Base64.getEncoder().encodeToString(
                    "{\"status\":\"401\",\"schemes\":\"bearer\"}".getBytes(StandardCharsets.US_ASCII)));
            c.readLine();
        }
        c.reply(tag + " " + reply);
    }

    private void select(ImapConn c, String tag, String verb) throws IOException {
        synchronized (inbox) {
            c.selected = true;
            c.reply("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                    "* " + inbox.size() + " EXISTS",
                    "* 0 RECENT",
                    "* OK [UIDVALIDITY 42] UIDs valid",
                    "* OK [UIDNEXT " + nextUid + "] Predicted next UID",
                    "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
                    tag + " OK [" + (verb.equals("EXAMINE") ? "READ-ONLY" : "READ-WRITE") + "] " + verb
                            + " completed");
        }
    }

    /** Returns the 1-based sequence numbers a set (of sequence numbers or UIDs) designates. */
    private List<Integer> resolve(String set, boolean uid) {
        List<Integer> r = new ArrayList<>();
        synchronized (inbox) {
            int n = inbox.size();
            long maxId = uid ? (n == 0 ? 0 : inbox.get(n - 1).uid) : n;
            for (String part : set.split(",")) {
                String[] range = part.split(":");
                long lo = range[0].equals("*") ? maxId : Long.parseLong(range[0]);
                long hi = range.length > 1 ? (range[1].equals("*") ? maxId : Long.parseLong(range[1])) : lo;
                if (lo > hi) {
                    long t = lo;
                    lo = hi;
                    hi = t;
                }
                for (int i = 1; i <= n; i++) {
                    long key = uid ? inbox.get(i - 1).uid : i;
                    if (key >= lo && key <= hi && !r.contains(i)) {
                        r.add(i);
                    }
                }
            }
        }
        r.sort(null);
        return r;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String flags(Msg m) {
        return "(" + String.join(" ", m.flags) + ")";
    }

    private void fetch(ImapConn c, String tag, String args, boolean uid) throws IOException {
        String[] p = args.split(" ", 2);
        String items = p.length > 1 ? p[1].toUpperCase(Locale.ROOT) : "";
        StringBuilder out = new StringBuilder();
        synchronized (inbox) {
            for (int seq : resolve(p[0], uid)) {
                Msg m = inbox.get(seq - 1);
                List<String> parts = new ArrayList<>();
                if (uid || items.contains("UID")) {
                    parts.add("UID " + m.uid);
                }
                if (items.contains("FLAGS")) {
                    parts.add("FLAGS " + flags(m));
                }
                if (items.contains("INTERNALDATE")) {
                    parts.add("INTERNALDATE \"02-Nov-2026 10:00:00 +0000\"");
                }
                if (items.contains("RFC822.SIZE")) {
                    parts.add("RFC822.SIZE " + m.raw.length());
                }
                if (items.contains("ENVELOPE")) {
                    String addr = "((NIL NIL " + quote(m.from.split("@")[0]) + " \"example.test\"))";
                    parts.add("ENVELOPE (\"Mon, 2 Nov 2026 10:00:00 +0000\" " + quote(m.subject) + " " + addr + " "
                            + addr + " " + addr + " ((NIL NIL \"alice\" \"example.test\")) NIL NIL NIL "
                            + quote("<m" + (m.uid - 1000) + "@example.test>") + ")");
                }
                java.util.regex.Matcher body = java.util.regex.Pattern
                        .compile("BODY(\\.PEEK)?\\[([A-Z.]*)](<(\\d+)\\.(\\d+)>)?").matcher(items);
                if (body.find()) {
                    String section = body.group(2);
                    String content = section.equals("HEADER") ? m.raw.substring(0, m.raw.indexOf("\r\n\r\n") + 4)
                            : section.equals("TEXT") ? m.raw.substring(m.raw.indexOf("\r\n\r\n") + 4) : m.raw;
                    if (section.isEmpty() && b.bodyCutAt >= 0) {
                        content = content.substring(0, Math.min(content.length(), b.bodyCutAt));
                    }
                    int from = 0;
                    String origin = "";
                    if (body.group(3) != null) {
                        from = Math.min(content.length(), Integer.parseInt(body.group(4)));
                        int len = Integer.parseInt(body.group(5));
                        content = content.substring(from, Math.min(content.length(), from + len));
                        origin = "<" + from + ">";
                    }
                    parts.add("BODY[" + section + "]" + origin + " {" + content.length() + "}\r\n" + content);
                    if (body.group(1) == null && c.selected) {
                        m.flags.add("\\Seen");
                    }
                }
                out.append("* ").append(seq).append(" FETCH (").append(String.join(" ", parts)).append(")\r\n");
            }
        }
        out.append(tag).append(" OK FETCH completed\r\n");
        c.send(out.toString());
    }

    private void search(ImapConn c, String tag, String args, boolean uid) throws IOException {
        StringBuilder r = new StringBuilder("* SEARCH");
        List<String> keys = List.of(args.toUpperCase(Locale.ROOT).split("\\s+"));
        boolean unseen = keys.contains("UNSEEN");
        boolean deleted = keys.contains("DELETED");
        synchronized (inbox) {
            for (int i = 1; i <= inbox.size(); i++) {
                Msg m = inbox.get(i - 1);
                if ((!unseen || !m.flags.contains("\\Seen")) && (!deleted || m.flags.contains("\\Deleted"))) {
                    r.append(' ').append(uid ? m.uid : i);
                }
            }
        }
        c.reply(r.toString(), tag + " OK SEARCH completed");
    }

    private void store(ImapConn c, String tag, String args, boolean uid) throws IOException {
        String[] p = args.split(" ", 3);
        String op = p[1].toUpperCase(Locale.ROOT);
        String list = p[2].replaceAll("[()]", "").trim();
        StringBuilder out = new StringBuilder();
        synchronized (inbox) {
            for (int seq : resolve(p[0], uid)) {
                Msg m = inbox.get(seq - 1);
                for (String f : list.split(" ")) {
                    if (f.isEmpty()) {
                        continue;
                    }
                    if (op.startsWith("-")) {
                        m.flags.remove(f);
                    } else {
                        m.flags.add(f);
                    }
                }
                if (!op.endsWith(".SILENT")) {
                    out.append("* ").append(seq).append(" FETCH (FLAGS ").append(flags(m))
                            .append(uid ? " UID " + m.uid : "").append(")\r\n");
                }
            }
        }
        out.append(tag).append(" OK STORE completed\r\n");
        c.send(out.toString());
    }

    private void move(ImapConn c, String tag, String args, boolean uid) throws IOException {
        String set = args.split(" ", 2)[0];
        StringBuilder out = new StringBuilder();
        synchronized (inbox) {
            List<Integer> seqs = resolve(set, uid);
            for (int i = seqs.size() - 1; i >= 0; i--) {
                inbox.remove(seqs.get(i) - 1);
                out.append("* ").append(seqs.get(i)).append(" EXPUNGE\r\n");
            }
        }
        out.append(tag).append(" OK MOVE completed\r\n");
        c.send(out.toString());
    }

    private void expunge(ImapConn c, String tag, String uidSet) throws IOException {
        StringBuilder out = new StringBuilder();
        synchronized (inbox) {
            List<Integer> candidates = uidSet == null ? resolve("1:*", false) : resolve(uidSet, true);
            for (int i = candidates.size() - 1; i >= 0; i--) {
                int seq = candidates.get(i);
                if (inbox.get(seq - 1).flags.contains("\\Deleted")) {
                    inbox.remove(seq - 1);
                    out.append("* ").append(seq).append(" EXPUNGE\r\n");
                }
            }
        }
        out.append(tag).append(" OK EXPUNGE completed\r\n");
        c.send(out.toString());
    }

    private boolean idle(ImapConn c, String tag) throws IOException {
        c.reply("+ idling");
        if (b.idleNewMail) {
            int exists;
            synchronized (inbox) {
                Msg m = generate(inbox.size() + 1);
                Msg renumbered = new Msg(nextUid++, m.subject, m.from, m.raw);
                inbox.add(renumbered);
                exists = inbox.size();
            }
            c.reply("* " + exists + " EXISTS");
        }
        String line = c.readLine();
        if (line == null) {
            return false;
        }
        if (line.equalsIgnoreCase("DONE")) {
            c.reply(tag + " OK IDLE terminated");
        } else {
            c.reply(tag + " BAD expected DONE");
        }
        return true;
    }
}
