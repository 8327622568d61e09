/**
 * Mail protocols under the TLS policy: {@link org.securemail.transport.SmtpSender} sends mail with a delivery report;
 * {@link org.securemail.transport.ImapFetcher} and {@link org.securemail.transport.Pop3Fetcher} read mailboxes; every
 * builder can also produce a drop-in {@link jakarta.mail.Session} for code that uses Jakarta Mail directly.
 *
 * <p>Logging (SLF4J): one INFO line per connection on {@code org.securemail.transport.smtp}, {@code .imap} and
 * {@code .pop3} (host, port, mode, TLS version and suite); the protocol dialogue at DEBUG on
 * {@code org.securemail.transport.smtp.dialogue} and {@code org.securemail.transport.imap.dialogue}, with credentials
 * redacted and message content never logged.
 */
package org.securemail.transport;
