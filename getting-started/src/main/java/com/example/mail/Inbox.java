package com.example.mail;

import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.ImapMailbox;
import org.securemail.transport.MessageSummary;
import org.securemail.transport.SecureMail;

/** Reads the newest messages of a mailbox over IMAP, under SecureMail's default policy. */
public final class Inbox implements AutoCloseable {
    private final ImapFetcher imap;

    /**
     * @param host the IMAP server
     * @param port its port: 993 for implicit TLS, 143 for STARTTLS
     * @param mode {@link SecurityMode#IMPLICIT_TLS} or {@link SecurityMode#STARTTLS_REQUIRED}
     * @param credentials the account
     */
    public Inbox(String host, int port, SecurityMode mode, Credentials credentials) {
        this.imap = SecureMail.imap(host).port(port).mode(mode).credentials(credentials).build();
    }

    /** One line per message, newest first: UID, sender, subject. The folder is opened read-only. */
    public List<String> newest(int count) throws MessagingException {
        List<String> lines = new ArrayList<>();
        try (ImapMailbox inbox = imap.openFolder("INBOX")) {
            for (MessageSummary m : inbox.newest(count)) {
                lines.add(m.uid() + " " + m.from() + " " + m.subject());
            }
        }
        return lines;
    }

    /** Closes the connections. */
    @Override
    public void close() {
        imap.close();
    }
}
