package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.securemail.testing.WireAssertions.assertDeliveredOnce;
import static org.securemail.testing.WireAssertions.assertNothingDelivered;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.SecureMailServerExtension;
import org.securemail.testing.WireAssertions;

/**
 * The published test kit used as a user would: the extension's servers and policy with SecureMail's own clients, as in
 * docs/testing-your-code.md. Each test checks what reached the wire, in cleartext and under TLS.
 */
class TestKitExtensionTest {
    @RegisterExtension
    static final SecureMailServerExtension mail = SecureMailServerExtension.create();

    private static final Credentials ALICE = Credentials.password("alice", Fixtures.PASSWORD);
    private static final List<String> SECRETS = WireAssertions.secretForms("alice", new String(Fixtures.PASSWORD));

    private static List<String> forbidden(String... more) {
        List<String> f = new ArrayList<>(SECRETS);
        f.addAll(List.of(more));
        return f;
    }

    @Test
    void smtp_defaultServer_deliversOnceUnderTls_nothingInCleartext() throws Exception {
        HostileSmtpServer smtp = mail.smtp();
        try (SmtpSender sender = SecureMail.smtp(smtp.host()).port(smtp.port()).policy(mail.policy())
                .credentials(ALICE).build()) {
            DeliveryReport report = sender.send(Fixtures.message("kit subject"));
            assertThat(report.isEncrypted()).isTrue();
        }
        assertThat(mail.smtp()).isSameAs(smtp);
        assertThat(smtp.cleartextLines()).extracting(l -> l.split(" ")[0]).containsExactly("EHLO", "STARTTLS");
        assertNothingSentInCleartext(smtp, forbidden("kit subject", "Hello over TLS"));
        assertDeliveredOnce(smtp, "Subject: kit subject");
    }

    @Test
    void smtp_startTlsStripped_refusedBeforeAuth_nothingDelivered() throws Exception {
        HostileSmtpServer smtp = mail.smtpServer().stripStartTls().authBeforeTls(true).start();
        try (SmtpSender sender = SecureMail.smtp(smtp.host()).port(smtp.port()).policy(mail.policy())
                .credentials(ALICE).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("kit subject")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
        }
        assertNothingSentInCleartext(smtp, forbidden("kit subject"));
        assertNothingDelivered(smtp);
    }

    @Test
    void imap_scriptedMailbox_listedUnderTls() throws Exception {
        HostileImapServer imap = mail.imapServer().messages(3).start();
        try (ImapFetcher fetcher = SecureMail.imap(imap.host()).port(imap.port())
                .mode(SecurityMode.STARTTLS_REQUIRED).policy(mail.policy()).credentials(ALICE).build();
             ImapMailbox inbox = fetcher.openFolder("INBOX")) {
            assertThat(inbox.newest(10)).extracting(MessageSummary::uid).containsExactlyInAnyOrder(1001L, 1002L,
                    1003L);
        }
        assertNothingSentInCleartext(imap, SECRETS);
        assertThat(imap.tlsLines()).isNotEmpty();
    }

    @Test
    void pop3_injectionAfterGoAhead_refused_nothingSentInCleartext() throws Exception {
        HostilePop3Server pop3 = mail.pop3Server().messages(1).afterGoAhead("+OK injected\r\n").start();
        try (Pop3Fetcher fetcher = SecureMail.pop3(pop3.host()).port(pop3.port())
                .mode(SecurityMode.STARTTLS_REQUIRED).policy(mail.policy()).credentials(ALICE).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class, fetcher::list);
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.DATA_AFTER_STARTTLS);
        }
        assertNothingSentInCleartext(pop3, SECRETS);
    }
}
