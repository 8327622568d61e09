package com.example.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/** Sends notifications through a submission server, under SecureMail's default policy (STARTTLS required). */
public final class Notifier implements AutoCloseable {
    private final SmtpSender sender;
    private final InternetAddress from;

    /**
     * @param host the submission server, e.g. smtp.example.com
     * @param port its port, usually 587
     * @param from the sender address
     * @param credentials the account, or null for a server that takes mail without
     */
    public Notifier(String host, int port, String from, Credentials credentials) throws MessagingException {
        this(host, port, from, credentials, TlsPolicy.MODERN);
    }

    /**
     * @param host the submission server, e.g. smtp.example.com
     * @param port its port, usually 587
     * @param from the sender address
     * @param credentials the account, or null for a server that takes mail without
     * @param policy the TLS policy: what the server must offer and which certificates to trust (tests pass the test
     *     kit's, which trusts the certificates it made for the run)
     */
    public Notifier(String host, int port, String from, Credentials credentials, TlsPolicy policy)
            throws MessagingException {
        SmtpSender.Builder b = SecureMail.smtp(host).port(port).policy(policy);
        if (credentials != null) {
            b.credentials(credentials);
        }
        this.sender = b.build();
        this.from = new InternetAddress(from, true);
    }

    /** Sends one plain-text message and returns the server's report (reply, queue id, the TLS used). */
    public DeliveryReport send(String to, String subject, String text) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        return sender.send(m);
    }

    @Override
    public void close() {
        sender.close();
    }

    /** java -cp ... com.example.mail.Notifier HOST FROM TO, with the password in the SMTP_PASSWORD variable. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Notifier HOST FROM TO (password in the SMTP_PASSWORD environment variable)");
            System.exit(2);
        }
        String password = System.getenv("SMTP_PASSWORD");
        Credentials credentials = password == null ? null : Credentials.password(args[1], password.toCharArray());
        try (Notifier n = new Notifier(args[0], 587, args[1], credentials)) {
            System.out.println(n.send(args[2], "Hello from SecureMail", "It works."));
        }
    }
}
