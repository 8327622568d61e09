package org.securemail.testing;

import java.io.IOException;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An SMTP server (STARTTLS, AUTH PLAIN, PIPELINING) that fails at random: before the greeting, after EHLO, in the
 * middle of the TLS handshake, after MAIL, after RCPT, in the middle of the message data, after the final dot before
 * its reply, and after its reply, it drops the connection, answers 421, 451 or 554, or stalls. It counts every message
 * it received whole, by Message-ID, so a test can prove that nothing was lost and nothing was delivered twice.
 *
 * <p>A message counts as delivered when the server received its final dot and did not refuse it with a reply: a drop
 * or a stall after the final dot leaves it delivered, exactly the case a client must report as ambiguous.
 */
public final class ChaosSmtpServer extends RecordingServer<RecordingServer.Line> {

    /** Where the server may fail. */
    enum Point { GREETING, EHLO, HANDSHAKE, MAIL, RCPT, DATA_BODY, FINAL_DOT, AFTER_REPLY }

    /** How it fails. */
    enum Action { DROP, REPLY_421, REPLY_451, REPLY_554, STALL }

    private final Random random;
    private final double faultRate;
    private final long stallMillis;
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();

    private ChaosSmtpServer(SSLContext tls, long seed, double faultRate, long stallMillis) throws IOException {
        super("chaos-smtp", tls, HostileSmtpServer.COMMANDS_BEFORE_TLS, null);
        this.random = new Random(seed);
        this.faultRate = faultRate;
        this.stallMillis = stallMillis;
        start();
    }

    /**
     * Starts a server.
     *
     * @param tls the server's TLS context
     * @param seed the seed of its randomness, so that a failing run can be repeated
     * @param faultRate the chance, at each point, that it fails there (0 to 1)
     * @param stallMillis how long a stall lasts before the server closes the connection
     * @return the started server
     */
    public static ChaosSmtpServer start(SSLContext tls, long seed, double faultRate, long stallMillis) {
        try {
            return new ChaosSmtpServer(tls, seed, faultRate, stallMillis);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    Line line(int connection, boolean tls, String text) {
        return new Line(connection, tls, text);
    }

    /**
     * Returns how often each message was received whole and not refused, by Message-ID: a count above 1 is a
     * message delivered twice, a missing one a message lost.
     *
     * @return the counts by Message-ID
     */
    public Map<String, Integer> delivered() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        delivered.forEach((k, v) -> out.put(k, v.get()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns how often each fault occurred.
     *
     * @return the counts by point and action, e.g. {@code "FINAL_DOT DROP"}
     */
    public Map<String, Integer> faults() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        faults.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private Action fault(Point p) {
        Action a;
        synchronized (random) {
            if (random.nextDouble() >= faultRate) {
                return null;
            }
            List<Action> allowed = allowed(p);
            a = allowed.get(random.nextInt(allowed.size()));
        }
        faults.computeIfAbsent(p + " " + a, k -> new AtomicInteger()).incrementAndGet();
        return a;
    }

    private static List<Action> allowed(Point p) {
        switch (p) {
            case HANDSHAKE:
            case DATA_BODY:
                return List.of(Action.DROP, Action.STALL);
            case AFTER_REPLY:
                return List.of(Action.DROP);
            default:
                return List.of(Action.values());
        }
    }

    /** Carries out a fault; returns true when the connection is over. */
    private boolean act(Conn c, Action a) throws IOException, InterruptedException {
        if (a == null) {
            return false;
        }
        switch (a) {
            case DROP:
                return true;
            case STALL:
                Thread.sleep(stallMillis);
                return true;
            case REPLY_421:
                c.reply("421 4.3.2 chaos: shutting down");
                return true;
            case REPLY_451:
                c.reply("451 4.3.0 chaos: try again later");
                return false;
            default:
                c.reply("554 5.3.0 chaos: no");
                return false;
        }
    }

    @Override
    void serve(Socket socket, int id) throws IOException, InterruptedException {
        Conn c = new Conn(id, socket);
        Action a = fault(Point.GREETING);
        if (a != null && a != Action.REPLY_451) {
            if (a == Action.REPLY_554) {
                c.reply("554 5.3.2 chaos: not now");
                return;
            }
            act(c, a);
            return;
        }
        c.reply("220 chaos.test ESMTP");
        boolean authed = false;
        boolean mailOk = false;
        int recipients = 0;
        String line;
        while ((line = c.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO": {
                    Action f = fault(Point.EHLO);
                    if (f != null && f != Action.REPLY_451 && f != Action.REPLY_554) {
                        act(c, f);
                        return;
                    }
                    if (c.tls) {
                        c.reply("250-chaos.test", "250-PIPELINING", "250-8BITMIME", "250 AUTH PLAIN");
                    } else {
                        c.reply("250-chaos.test", "250-PIPELINING", "250 STARTTLS");
                    }
                    break;
                }
                case "STARTTLS": {
                    c.reply("220 2.0.0 go ahead");
                    Action f = fault(Point.HANDSHAKE);
                    if (f != null) {
                        act(c, f);
                        return;
                    }
                    c.startTls();
                    break;
                }
                case "AUTH":
                    if (line.split(" ").length == 2) {
                        c.reply("334 ");
                        c.readLine();
                    }
                    c.reply("235 2.7.0 ok");
                    authed = true;
                    break;
                case "MAIL": {
                    if (!c.tls || !authed) {
                        c.reply("530 5.7.0 authenticate first");
                        break;
                    }
                    Action f = fault(Point.MAIL);
                    if (f == null) {
                        c.reply("250 2.1.0 ok");
                        mailOk = true;
                        recipients = 0;
                    } else if (act(c, f)) {
                        return;
                    }
                    break;
                }
                case "RCPT": {
                    if (!mailOk) {
                        c.reply("503 5.5.1 need MAIL first");
                        break;
                    }
                    Action f = fault(Point.RCPT);
                    if (f == null) {
                        c.reply("250 2.1.5 ok");
                        recipients++;
                    } else if (act(c, f)) {
                        return;
                    }
                    break;
                }
                case "DATA":
                    if (!mailOk || recipients == 0) {
                        c.reply("554 5.5.1 no valid recipients");
                        break;
                    }
                    mailOk = false;
                    c.reply("354 go on");
                    if (!data(c)) {
                        return;
                    }
                    break;
                case "RSET":
                    mailOk = false;
                    c.reply("250 2.0.0 ok");
                    break;
                case "NOOP":
                    c.reply("250 2.0.0 ok");
                    break;
                case "QUIT":
                    c.reply("221 2.0.0 bye");
                    return;
                default:
                    c.reply("502 5.5.2 unknown");
            }
        }
    }

    /** Reads the message; returns false when the connection is over. */
    private boolean data(Conn c) throws IOException, InterruptedException {
        String messageId = null;
        int lines = 0;
        Action mid = fault(Point.DATA_BODY);
        String l;
        while ((l = c.readLine()) != null) {
            if (l.equals(".")) {
                break;
            }
            if (messageId == null && l.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                messageId = l.substring(11).trim();
            }
            if (mid != null && ++lines == 3) {
                act(c, mid);
                return false;
            }
        }
        if (l == null) {
            return false;
        }
        Action end = fault(Point.FINAL_DOT);
        if (end == Action.REPLY_451 || end == Action.REPLY_554) {
            act(c, end);
            return true;
        }
        if (end == Action.REPLY_421) {
            c.reply("421 4.3.2 chaos: shutting down");
            return false;
        }
        delivered.computeIfAbsent(String.valueOf(messageId), k -> new AtomicInteger()).incrementAndGet();
        if (end != null) {
            act(c, end); // a drop or a stall after the final dot, before the reply
            return false;
        }
        c.reply("250 2.0.0 ok: queued");
        return !act(c, fault(Point.AFTER_REPLY));
    }
}
