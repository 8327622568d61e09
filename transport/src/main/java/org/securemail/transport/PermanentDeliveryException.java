package org.securemail.transport;

import jakarta.mail.Address;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;

/**
 * The message was not delivered and retrying it unchanged will not help: a 5xx reply (unknown recipient,
 * policy rejection, message too big). Nothing was accepted.
 */
public final class PermanentDeliveryException extends DeliveryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param host the server's host
     * @param port the server's port
     * @param mode the connection's mode
     * @param what what happened
     * @param replyCode the server's reply code, or -1 when there was no reply
     * @param serverReply the server's reply text, or null
     * @param fix what to do
     * @param handshake the connection's TLS handshake, or null
     * @param cause the underlying exception, or null
     * @param validUnsent addresses that were valid but not sent to, or null
     * @param invalid addresses the server rejected, or null
     */
    public PermanentDeliveryException(String host, int port, SecurityMode mode, String what, int replyCode,
                                    String serverReply, String fix, Handshake handshake, Exception cause,
                                    Address[] validUnsent, Address[] invalid) {
        super(host, port, mode, what, replyCode, serverReply, fix, handshake, cause, validUnsent, invalid);
    }
}
