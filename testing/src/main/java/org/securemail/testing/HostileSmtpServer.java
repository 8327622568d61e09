package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A scriptable SMTP server on 127.0.0.1, port 0, that records every line it receives, in cleartext or under TLS, and
 * misbehaves on request: no STARTTLS, STARTTLS refused, data injected after the go-ahead, EHLO failing after TLS,
 * AUTH answered 530 or 535, 4xx/5xx replies, stalls and dropped connections.
 */
public final class HostileSmtpServer extends RecordingServer<RecordingServer.Line> {
    /** What a client may send before TLS without giving anything away. */
    static final Set<String> COMMANDS_BEFORE_TLS = Set.of("EHLO", "HELO", "STARTTLS", "QUIT");

    private final Builder b;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private HostileSmtpServer(Builder b) throws IOException {
        super("hostile-smtp", b.tls, COMMANDS_BEFORE_TLS, b);
        this.b = b;
        start();
    }

    @Override
    Line line(int connection, boolean tls, String text) {
        return new Line(connection, tls, text);
    }

    /**
     * Starts scripting a server; without further calls it offers STARTTLS, takes any AUTH under TLS and accepts every
     * message.
     *
     * @param tls the server's TLS context (its certificate, see {@link ServerTls}), or null for a server that cannot
     *     do TLS
     * @return a builder
     */
    public static Builder builder(SSLContext tls) {
        return new Builder(tls);
    }

    /** Scripts an SMTP server's behaviour; the options all three servers share are on {@link HostileServerBuilder}. */
    public static final class Builder extends HostileServerBuilder<Builder, HostileSmtpServer> {
        private String startTlsReply = "220 2.0.0 Ready to start TLS";
        private String ehloAfterTlsReply;
        private String authMechanisms = "PLAIN LOGIN XOAUTH2";
        private boolean authBeforeTls;
        private String mailReply = "250 2.1.0 Ok";
        private Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
        private String dataReply = "354 End data with <CR><LF>.<CR><LF>";
        private String finalReply = "250 2.0.0 Ok: queued as TESTQ123";
        private boolean dropAfterData;
        private List<String> extensions = List.of();
        private List<String> ehloBeforeTls;
        private List<String> ehloInsideTls;
        private boolean quitWithoutReply;

        Builder(SSLContext tls) {
            super(tls, "220 hostile.test ESMTP ready", "235 2.7.0 Authentication successful");
        }

        /**
         * Sets whether EHLO in cleartext announces STARTTLS; false is {@link #stripStartTls()}.
         *
         * @param v whether STARTTLS is offered
         * @return this builder
         */
        public Builder offerStartTls(boolean v) {
            stripStartTls = !v;
            return this;
        }

        /**
         * Sets the reply to STARTTLS; anything but a 220 reply leaves the connection in cleartext.
         *
         * @param reply e.g. {@code "454 4.7.0 TLS not available"}
         * @return this builder
         */
        public Builder startTlsReply(String reply) {
            startTlsReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Sets the reply to EHLO once TLS is up, in place of the capabilities.
         *
         * @param reply e.g. {@code "554 5.5.1 no"}
         * @return this builder
         */
        public Builder ehloAfterTlsReply(String reply) {
            ehloAfterTlsReply = reply;
            return this;
        }

        /**
         * Sets the AUTH mechanisms announced.
         *
         * @param mechanisms e.g. {@code "PLAIN LOGIN XOAUTH2"}
         * @return this builder
         */
        public Builder authMechanisms(String mechanisms) {
            authMechanisms = Objects.requireNonNull(mechanisms, "mechanisms");
            return this;
        }

        /**
         * Sets whether AUTH is announced in cleartext too, as a careless server does.
         *
         * @param v whether AUTH is announced before TLS
         * @return this builder
         */
        public Builder authBeforeTls(boolean v) {
            authBeforeTls = v;
            return this;
        }

        /**
         * Sets the reply to MAIL FROM.
         *
         * @param reply e.g. {@code "451 4.3.0 try later"}
         * @return this builder
         */
        public Builder mailReply(String reply) {
            mailReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Sets the reply to RCPT TO, per address.
         *
         * @param reply the reply for an address, e.g. {@code a -> a.startsWith("bad") ? "550 5.1.1 no" : "250 Ok"}
         * @return this builder
         */
        public Builder rcptReply(Function<String, String> reply) {
            rcptReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Sets the reply to DATA; anything but 354 ends the transaction there.
         *
         * @param reply e.g. {@code "554 5.5.1 no valid recipients"}
         * @return this builder
         */
        public Builder dataReply(String reply) {
            dataReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Sets the reply to the end of the message data; the message counts as received either way.
         *
         * @param reply e.g. {@code "552 5.3.4 message too big"}
         * @return this builder
         */
        public Builder finalReply(String reply) {
            finalReply = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /**
         * Closes the connection after the end of the message data, without a reply: the client cannot know whether
         * the message was taken.
         *
         * @return this builder
         */
        public Builder dropAfterData() {
            dropAfterData = true;
            return this;
        }

        /**
         * Sets further EHLO keywords, announced inside TLS (and before it for a server without TLS).
         *
         * @param keywords e.g. {@code "PIPELINING"}, {@code "SMTPUTF8"}, {@code "SIZE 1000000"}, {@code "DSN"}
         * @return this builder
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
         * @return this builder
         */
        public Builder ehloReply(boolean insideTls, String... lines) {
            if (insideTls) {
                ehloInsideTls = List.of(lines);
            } else {
                ehloBeforeTls = List.of(lines);
            }
            return this;
        }

        /**
         * Makes the server close the connection on QUIT without replying.
         *
         * @param v true for no reply
         * @return this builder
         */
        public Builder quitWithoutReply(boolean v) {
            quitWithoutReply = v;
            return this;
        }

        @Override
        public HostileSmtpServer start() {
            try {
                HostileSmtpServer server = new HostileSmtpServer(this);
                onStart.accept(server);
                return server;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the SMTP test server on 127.0.0.1: " + e, e);
            }
        }
    }

    /**
     * Returns the messages received whole (up to the final dot), as the data the client sent, dot-stuffing kept.
     *
     * @return the messages, in the order they arrived
     */
    public List<String> messages() {
        return Collections.unmodifiableList(messages);
    }

    @Override
    void serve(Socket socket, int id) throws IOException, InterruptedException {
        Conn c = new Conn(id, socket);
        if (!greet(c)) {
            return;
        }
        String line;
        while ((line = c.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (!beforeReply(c, verb)) {
                return;
            }
            switch (verb) {
                case "EHLO":
                    if (c.tls && b.ehloAfterTlsReply != null) {
                        c.reply(b.ehloAfterTlsReply);
                    } else if ((c.tls ? b.ehloInsideTls : b.ehloBeforeTls) != null) {
                        c.reply((c.tls ? b.ehloInsideTls : b.ehloBeforeTls).toArray(new String[0]));
                    } else {
                        c.reply(ehlo(c));
                    }
                    break;
                case "HELO":
                    c.reply("250 hostile.test");
                    break;
                case "STARTTLS":
                    if (c.tls || !canTls() || b.stripStartTls && !b.startTlsReply.startsWith("220")) {
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

    private String[] ehlo(Conn c) {
        List<String> ext = new ArrayList<>();
        ext.add("hostile.test");
        ext.add("8BITMIME");
        ext.add("ENHANCEDSTATUSCODES");
        if (!startTlsHidden(c)) {
            ext.add("STARTTLS");
        }
        if (c.tls || b.authBeforeTls) {
            ext.add("AUTH " + b.authMechanisms);
        }
        if (c.tls || !canTls() || b.stripStartTls) {
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
        c.reply(nextAuthReply());
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
