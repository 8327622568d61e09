/**
 * Delivery to a recipient domain's MX hosts (RFC 5321 §5) with the strongest TLS the domain asks for: DANE for SMTP
 * (RFC 7672) where its TLSA records are DNSSEC-signed, MTA-STS (RFC 8461) where it publishes a policy, and
 * opportunistic TLS (RFC 7435) otherwise, never with a password; REQUIRETLS (RFC 8689) and TLS reports (RFC 8460).
 */
package org.securemail.relay;
