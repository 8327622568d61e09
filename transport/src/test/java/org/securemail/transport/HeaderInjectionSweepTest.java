package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.testing.HostileSmtpServer;

/**
 * Headers are checked as they are serialized. {@code Header.getValue()} drops the spaces, tabs and line breaks after
 * the colon, so a check of values alone let {@code setHeader("X-Visitor", "\r\nReply-To: attacker@evil.example")}
 * through; a value starting with {@code \r\n\r\n} ended the header block; a character above U+00FF is written as its
 * low byte (U+010A as a line feed). Swept over every header-setting API of the message and of its MIME parts, every
 * line-breaking sequence (and the characters that become one), in every position of the value: each message is
 * either refused before anything of it is sent, or arrives with exactly the headers and body it was built with.
 */
class HeaderInjectionSweepTest {
    private static final String INJECTED = "Reply-To: attacker@evil.example";
    private static final String[] SEQUENCES = {"\r\n", "\n", "\r", "\r\n\r\n", "\n\n", "\r\n ", "\r\n\t",
        "\r\n \r\n", "\u010d\u010a", "\u010a", "\u010d", "\u010d\u010a\u010d\u010a", "\u0100", "\u0000", "\u2028",
        "\u0085", "\r\n\u0100"};

    /** One header-setting API. */
    interface Api {
        void apply(MimeMessage m, MimeBodyPart part, String value) throws Exception;
    }

    static Map<String, Api> apis() {
        Map<String, Api> a = new LinkedHashMap<>();
        a.put("setHeader", (m, p, v) -> m.setHeader("X-Visitor", v));
        a.put("addHeader", (m, p, v) -> m.addHeader("X-Visitor", v));
        a.put("addHeaderLine", (m, p, v) -> m.addHeaderLine("X-Visitor: " + v));
        a.put("setSubject", (m, p, v) -> m.setSubject(v));
        a.put("setSubject(UTF-8)", (m, p, v) -> m.setSubject(v, "UTF-8"));
        a.put("setDescription", (m, p, v) -> m.setDescription(v));
        a.put("setFrom(personal)", (m, p, v) -> m.setFrom(new InternetAddress("sender@example.test", v)));
        a.put("setSender(personal)", (m, p, v) -> m.setSender(new InternetAddress("sender@example.test", v)));
        a.put("part.setHeader", (m, p, v) -> p.setHeader("X-Part", v));
        a.put("part.addHeaderLine", (m, p, v) -> p.addHeaderLine("X-Part: " + v));
        a.put("part.setFileName", (m, p, v) -> p.setFileName(v));
        a.put("part.setDescription", (m, p, v) -> p.setDescription(v));
        a.put("part.setContentID", (m, p, v) -> p.setContentID(v));
        a.put("part.setDisposition", (m, p, v) -> p.setDisposition(v));
        return a;
    }

    static List<String> values(String seq) {
        return List.of(seq + INJECTED, "hello" + seq + INJECTED, "hello" + seq, seq + "\r\n" + INJECTED,
                "hello" + seq + "world");
    }

    private static MimeMessage build(Session session, Api api, String value, boolean multipart) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.test"));
        m.setSubject("sweep");
        MimeBodyPart part = new MimeBodyPart();
        part.setText("part text", "US-ASCII");
        if (multipart) {
            MimeMultipart mp = new MimeMultipart();
            mp.addBodyPart(part);
            m.setContent(mp);
        } else {
            m.setText("Hello over TLS.", "US-ASCII");
        }
        api.apply(m, part, value);
        m.saveChanges();
        return m;
    }

    @ParameterizedTest(name = "drop-in {0}")
    @ValueSource(booleans = {false, true})
    void everyApiEverySequenceEveryPosition_refusedOrDeliveredIntact(boolean dropIn) throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            Session session = sender.session();
            Transport transport = session.getTransport("smtp");
            transport.connect();
            int refused = 0;
            int delivered = 0;
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Api> api : apis().entrySet()) {
                boolean multipart = api.getKey().startsWith("part.");
                for (String seq : SEQUENCES) {
                    for (String value : values(seq)) {
                        MimeMessage m;
                        try {
                            m = build(session, api.getValue(), value, multipart);
                        } catch (Exception refusedByTheApi) {
                            refused++;
                            continue;
                        }
                        int before = server.messages().size();
                        int linesBefore = server.lines().size();
                        try {
                            if (dropIn) {
                                transport.sendMessage(m, m.getAllRecipients());
                            } else {
                                sender.send(m);
                            }
                        } catch (InvalidMessageException e) {
                            refused++;
                            if (server.lines().subList(linesBefore, server.lines().size()).stream()
                                    .anyMatch(l -> l.verb().equals("MAIL") || l.verb().equals("DATA"))) {
                                failures.add(api.getKey() + " " + escaped(value) + ": refused after MAIL or DATA");
                            }
                            continue;
                        }
                        delivered++;
                        assertThat(server.messages()).hasSize(before + 1);
                        String problem = intact(server.messages().get(before), api.getKey(), multipart);
                        if (problem != null) {
                            failures.add(api.getKey() + " " + escaped(value) + ": " + problem);
                        }
                    }
                }
            }
            transport.close();
            assertThat(failures).isEmpty();
            assertThat(refused).isPositive();
            assertThat(delivered).isPositive();
        }
    }

    /** Parses what the server received; returns what is wrong with it, or null. */
    private static String intact(String received, String api, boolean multipart) throws Exception {
        MimeMessage got = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(received.getBytes(StandardCharsets.ISO_8859_1)));
        String[] replyTo = got.getHeader("Reply-To");
        if (replyTo != null) {
            return "a Reply-To header arrived: " + String.join(" | ", replyTo);
        }
        Address[] from = got.getFrom();
        if (from == null || from.length != 1 || !((InternetAddress) from[0]).getAddress()
                .equals("sender@example.test")) {
            return "From changed";
        }
        if (!multipart) {
            Object content = got.getContent();
            if (!(content instanceof String) || !((String) content).trim().equals("Hello over TLS.")) {
                return "the body changed: " + escaped(String.valueOf(content));
            }
            return null;
        }
        Object content = got.getContent();
        if (!(content instanceof Multipart) || ((Multipart) content).getCount() != 1) {
            return "the MIME structure changed";
        }
        Object part = ((Multipart) content).getBodyPart(0).getContent();
        if (!(part instanceof String) || !((String) part).trim().equals("part text")) {
            return "the part's body changed: " + escaped(String.valueOf(part));
        }
        return null;
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

}
