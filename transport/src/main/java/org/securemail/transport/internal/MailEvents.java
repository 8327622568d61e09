package org.securemail.transport.internal;

import jakarta.mail.MessagingException;
import java.time.Duration;

/**
 * Where the hardened transports and stores report what happened, for the caller's listeners: the transport package
 * implements it (it alone can make a {@code DeliveryReport}), {@link MailWiring} carries it. Implementations never
 * throw.
 */
public interface MailEvents {
    /** Reports nothing: a session without listeners. */
    MailEvents NONE = new MailEvents() {
        @Override
        public void connected(ConnectionContext ctx) {
        }

        @Override
        public void delivered(ConnectionContext ctx, SmtpOutcome outcome, String messageId, boolean reused,
                              Duration connect, Duration transaction) {
        }

        @Override
        public void failed(MessagingException failure) {
        }
    };

    /**
     * A connection is ready for commands, secured as its mode promises.
     *
     * @param ctx the connection
     */
    void connected(ConnectionContext ctx);

    /**
     * The server accepted a message sent through a drop-in session's transport.
     *
     * @param ctx the connection
     * @param outcome the outcome
     * @param messageId the Message-ID, or null
     * @param reused whether the connection had carried a message before
     * @param connect how long connecting took
     * @param transaction how long the transaction took
     */
    void delivered(ConnectionContext ctx, SmtpOutcome outcome, String messageId, boolean reused, Duration connect,
                   Duration transaction);

    /**
     * A connection or a delivery failed; failures that are not SecureMail's typed ones are ignored.
     *
     * @param failure the failure, as thrown to the caller
     */
    void failed(MessagingException failure);
}
