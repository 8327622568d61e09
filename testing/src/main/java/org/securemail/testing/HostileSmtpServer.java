package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A scriptable SMTP server on 127.0.0.1, port 0, that records every line it receives, in cleartext or under TLS, and
 * misbehaves on request: no STARTTLS, STARTTLS refused, data injected after the go-ahead, EHLO failing after TLS,
 * AUTH answered 530 or 535, 4xx/5xx replies, stalls and dropped connections.
 */
public final class HostileSmtpServer extends RecordingServer<RecordingServer.Line> {

    private final Builder b;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Deque<String> authReplies;
    private final AtomicInteger dropCount = new AtomicInteger();

    private HostileSmtpServer(Builder b) throws IOException {
        super("hostile-smtp", b.tls);
        scriptAttack(b.attackWhen, b.attackInsideTls, b.attack);
        this.b = b;
        this.authReplies = new ConcurrentLinkedDeque<>(b.authReplies);
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
        private boolean offerStartTls = true;
        private String startTlsReply = "220 2.0.0 Ready to start TLS";
        private String afterGoAhead = "";
        private String ehloAfterTlsReply;
        private String authMechanisms = "PLAIN LOGIN XOAUTH2";
        private boolean authBeforeTls;
        private List<String> authReplies = List.of();
        private String authReply = "235 2.7.0 Authentication successful";
        private String mailReply = "250 2.1.0 Ok";
        private Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
        private String dataReply = "354 End data with <CR><LF>.<CR><LF>";
        private String finalReply = "250 2.0.0 Ok: queued as TESTQ123";
        private String stallOn;
        private String attackWhen;
        private Boolean attackInsideTls;
        private Attack attack;
        private String dropOn;
        private int dropOnOccurrence = 1;
        private boolean dropAfterData;
        private String greeting = "220 hostile.test ESMTP ready";
        private List<String> extensions = List.of();
        private List<String> ehloBeforeTls;
        private List<String> ehloInsideTls;
        private boolean quitWithoutReply;

        Builder(SSLContext tls) {
            this.tls = tls;
        }

        /** @param v TLS from the first byte @return this */
        public Builder implicitTls(boolean v) {
            implicitTls = v;
            return this;
        }

        /** @param v whether EHLO in cleartext announces STARTTLS @return this */
        public Builder offerStartTls(boolean v) {
            offerStartTls = v;
            return this;
        }

        /** @param reply the reply to STARTTLS, e.g. "454 4.7.0 TLS not available" @return this */
        public Builder startTlsReply(String reply) {
            startTlsReply = reply;
            return this;
        }

        /** @param data bytes sent right after the STARTTLS go-ahead, in the same write @return this */
        public Builder afterGoAhead(String data) {
            afterGoAhead = data;
            return this;
        }

        /** @param reply the reply to EHLO once TLS is up (e.g. "554 5.5.1 no") @return this */
        public Builder ehloAfterTlsReply(String reply) {
            ehloAfterTlsReply = reply;
            return this;
        }

        /** @param mechanisms the AUTH mechanisms announced @return this */
        public Builder authMechanisms(String mechanisms) {
            authMechanisms = mechanisms;
            return this;
        }

        /** @param v whether AUTH is announced in cleartext too @return this */
        public Builder authBeforeTls(boolean v) {
            authBeforeTls = v;
            return this;
        }

        /** @param reply the final reply to AUTH (235, 535, 530, ...) @return this */
        public Builder authReply(String reply) {
            authReply = reply;
            return this;
        }

        /** @param replies successive final replies to AUTH, one per attempt; then {@link #authReply} @return this */
        public Builder authReplies(String... replies) {
            authReplies = List.of(replies);
            return this;
        }

        /** @param reply the reply to MAIL FROM @return this */
        public Builder mailReply(String reply) {
            mailReply = reply;
            return this;
        }

        /** @param reply the reply to RCPT TO, per address @return this */
        public Builder rcptReply(Function<String, String> reply) {
            rcptReply = reply;
            return this;
        }

        /** @param reply the reply to DATA @return this */
        public Builder dataReply(String reply) {
            dataReply = reply;
            return this;
        }

        /** @param reply the reply to the end of data @return this */
        public Builder finalReply(String reply) {
            finalReply = reply;
            return this;
        }

        /**
         * @param verb stop answering when this command arrives ("GREETING" stalls before the greeting, "DATA-BODY"
         *     stops reading after the 354 reply, "DATA-END" after the whole message)
         * @return this
         */
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

        /** @param verb close the connection when this command arrives @return this */
        public Builder dropOn(String verb) {
            dropOn = verb.toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Closes the connection when the n-th occurrence (counted over all connections) of a command arrives.
         *
         * @param verb the command
         * @param occurrence 1 for the first
         * @return this
         */
        public Builder dropOn(String verb, int occurrence) {
            dropOn = verb.toUpperCase(Locale.ROOT);
            dropOnOccurrence = occurrence;
            return this;
        }

        /** Closes the connection after the end of data, without a reply. @return this */
        public Builder dropAfterData() {
            dropAfterData = true;
            return this;
        }

        /**
         * @param keywords further EHLO keywords announced inside TLS (and before it without TLS), e.g. "PIPELINING",
         *     "SMTPUTF8", "SIZE 1000000", "DSN"
         * @return this
         */
        public Builder extensions(String... keywords) {
            extensions = List.of(keywords);
            return this;
        }

        /**
         * Replaces the generated EHLO reply with these lines, sent as they are (reply codes, "-" or " ", spacing).
         *
         * @param insideTls true for the reply inside TLS, false for the reply before it
         * @param lines the reply lines, without line endings
         * @return this
         */
        public Builder ehloReply(boolean insideTls, String... lines) {
            if (insideTls) {
                ehloInsideTls = List.of(lines);
            } else {
                ehloBeforeTls = List.of(lines);
            }
            return this;
        }

        /** @param v whether the server closes the connection on QUIT without replying @return this */
        public Builder quitWithoutReply(boolean v) {
            quitWithoutReply = v;
            return this;
        }

        /** @param greeting the greeting line @return this */
        public Builder greeting(String greeting) {
            this.greeting = greeting;
            return this;
        }

        /** @return the started server */
        public HostileSmtpServer start() {
            try {
                return new HostileSmtpServer(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** @return the message data received (complete messages only) */
    public List<String> messages() {
        return Collections.unmodifiableList(messages);
    }

    @Override
    protected void serve(Socket socket, int id) throws IOException, InterruptedException {
        {
            Conn c = new Conn(id, socket);
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
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                if (verb.equals(b.dropOn) && dropCount.incrementAndGet() == b.dropOnOccurrence) {
                    return;
                }
                if (attackIfDue(c, verb)) {
                    return;
                }
                if (verb.equals(b.stallOn)) {
                    stall();
                    return;
                }
                switch (verb) {
                    case "EHLO":
                        if (c.tls && b.ehloAfterTlsReply != null) {
                            c.reply(b.ehloAfterTlsReply);
                        } else if ((c.tls ? b.ehloInsideTls : b.ehloBeforeTls) != null) {
                            c.reply((c.tls ? b.ehloInsideTls : b.ehloBeforeTls).toArray(new String[0]));
                        } else {
                            c.reply(ehlo(c.tls));
                        }
                        break;
                    case "HELO":
                        c.reply("250 hostile.test");
                        break;
                    case "STARTTLS":
                        if (c.tls || !b.offerStartTls && !b.startTlsReply.startsWith("220")) {
                            c.reply("503 5.5.1 TLS already active");
                            break;
                        }
                        c.send(b.startTlsReply + "\r\n" + b.afterGoAhead);
                        if (b.startTlsReply.startsWith("220")) {
                            c.startTls();
                        }
                        break;
                    case "AUTH":
                        auth(c, line);
                        break;
                    case "MAIL":
                        c.reply(b.mailReply);
                        break;
                    case "RCPT":
                        c.reply(b.rcptReply.apply(line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1")));
                        break;
                    case "DATA":
                        c.reply(b.dataReply);
                        if ("DATA-BODY".equals(b.stallOn)) {
                            stall(); // stops reading: the client's writes block
                            return;
                        }
                        if (b.dataReply.startsWith("354")) {
                            data(c);
                            if (b.dropAfterData) {
                                return;
                            }
                            if ("DATA-END".equals(b.stallOn)) {
                                stall();
                                return;
                            }
                            c.reply(b.finalReply);
                        }
                        break;
                    case "RSET":
                    case "NOOP":
                        c.reply("250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        if (!b.quitWithoutReply) {
                            c.reply("221 2.0.0 Bye");
                        }
                        return;
                    default:
                        c.reply("502 5.5.2 Command not recognized");
                }
            }
        }
    }

    private String[] ehlo(boolean tls) {
        List<String> ext = new ArrayList<>();
        ext.add("hostile.test");
        ext.add("8BITMIME");
        ext.add("ENHANCEDSTATUSCODES");
        if (!tls && b.offerStartTls && b.tls != null) {
            ext.add("STARTTLS");
        }
        if (tls || b.authBeforeTls) {
            ext.add("AUTH " + b.authMechanisms);
        }
        if (tls || b.tls == null || !b.offerStartTls) {
            ext.addAll(b.extensions);
        }
        String[] out = new String[ext.size()];
        for (int i = 0; i < ext.size(); i++) {
            out[i] = "250" + (i == ext.size() - 1 ? " " : "-") + ext.get(i);
        }
        return out;
    }

    private void auth(Conn c, String line) throws IOException {
        String[] parts = line.split(" ");
        String mech = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
        if (mech.equals("LOGIN") && parts.length == 2) {
            c.reply("334 VXNlcm5hbWU6");
            c.readLine();
            c.reply("334 UGFzc3dvcmQ6");
            c.readLine();
        } else if (parts.length == 2) {
            c.reply("334 ");
            c.readLine();
        }
        String r = authReplies.poll();
        c.reply(r != null ? r : b.authReply);
    }

    private void data(Conn c) throws IOException {
        StringBuilder msg = new StringBuilder();
        String l;
        while ((l = c.readLine()) != null) {
            if (l.equals(".")) {
                messages.add(msg.toString());
                return;
            }
            msg.append(l).append("\r\n");
        }
    }
}
