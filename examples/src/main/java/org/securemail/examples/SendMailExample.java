package org.securemail.examples;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * The sending example that README.md and docs/sending-mail.md quote. Compiled with the build; not run (it needs a
 * real mail server). Usage: {@code SendMailExample <host> <user> <to>} with the password in {@code SMTP_PASSWORD}.
 */
public final class SendMailExample {
    private SendMailExample() {
    }

    public static void main(String[] args) throws MessagingException {
        String host = args[0];
        String user = args[1];
        char[] password = System.getenv("SMTP_PASSWORD").toCharArray();

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(user));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(args[2]));
        message.setSubject("Hello");
        message.setText("Sent with SecureMail.");

        // README: the five lines
        try (SmtpSender sender = SecureMail.smtp(host)                    // STARTTLS required on 587
                .credentials(Credentials.password(user, password))
                .build()) {
            DeliveryReport report = sender.send(message);                 // returns after the server's 250
            System.out.println(report);
        }
    }
}
