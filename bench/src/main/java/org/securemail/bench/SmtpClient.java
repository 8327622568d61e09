package org.securemail.bench;

import jakarta.mail.MessagingException;

/**
 * One way of sending mail, as a user would write it: the harness times {@link #send}. Each contender is one
 * implementation, created in {@link SecureMailClients} or {@link RawAngusClients}; adapting the harness to a change
 * of SecureMail's API is done there and nowhere else.
 */
interface SmtpClient extends AutoCloseable {
    /**
     * Builds the message with this contender's session and sends it; returns after the server's 250.
     *
     * @param mail what to send
     * @param sequence a number for the subject
     * @throws Exception whatever the client throws: the harness reports it and stops the workload
     */
    void send(Mail mail, long sequence) throws Exception;

    /** Closes what the contender keeps open (a pool, a connection). */
    @Override
    void close() throws MessagingException;
}
