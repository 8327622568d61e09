package org.securemail.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.securemail.transport.MailProtocol;

/**
 * The cleartext part of a STARTTLS connection, for the probe: greeting, capabilities, STARTTLS and its go-ahead. It
 * never sends credentials or mail commands, and reads byte by byte, so that nothing the server sends after its
 * go-ahead is swallowed: {@link #dataAfterGoAhead} notices it.
 */
final class StartTlsPreamble {
    /** Whether the port is a well-known implicit-TLS port of any mail protocol (465, 993, 995). */
    static boolean isImplicitPort(int port) {
        return MailProtocol.forWellKnownPort(port).map(p -> p.isImplicitTlsPort(port)).orElse(false);
    }

    /** Whether the port is a well-known port that speaks cleartext first (25, 587, 143, 110). */
    static boolean isStartTlsPort(int port) {
        return MailProtocol.forWellKnownPort(port).map(p -> p.isCleartextFirstPort(port)).orElse(false);
    }

    String greeting;
    final List<String> capabilities = new ArrayList<>();
    boolean startTlsOffered;
    boolean preauth;
    String startTlsReply;
    boolean goAhead;
    boolean dataAfterGoAhead;

    private final InputStream in;
    private final OutputStream out;

    private StartTlsPreamble(Socket socket) throws IOException {
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Runs the preamble on a connected socket; afterwards, TLS may begin if {@link #goAhead} is set. */
    static StartTlsPreamble run(MailProtocol protocol, Socket socket, boolean sendStartTls) throws IOException {
        StartTlsPreamble p = new StartTlsPreamble(socket);
        switch (protocol) {
            case SMTP:
                p.smtp(socket, sendStartTls);
                break;
            case IMAP:
                p.imap(sendStartTls);
                break;
            default:
                p.pop3(sendStartTls);
        }
        if (p.goAhead) {
            p.dataAfterGoAhead = p.in.available() > 0;
        }
        return p;
    }

    /** Only greets and reads capabilities: no STARTTLS, for implicit-TLS connections after the handshake. */
    static void quit(MailProtocol protocol, Socket tls) {
        try {
            OutputStream o = tls.getOutputStream();
            o.write((protocol == MailProtocol.IMAP ? "z LOGOUT\r\n" : "QUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
        } catch (IOException ignored) {
            // leaving anyway
        }
    }

    private void smtp(Socket socket, boolean sendStartTls) throws IOException {
        List<String> greet = smtpReply();
        greeting = String.join(" | ", greet);
        String local = socket.getLocalAddress().getHostAddress();
        send("EHLO [" + (local.contains(":") ? "IPv6:" + local : local) + "]");
        List<String> ehlo = smtpReply();
        for (int i = 1; i < ehlo.size(); i++) {
            String cap = ehlo.get(i).length() > 4 ? ehlo.get(i).substring(4) : "";
            capabilities.add(cap);
            if (cap.trim().equalsIgnoreCase("STARTTLS")) {
                startTlsOffered = true;
            }
        }
        if (startTlsOffered && sendStartTls) {
            send("STARTTLS");
            List<String> r = smtpReply();
            startTlsReply = String.join(" | ", r);
            goAhead = startTlsReply.startsWith("220");
        }
    }

    private List<String> smtpReply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine();
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private void imap(boolean sendStartTls) throws IOException {
        greeting = readLine();
        if (greeting.toUpperCase(Locale.ROOT).startsWith("* PREAUTH")) {
            preauth = true;
            return;
        }
        send("a1 CAPABILITY");
        String line;
        while (!(line = readLine()).startsWith("a1 ")) {
            if (line.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY")) {
                for (String cap : line.substring(12).trim().split(" ")) {
                    capabilities.add(cap);
                    startTlsOffered |= cap.equalsIgnoreCase("STARTTLS");
                }
            }
        }
        if (startTlsOffered && sendStartTls) {
            send("a2 STARTTLS");
            while (!(line = readLine()).startsWith("a2 ")) {
                // untagged data before the reply
            }
            startTlsReply = line;
            goAhead = line.toUpperCase(Locale.ROOT).startsWith("A2 OK");
        }
    }

    private void pop3(boolean sendStartTls) throws IOException {
        greeting = readLine();
        send("CAPA");
        String first = readLine();
        if (first.startsWith("+OK")) {
            String line;
            while (!(line = readLine()).equals(".")) {
                capabilities.add(line);
                startTlsOffered |= line.trim().equalsIgnoreCase("STLS");
            }
        }
        if (startTlsOffered && sendStartTls) {
            send("STLS");
            startTlsReply = readLine();
            goAhead = startTlsReply.startsWith("+OK");
        }
    }

    private void send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.size() < 8192) {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            throw new IOException("the server closed the connection");
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
