package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;

/**
 * What is checked is what is sent, serialized once. The message used to be serialized twice (the check, then a copy),
 * so content that can be read only once went out empty with a 250, and content that changed between the two reads
 * passed the NUL and line-length checks. Now one pass checks and captures the bytes, and the transaction sends them;
 * above 1 MiB they wait in a private temporary file, deleted after the send, failed or not.
 */
class SingleSerializationTest {

    /** Content from a source that counts its reads and gives something else from the second on. */
    static final class CountingSource implements DataSource {
        final AtomicInteger reads = new AtomicInteger();
        private final byte[] first;
        private final byte[] later;

        CountingSource(String first, String later) {
            this.first = first.getBytes(StandardCharsets.US_ASCII);
            this.later = later.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(reads.getAndIncrement() == 0 ? first : later);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read only");
        }

        @Override
        public String getContentType() {
            return "text/plain; charset=us-ascii";
        }

        @Override
        public String getName() {
            return "counting";
        }
    }

    private static MimeMessage withContent(DataSource source) throws Exception {
        MimeMessage m = Fixtures.message("once");
        m.setDataHandler(new DataHandler(source));
        m.setHeader("Content-Transfer-Encoding", "7bit"); // so that saveChanges() need not read the content itself
        return m;
    }

    @Test
    void contentReadableOnce_sentWhole() throws Exception {
        CountingSource once = new CountingSource("The only copy of this text.\r\n", "");
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            sender.send(withContent(once));
            assertThat(server.messages()).singleElement().asString().contains("The only copy of this text.");
            assertThat(once.reads).hasValue(1);
        }
    }

    @Test
    void contentThatChangesBetweenReads_whatWasCheckedIsWhatArrives() throws Exception {
        CountingSource changing = new CountingSource("harmless\r\n", "evil\0" + "x".repeat(2000) + "\r\n");
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            sender.send(withContent(changing));
            assertThat(server.messages()).singleElement().asString().contains("harmless").doesNotContain("evil");
            assertThat(changing.reads).hasValue(1);
        }
    }

    @Test
    void dropIn_contentReadableOnce_sentWhole() throws Exception {
        CountingSource once = new CountingSource("The only copy, drop-in.\r\n", "");
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            jakarta.mail.Session s = Fixtures.sender(server.port()).buildSession();
            MimeMessage m = new MimeMessage(s);
            m.setFrom(new InternetAddress("sender@example.test"));
            m.setRecipients(Message.RecipientType.TO, "rcpt@example.test");
            m.setDataHandler(new DataHandler(once));
            m.setHeader("Content-Transfer-Encoding", "7bit");
            jakarta.mail.Transport.send(m);
            assertThat(server.messages()).singleElement().asString().contains("The only copy, drop-in.");
            assertThat(once.reads).hasValue(1);
        }
    }

    private static List<Path> spillFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("securemail-")
                    && p.getFileName().toString().endsWith(".eml")).collect(Collectors.toList());
        }
    }

    private static MimeMessage withAttachment(int bytes) throws Exception {
        MimeMessage m = Fixtures.message("large");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("see attachment");
        MimeBodyPart attachment = new MimeBodyPart();
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            data[i] = (byte) i; // binary: base64 on the wire
        }
        attachment.setDataHandler(new DataHandler(new jakarta.mail.util.ByteArrayDataSource(data,
                "application/octet-stream")));
        attachment.setFileName("large.bin");
        MimeMultipart mp = new MimeMultipart(text, attachment);
        m.setContent(mp);
        return m;
    }

    @Test
    void messageOverTheThreshold_spilledAndDeletedAfterTheSend() throws Exception {
        List<Path> before = spillFiles();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            DeliveryReport r = sender.send(withAttachment(3 * 1024 * 1024));
            assertThat(r.accepted()).hasSize(1);
            assertThat(server.messages()).singleElement().asString().contains("large.bin")
                    .contains("Content-Transfer-Encoding: base64").contains("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        }
        assertThat(spillFiles()).isEqualTo(before);
    }

    @Test
    void messageOverTheThreshold_failedSend_spillStillDeleted() throws Exception {
        List<Path> before = spillFiles();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dataReply("554 5.3.4 no")
                .start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            Throwable t = catchThrowable(() -> sender.send(withAttachment(3 * 1024 * 1024)));
            assertThat(t).isInstanceOf(PermanentDeliveryException.class);
        }
        assertThat(spillFiles()).isEqualTo(before);
    }
}
