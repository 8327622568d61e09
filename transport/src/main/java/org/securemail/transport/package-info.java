/**
 * Mail protocols under the TLS policy: {@link org.securemail.transport.SmtpSender} sends mail with a delivery report,
 * and every builder can also produce a drop-in {@link jakarta.mail.Session} for code that uses Jakarta Mail directly.
 *
 * <p>Logging (SLF4J): one INFO line per connection on {@code org.securemail.transport.smtp} (host, port, mode, TLS
 * version and suite); the protocol dialogue at DEBUG on {@code org.securemail.transport.smtp.dialogue}, with AUTH
 * payloads redacted and message content never logged.
 */
package org.securemail.transport;
