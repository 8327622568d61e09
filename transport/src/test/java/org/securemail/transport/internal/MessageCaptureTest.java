package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What MessageCapture keeps is exactly what goes on the wire inside DATA: CRLF line ends, dot-stuffed. */
class MessageCaptureTest {
    private static String captured(String body) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("a@example.com"));
        m.setRecipients(MimeMessage.RecipientType.TO, "b@example.com");
        m.setSubject("capture");
        m.setText(body);
        m.saveChanges();
        try (CapturedMessage c = MessageCapture.capture(m)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.writeTo(out);
            assertThat(c.size()).isEqualTo(out.size());
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String body(String wire) {
        return wire.substring(wire.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void linesBeginningWithADot_getOneMore() throws Exception {
        assertThat(body(captured(".\n.x\n..y\nz.\n")))
                .isEqualTo("..\r\n..x\r\n...y\r\nz.\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb\n", "a\r\nb\r\n", "a\rb\r", "a\nb"})
    void everyLineEnd_isCrlf_theLastOneIncluded(String text) throws Exception {
        String wire = captured(text);
        assertThat(body(wire)).isEqualTo("a\r\nb\r\n");
        assertThat(wire.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void aLoneDotLine_neverEndsTheDataEarly() throws Exception {
        String wire = captured("before\n.\nafter\n");
        assertThat(wire).doesNotContain("\r\n.\r\n");
        assertThat(body(wire)).isEqualTo("before\r\n..\r\nafter\r\n");
    }

    @Test
    void crAndLfSplitAcrossWrites_oneLineEnd() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SpillBuffer buffer = new SpillBuffer(1 << 20);
        MessageCapture.Scanner scanner = new MessageCapture.Scanner(buffer, false);
        byte[] head = "Subject: x\r\n\r\nline one\r".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\n.two\r\n".getBytes(StandardCharsets.US_ASCII);
        scanner.write(head, 0, head.length);
        scanner.write(tail, 0, tail.length);
        scanner.end();
        buffer.writeTo(sink);
        buffer.close();
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo("Subject: x\r\n\r\nline one\r\n..two\r\n");
    }

    /** Every octet value at every position of a run, with every start and end: the first non-ordinary one is found. */
    @Test
    void ordinaryRunEnd_findsTheFirstLineEndNulOrEightBitOctet_sweep() {
        for (int value = 0; value < 256; value++) {
            boolean ordinary = value > '\r' && value < 128;
            for (int at = 0; at < 24; at++) {
                byte[] b = new byte[24];
                java.util.Arrays.fill(b, (byte) 'A');
                b[at] = (byte) value;
                for (int from = 0; from <= at; from++) {
                    for (int end = at + 1; end <= b.length; end++) {
                        int expected = ordinary ? end : at;
                        assertThat(MessageCapture.Scanner.ordinaryRunEnd(b, from, end))
                                .as("octet %d at %d, from %d to %d", value, at, from, end).isEqualTo(expected);
                    }
                }
                assertThat(MessageCapture.Scanner.ordinaryRunEnd(b, at + 1, b.length)).isEqualTo(b.length);
            }
        }
    }

    /**
     * Body lines that begin with dashes, written in pieces of every size, never hide the next MIME boundary (whose part
     * header block is then checked) nor pass for one.
     */
    @Test
    void dashedBodyLines_neverHideOrFakeABoundary_sweep() throws Exception {
        String[] bodyLines = {"-", "--", "---", "-b1", "--b", "--b1x", "x--b1", "--b1--x", "----b1", "AAAA--b1",
                "- --b1", "--b1 x"};
        String[] partHeaders = {"X-Good: yes", "Not a header line"};
        for (String bodyLine : bodyLines) {
            for (String partHeader : partHeaders) {
                String wire = "Subject: s\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                        + "--b1\r\nContent-Type: text/plain\r\n\r\n" + bodyLine + "\r\nAAAA\r\n" + bodyLine + "\r\n"
                        + "--b1\r\n" + partHeader + "\r\n\r\npart two\r\n--b1--\r\n";
                byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
                for (int piece : new int[] {1, 2, 3, 5, 8, 13, 8192}) {
                    MessageCapture.Scanner scanner = new MessageCapture.Scanner(java.io.OutputStream.nullOutputStream(),
                            false);
                    String outcome = "accepted";
                    try {
                        for (int off = 0; off < bytes.length; off += piece) {
                            scanner.write(bytes, off, Math.min(piece, bytes.length - off));
                        }
                        scanner.end();
                    } catch (MessageCapture.Violation v) {
                        outcome = v.getMessage();
                    }
                    String what = "body line \"" + bodyLine + "\", part header \"" + partHeader + "\", pieces of "
                            + piece;
                    if (partHeader.startsWith("X-")) {
                        assertThat(outcome).as(what).isEqualTo("accepted");
                    } else {
                        assertThat(outcome).as(what).contains("MIME part 2").contains("neither a header field");
                    }
                }
            }
        }
    }

    private static MimeMessage sample(boolean utf8, boolean multipart) throws Exception {
        Properties p = new Properties();
        if (utf8) {
            p.put("mail.mime.allowutf8", "true");
        }
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(utf8 ? "Jos\u00e9 <jos\u00e9@example.com>" : "Jose <jose@example.com>"));
        m.setRecipients(MimeMessage.RecipientType.TO, "b@example.com");
        m.setSubject(utf8 ? "Gr\u00fc\u00dfe \u2013 \u65e5\u672c" : "plain subject", "UTF-8");
        if (!multipart) {
            m.setText("line one\r\nline two\r\n", "us-ascii");
        } else {
            jakarta.mail.internet.MimeBodyPart text = new jakarta.mail.internet.MimeBodyPart();
            text.setText("caf\u00e9 \u00e0 la carte\r\n", "UTF-8");
            text.setHeader("Content-Transfer-Encoding", "quoted-printable");
            jakarta.mail.internet.MimeBodyPart bin = new jakarta.mail.internet.MimeBodyPart();
            byte[] data = new byte[5000];
            new java.util.Random(7).nextBytes(data);
            bin.setDataHandler(new jakarta.activation.DataHandler(
                    new jakarta.mail.util.ByteArrayDataSource(data, "application/octet-stream")));
            bin.setFileName("data.bin");
            m.setContent(new jakarta.mail.internet.MimeMultipart(text, bin));
        }
        m.saveChanges();
        return m;
    }

    /** The capture writes header lines itself: the bytes are still exactly those Jakarta Mail's own writeTo gives. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void capturedBytes_areJakartasOwn(boolean utf8, boolean multipart) throws Exception {
        MimeMessage m = sample(utf8, multipart);
        ByteArrayOutputStream jakarta = new ByteArrayOutputStream();
        m.writeTo(jakarta, MessageCapture.IGNORED_HEADERS);
        try (CapturedMessage c = MessageCapture.capture(m)) {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            c.writeTo(ours);
            assertThat(ours.toByteArray()).isEqualTo(jakarta.toByteArray());
            assertThat(c.utf8Headers()).isEqualTo(utf8);
        }
    }

    /**
     * Jakarta Mail looks up a {@code StreamProvider} service (a class-path scan) for the line stream of every part it
     * writes, and again for the part's transfer encoding. The capture gives it a line stream of its own, so only the
     * second lookup is left: for a simple message one, where Jakarta's own {@code writeTo} into a plain stream makes two.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void capture_skipsTheLineStreamLookup(boolean multipart) throws Exception {
        MimeMessage m = sample(false, multipart);
        CountingLoader loader = new CountingLoader(Thread.currentThread().getContextClassLoader());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            m.writeTo(new ByteArrayOutputStream(), MessageCapture.IGNORED_HEADERS);
            int jakarta = loader.lookups;
            loader.lookups = 0;
            try (CapturedMessage c = MessageCapture.capture(m)) {
                assertThat(c.size()).isPositive();
            }
            // Left: one lookup per part whose content is written through a transfer encoding (the text message; the
            // quoted-printable and the base64 part), none for a line stream.
            int encodedParts = multipart ? 2 : 1;
            assertThat(loader.lookups).as("MessageCapture").isEqualTo(encodedParts);
            assertThat(jakarta).as("Jakarta's own writeTo").isGreaterThan(encodedParts);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** Counts the service-file lookups for jakarta.mail.util.StreamProvider made through it. */
    private static final class CountingLoader extends ClassLoader {
        int lookups;

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws java.io.IOException {
            if (name.equals("META-INF/services/jakarta.mail.util.StreamProvider")) {
                lookups++;
            }
            return super.getResources(name);
        }
    }
}
