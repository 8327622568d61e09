package org.securemail.transport;

import jakarta.mail.Address;

/**
 * The connection was lost, or the server did not answer, after the whole message and its final
 * {@code <CRLF>.<CRLF>} had been sent: the server may or may not have accepted it (RFC 5321 section 4.1.1.4). Retrying
 * may deliver it twice; check with the recipient or the server's logs first, or accept the risk of a duplicate.
 */
public final class AmbiguousDeliveryException extends DeliveryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param endpoint where, with the handshake when one completed
     * @param what what happened
     * @param replyCode the server's reply code, or -1 when there was no reply
     * @param serverReply the server's reply text, or null
     * @param fix what to do, or null
     * @param cause the underlying exception, or null
     * @param validUnsent addresses that were valid but not sent to, or null
     * @param invalid addresses the server rejected, or null
     * @throws NullPointerException if {@code endpoint} or {@code what} is null
     */
    public AmbiguousDeliveryException(MailEndpoint endpoint, String what, int replyCode, String serverReply, String fix,
            Exception cause, Address[] validUnsent, Address[] invalid) {
        super(endpoint, what, replyCode, serverReply, fix, cause, validUnsent, invalid);
    }

    /** Returns false: the server may already have the message, and a retry could deliver it twice. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
