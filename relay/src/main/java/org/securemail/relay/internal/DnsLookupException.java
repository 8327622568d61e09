package org.securemail.relay.internal;

import java.io.IOException;

/**
 * A DNS lookup got no usable answer: a timeout, SERVFAIL, REFUSED, or a malformed reply. Delivery treats it as a
 * temporary failure (RFC 5321 §5.1), except where a policy says otherwise.
 */
public final class DnsLookupException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates one.
     *
     * @param message what was asked and what went wrong
     * @param cause the resolver's exception, or null
     */
    public DnsLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
