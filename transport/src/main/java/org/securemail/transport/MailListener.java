package org.securemail.transport;

/**
 * Hears what SecureMail's clients do, for metrics, audit logs or alerts: each connection opened, each message the
 * server accepted, each refusal for security and each other failure. Register one with
 * {@link MailClientBuilder#listener(MailListener)}; it hears the client built there and the drop-in sessions of the
 * same builder ({@link MailClientBuilder#buildSession()}), also when a framework sends through them.
 *
 * <p>Every method does nothing by default. They are called on the thread that runs the mail operation, after the
 * fact: a listener cannot change what was sent or refused. One that throws is logged (WARN on
 * {@code org.securemail.transport}) and the operation goes on as if it had returned. Keep them quick: the connection
 * waits while they run.
 *
 * <p>What it hears: for SMTP, connections (including those a pooled sender opens ahead), delivered messages, and
 * failures to connect or to deliver; for IMAP and POP3, connections and failures to connect or log in (failures of
 * later folder operations are the caller's to see).
 */
public interface MailListener {
    /**
     * Called once a connection is ready for commands: after TLS met the policy and the server was authenticated, or,
     * in a mode that allows cleartext, once the server greeted. {@link MailEndpoint#handshake()} holds the TLS
     * handshake, and is empty only for a cleartext connection. POP3 reports its connections after the login, which
     * Angus Mail runs as part of opening them.
     *
     * @param endpoint where the connection goes and how it is protected
     */
    default void connected(MailEndpoint endpoint) {
    }

    /**
     * Called after the server accepted a message (its 250 reply to the end of the message).
     *
     * @param report what was accepted, for whom, and how the connection was protected
     */
    default void delivered(DeliveryReport report) {
    }

    /**
     * Called when SecureMail refused a connection or a command for security; nothing was sent outside the
     * protection the mode promises.
     *
     * @param refusal the refusal, with its reason and endpoint
     */
    default void refused(MailSecurityException refusal) {
    }

    /**
     * Called for every other failure of a connection or a delivery: a {@link DeliveryException} (transient,
     * permanent or ambiguous), a {@link MailConnectionException} or a {@link CredentialsRejectedException}. Test the
     * type, or {@link MailFailure#isRetryable()}, to tell them apart.
     *
     * @param failure the failure, with its endpoint
     */
    default void failed(MailFailure failure) {
    }
}
