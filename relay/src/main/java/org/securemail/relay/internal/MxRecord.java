package org.securemail.relay.internal;

import java.util.Objects;

/**
 * One MX record: a preference and an exchange host (RFC 5321 §5.1). The exchange {@code ""} with preference 0 alone
 * is a null MX (RFC 7505): the domain accepts no mail.
 *
 * @param preference the preference, lower first
 * @param exchange the host name without the trailing dot; empty for the root name "."
 */
public record MxRecord(int preference, String exchange) {

    /**
     * Checks the fields.
     *
     * @param preference 0 to 65535
     * @param exchange not null
     */
    public MxRecord {
        if (preference < 0 || preference > 65535) {
            throw new IllegalArgumentException("MX preference must be 0..65535: " + preference);
        }
        Objects.requireNonNull(exchange, "exchange");
    }

    /**

     * Returns true for the root name ".", which is what a null MX points at.

     *

     * @return true for the root name ".", which is what a null MX points at

     */
    public boolean isNullExchange() {
        return exchange.isEmpty();
    }
}
