/**
 * SecureMail's test kit: mail servers on loopback that record what arrived in cleartext and what under TLS, a PKI
 * generated per run, and assertions on the wire.
 *
 * <p>Start with {@link org.securemail.testing.SecureMailServerExtension}: it starts SMTP, IMAP and POP3 servers with
 * certificates made for the run and hands the test the {@link org.securemail.policy.TlsPolicy} that trusts them.
 * {@link org.securemail.testing.WireAssertions} checks what the servers received; the builders of
 * {@link org.securemail.testing.HostileSmtpServer}, {@link org.securemail.testing.HostileImapServer} and
 * {@link org.securemail.testing.HostilePop3Server} (options shared on
 * {@link org.securemail.testing.HostileServerBuilder}) script the faults a client must survive.
 *
 * <p>The servers are test fixtures: they implement just enough of each protocol for a mail client, they accept any
 * credentials, and they listen only on 127.0.0.1.
 */
package org.securemail.testing;
