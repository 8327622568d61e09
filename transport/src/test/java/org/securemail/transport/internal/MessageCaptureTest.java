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
}
