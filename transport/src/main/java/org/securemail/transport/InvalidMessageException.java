package org.securemail.transport;

import jakarta.mail.MessagingException;

/**
 * The message was refused before a byte of it was sent, because sending it as it is could smuggle content past the
 * server or break the protocol: a header value with a CR or LF that is not folding, a NUL, a line over 998 octets, a
 * missing sender or recipient. The message names the header or line and what to change.
 */
public final class InvalidMessageException extends MessagingException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the message and how to fix it
     */
    public InvalidMessageException(String message) {
        super(message);
    }
}
