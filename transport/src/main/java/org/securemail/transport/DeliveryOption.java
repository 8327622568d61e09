package org.securemail.transport;

/**
 * What one message asks of its delivery, given to {@link SmtpSender#send(jakarta.mail.internet.MimeMessage,
 * DeliveryOption...)}.
 */
public enum DeliveryOption {
    /**
     * REQUIRETLS (RFC 8689): the message goes only over TLS that authenticated the server, to a server that offers
     * REQUIRETLS, and carries the {@code REQUIRETLS} MAIL parameter so that every later hop must do the same or return
     * it. Where the connection is not authenticated TLS (an opportunistic relay, the insecure local mode) or the server
     * does not offer REQUIRETLS, nothing of the message is sent and the send fails with a
     * {@link PermanentDeliveryException}. Protects the message against a hop that would fall back to cleartext or to
     * an unauthenticated server further on; says nothing of how the recipient stores it.
     */
    REQUIRE_TLS
}
