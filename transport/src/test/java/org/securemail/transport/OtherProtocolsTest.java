package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;

/**
 * A session SecureMail built for one protocol never hands out Angus's plain provider for another: asked for it, it
 * refuses before opening a socket, so credentials the caller passes cannot leave in cleartext that way.
 */
class OtherProtocolsTest {
    private static final String PASSWORD = new String(Fixtures.PASSWORD);

    private static MailSecurityException refused(ThrowingCall call) {
        MailSecurityException e = catchThrowableOfType(MailSecurityException.class, call::run);
        assertThat(e).as("refused with MailSecurityException").isNotNull();
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
        return e;
    }

    @Test
    void imapSession_refusesPop3Store_andNothingReachesThePop3Server() throws Exception {
        try (HostilePop3Server pop3 = HostilePop3Server.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = FetchFixtures.imap(1, SecurityMode.IMPLICIT_TLS).build()) {
            for (String protocol : new String[] {"pop3", "pop3s"}) {
                Store store = imap.session().getStore(protocol);
                MailSecurityException e = refused(() -> store.connect("localhost", pop3.port(), "alice", PASSWORD));
                assertThat(e.getMessage()).isEqualTo("localhost:" + pop3.port() + " was not contacted: this Session"
                        + " was built by SecureMail.imap(host) and refuses " + protocol + ", which it was not built"
                        + " for (mode IMPLICIT_TLS); build a Session for pop3 with SecureMail.pop3(host)"
                        + "...buildSession()");
                assertThat(e.endpoint().protocol()).isEqualTo(MailProtocol.POP3);
            }
            assertThat(pop3.connections()).isZero();
        }
    }

    @Test
    void imapSession_refusesSmtp_includingTheStaticTransportSend() throws Exception {
        try (HostileSmtpServer smtp = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start();
             ImapFetcher imap = FetchFixtures.imap(1, SecurityMode.IMPLICIT_TLS).build()) {
            Session session = imap.session();
            Transport smtpTransport = session.getTransport("smtp");
            refused(() -> smtpTransport.connect("127.0.0.1", smtp.port(), "alice", PASSWORD));
            MimeMessage m = new MimeMessage(session);
            m.setFrom("sender@example.test");
            m.setRecipients(jakarta.mail.Message.RecipientType.TO, "rcpt@example.test");
            m.setText("Hello");
            MailSecurityException e = refused(() -> Transport.send(m, "alice", PASSWORD));
            assertThat(e.getMessage()).contains("refuses smtp").contains("SecureMail.smtp(host)...buildSession()");
            assertThat(smtp.connections()).isZero();
        }
    }

    @Test
    void smtpAndPop3Sessions_refuseTheOtherStores() throws Exception {
        try (HostileImapServer imapServer = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender smtp = Fixtures.sender(1).build();
             Pop3Fetcher pop3 = FetchFixtures.pop3(1, SecurityMode.IMPLICIT_TLS).build()) {
            for (Session session : new Session[] {smtp.session(), pop3.session()}) {
                for (String protocol : new String[] {"imap", "imaps"}) {
                    Store store = session.getStore(protocol);
                    refused(() -> store.connect("localhost", imapServer.port(), "alice", PASSWORD));
                    refused(() -> store.getFolder("INBOX"));
                }
            }
            refused(() -> pop3.session().getTransport("smtps").connect("localhost", 465, "alice", PASSWORD));
            assertThat(imapServer.connections()).isZero();
        }
    }

    @Test
    void plainProviderPutBackByProperty_stillGetsNoSocket() throws Exception {
        try (HostilePop3Server pop3 = HostilePop3Server.builder(Fixtures.SERVER_TLS).capaBeforeTls("USER").start();
             ImapFetcher imap = FetchFixtures.imap(1, SecurityMode.IMPLICIT_TLS).build()) {
            Session session = imap.session();
            session.getProperties().put("mail.pop3.class", "org.eclipse.angus.mail.pop3.POP3Store");
            session.getProperties().put("mail.pop3s.class", "org.eclipse.angus.mail.pop3.POP3SSLStore");
            for (String protocol : new String[] {"pop3", "pop3s"}) {
                Store store = session.getStore(protocol);
                assertThat(store.getClass().getName()).startsWith("org.eclipse.angus.mail.pop3.POP3");
                MessagingException e = catchThrowableOfType(MessagingException.class,
                        () -> store.connect("localhost", pop3.port(), "alice", PASSWORD));
                assertThat(e).isNotNull();
            }
            assertThat(pop3.connections()).isZero();
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
