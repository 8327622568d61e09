package org.securemail.interop.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMTP sessions one Postfix listener (one {@code syslog_name}) logged since a mark, read from Postfix's log: which
 * connections a relay test opened and what each did. Postfix ends every session with a line such as
 * {@code disconnect from unknown[127.0.0.1] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7}, so a session
 * that never sent MAIL has no {@code mail=} in it.
 *
 * <p>Postfix writes its log asynchronously, so {@link #sessions()} first opens a session of its own (greeting, QUIT)
 * and waits until Postfix has logged it: every connection the test made before was accepted, and its {@code connect}
 * line logged, before the test's relay got a greeting, so it is in the log before this one. It then waits until each
 * of those sessions has its {@code disconnect} line.
 */
final class PostfixMxLog {
    private static final Pattern EVENT = Pattern.compile("postfix/([A-Za-z0-9-]+)/smtpd\\[(\\d+)\\]: "
            + "(connect|disconnect) from (.*)$");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One SMTP session: the smtpd process, and what its disconnect line summarises. */
    record Session(String pid, String summary) {
        /** Whether the client got as far as sending MAIL FROM. */
        boolean sentMail() {
            return summary.contains(" mail=");
        }
    }

    private record Event(String pid, boolean connect, String rest) {
    }

    private final Path log;
    private final String service;
    private final String host;
    private final int port;
    private final long offset;

    private PostfixMxLog(Path log, String service, String host, int port, long offset) {
        this.log = log;
        this.service = service;
        this.host = host;
        this.port = port;
        this.offset = offset;
    }

    /** Marks the end of the log now; {@link #sessions()} looks only at what comes after. */
    static PostfixMxLog mark(Path log, String service, String host, int port) throws IOException {
        return new PostfixMxLog(log, service, host, port, Files.size(log));
    }

    /** The sessions the listener had since the mark, each finished; waits for Postfix to log them. */
    List<Session> sessions() throws IOException, InterruptedException {
        barrier();
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Event> events = List.of();
        while (System.nanoTime() < deadline) {
            events = events();
            List<Session> found = sessionsBeforeBarrier(events);
            if (found != null) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Postfix did not log the sessions of postfix/" + service + " within " + WAIT
                + " (a greeting-and-QUIT session marks their end): " + events);
    }

    /** The sessions before the barrier's, or null while the barrier or one of their disconnect lines is missing. */
    private static List<Session> sessionsBeforeBarrier(List<Event> events) {
        int barrier = -1;
        for (int i = events.size() - 1; i >= 0 && barrier < 0; i--) {
            Event e = events.get(i);
            if (!e.connect() && e.rest().endsWith(" quit=1 commands=1")) {
                for (int j = i - 1; j >= 0; j--) {
                    if (events.get(j).connect() && events.get(j).pid().equals(e.pid())) {
                        barrier = j;
                        break;
                    }
                }
            }
        }
        if (barrier < 0) {
            return null;
        }
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < barrier; i++) {
            Event c = events.get(i);
            if (!c.connect()) {
                continue;
            }
            Event end = null;
            for (int j = i + 1; j < events.size() && end == null; j++) {
                Event e = events.get(j);
                if (e.pid().equals(c.pid())) {
                    if (e.connect()) {
                        break;
                    }
                    end = e;
                }
            }
            if (end == null) {
                return null;
            }
            sessions.add(new Session(c.pid(), end.rest()));
        }
        return sessions;
    }

    private List<Event> events() throws IOException {
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            bytes = new byte[(int) Math.max(0, length - offset)];
            f.seek(offset);
            f.readFully(bytes);
        }
        List<Event> events = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\n")) {
            Matcher m = EVENT.matcher(line);
            if (m.find() && m.group(1).equals(service)) {
                events.add(new Event(m.group(2), m.group(3).equals("connect"), m.group(4)));
            }
        }
        return events;
    }

    /** A session of greeting and QUIT, which Postfix logs as {@code quit=1 commands=1}. */
    private void barrier() throws IOException {
        try (Socket s = new Socket(InetAddress.getByName(host), port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.startsWith("220-"));
            if (line == null || !line.startsWith("220 ")) {
                throw new IOException("postfix/" + service + " on " + host + ":" + port + " did not greet: " + line);
            }
            OutputStream out = s.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readLine();
        }
    }
}
