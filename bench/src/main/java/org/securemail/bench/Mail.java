package org.securemail.bench;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one benchmark message holds. Every contender builds the same {@link MimeMessage} from it with its own
 * session, inside the timed region (building the message is part of sending one).
 *
 * @param text the body text
 * @param attachment a file attached as application/octet-stream (base64 on the wire), if any
 */
record Mail(String text, Optional<Path> attachment) {
    static final String FROM = "bench@localhost";
    static final String TO = "sink@localhost";

    /** About 2 KB of plain text in lines of 72 characters: sent as 7bit, no encoding. */
    static final String TEXT_2KB;

    static {
        StringBuilder b = new StringBuilder();
        String words = "SecureMail benchmark text, the same for every contender and every round of the run. ";
        while (b.length() < 2048) {
            int line = Math.min(72, 2048 - b.length());
            for (int i = 0; i < line; i++) {
                b.append(words.charAt((b.length() + i) % words.length()));
            }
            b.append("\r\n");
        }
        TEXT_2KB = b.toString();
    }

    /** @return the 2 KB message of P0, P1, P2 and the latency run */
    static Mail small() {
        return new Mail(TEXT_2KB, Optional.empty());
    }

    /**
     * Returns a message with a short text and one attachment.
     *
     * @param file the attached file
     * @return the message
     */
    static Mail withAttachment(Path file) {
        return new Mail("The attachment follows.\r\n", Optional.of(file));
    }

    /**
     * Builds the message with a contender's session.
     *
     * @param session the contender's session (its transport sends the message with Transport.send)
     * @param sequence a number for the subject
     * @return the message
     * @throws MessagingException if Jakarta Mail refuses a value
     */
    MimeMessage build(Session session, long sequence) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(FROM));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(TO));
        m.setSubject("bench " + sequence);
        if (attachment.isEmpty()) {
            m.setText(text, "us-ascii");
            return m;
        }
        MimeBodyPart body = new MimeBodyPart();
        body.setText(text, "us-ascii");
        MimeBodyPart file = new MimeBodyPart();
        try {
            file.attachFile(attachment.get().toFile(), "application/octet-stream", "base64");
        } catch (IOException e) {
            throw new MessagingException("cannot attach " + attachment.get() + ": " + e.getMessage(), e);
        }
        MimeMultipart mixed = new MimeMultipart();
        mixed.addBodyPart(body);
        mixed.addBodyPart(file);
        m.setContent(mixed);
        return m;
    }
}
