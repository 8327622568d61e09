package org.securemail.spring.sample;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Service;

/** Sends the welcome mail, with the {@code JavaMailSender} Spring Boot provides. */
@Service
public class WelcomeMailer {
    private final JavaMailSender mail;

    /**
     * Creates the mailer.
     *
     * @param mail the application's mail sender
     */
    public WelcomeMailer(JavaMailSender mail) {
        this.mail = mail;
    }

    /**
     * Sends the welcome mail.
     *
     * @param to the new user's address
     */
    public void welcome(String to) {
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom("welcome@example.test");
        m.setTo(to);
        m.setSubject("Welcome aboard");
        m.setText("Your account is ready.\n");
        mail.send(m);
    }
}
