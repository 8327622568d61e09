package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsVersion;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * {@link MailListener}: which events each client reports, in which order, through SecureMail's own clients and through
 * the drop-in sessions frameworks send with; and that a listener that throws changes no outcome.
 */
class MailListenerTest {

    /** Records every event, in order. */
    static final class Recorder implements MailListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<MailEndpoint> connections = new CopyOnWriteArrayList<>();
        final List<DeliveryReport> reports = new CopyOnWriteArrayList<>();
        final List<MailSecurityException> refusals = new CopyOnWriteArrayList<>();
        final List<MailFailure> failures = new CopyOnWriteArrayList<>();

        @Override
        public void connected(MailEndpoint endpoint) {
            events.add("connected");
            connections.add(endpoint);
        }

        @Override
        public void delivered(DeliveryReport report) {
            events.add("delivered");
            reports.add(report);
        }

        @Override
        public void refused(MailSecurityException refusal) {
            events.add("refused");
            refusals.add(refusal);
        }

        @Override
        public void failed(MailFailure failure) {
            events.add("failed");
            failures.add(failure);
        }
    }

    /** Throws from every event. */
    static final class Throwing implements MailListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void connected(MailEndpoint endpoint) {
            calls.add("connected");
            throw new IllegalStateException("listener bug in connected");
        }

        @Override
        public void delivered(DeliveryReport report) {
            calls.add("delivered");
            throw new IllegalStateException("listener bug in delivered");
        }

        @Override
        public void refused(MailSecurityException refusal) {
            calls.add("refused");
            throw new IllegalStateException("listener bug in refused");
        }

        @Override
        public void failed(MailFailure failure) {
            calls.add("failed");
            throw new IllegalStateException("listener bug in failed");
        }
    }

    private static SimpleMailMessage springMessage() {
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom("sender@example.test");
        m.setTo("rcpt@example.test");
        m.setSubject("from spring");
        m.setText("Hello over TLS.\n");
        return m;
    }

    @Test
    void sender_connectsAndDelivers_connectedWithHandshakeThenDeliveredWithTheReport() throws Exception {
        Recorder r = new Recorder();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).credentials(Credentials.password("alice",
                     Fixtures.PASSWORD)).listener(r).build()) {
            DeliveryReport report = sender.send(Fixtures.message("one"));
            sender.send(Fixtures.message("two"));

            assertThat(r.events).containsExactly("connected", "delivered", "delivered");
            MailEndpoint connected = r.connections.get(0);
            assertThat(connected.protocol()).isEqualTo(MailProtocol.SMTP);
            assertThat(connected.port()).isEqualTo(server.port());
            assertThat(connected.mode()).isEqualTo(SecurityMode.STARTTLS_REQUIRED);
            assertThat(connected.handshake().orElseThrow().tlsVersion()).isIn(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3);
            assertThat(connected.handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(r.reports.get(0)).isSameAs(report);
            assertThat(r.reports.get(1).isConnectionReused()).isTrue();
            assertThat(server.messages()).hasSize(2);
        }
    }

    @Test
    void listenersAreCalledInOrder_aThrowingOneIsSkipped_andTheSendStillSucceeds() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Throwing throwing = new Throwing();
        MailListener first = new MailListener() {
            @Override
            public void delivered(DeliveryReport report) {
                order.add("first");
            }
        };
        MailListener last = new MailListener() {
            @Override
            public void delivered(DeliveryReport report) {
                order.add("last");
            }
        };
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).listener(first).listener(throwing).listener(last)
                     .build()) {
            DeliveryReport report = sender.send(Fixtures.message("listener bug"));

            assertThat(report.isEncrypted()).isTrue();
            assertThat(throwing.calls).containsExactly("connected", "delivered");
            assertThat(order).containsExactly("first", "last");
            assertThat(server.messages()).singleElement().asString().contains("Subject: listener bug");
        }
    }

    @Test
    void strippedStarttls_refusedEvent_theCallerStillGetsTheRefusal_andNothingLeaves() {
        Recorder r = new Recorder();
        Throwing throwing = new Throwing();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start();
             SmtpSender sender = Fixtures.sender(server.port()).credentials(Credentials.password("alice",
                     Fixtures.PASSWORD)).listener(throwing).listener(r).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("never")));

            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
            assertThat(r.events).containsExactly("refused");
            assertThat(r.refusals).containsExactly(e);
            assertThat(throwing.calls).containsExactly("refused");
            assertThat(server.messages()).isEmpty();
            assertThat(server.cleartextLines()).noneMatch(l -> l.startsWith("AUTH") || l.startsWith("MAIL"));
        }
    }

    @Test
    void serverRefusesTheSender_failedEventWithThePermanentFailure() throws Exception {
        Recorder r = new Recorder();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .mailReply("550 5.7.1 Sender not allowed").start();
             SmtpSender sender = Fixtures.sender(server.port()).listener(r).build()) {
            MimeMessage m = Fixtures.message("refused sender");
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(m));

            assertThat(r.events).containsExactly("connected", "failed");
            assertThat(r.failures).containsExactly(e);
            assertThat(r.failures.get(0).isRetryable()).isFalse();
        }
    }

    @Test
    void dropInSession_springSendsWithItsOwnTransportCalls_sameEvents() {
        Recorder r = new Recorder();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port()).listener(r).buildSession());

            spring.send(springMessage(), springMessage());

            assertThat(r.events).containsExactly("connected", "delivered", "delivered");
            DeliveryReport first = r.reports.get(0);
            assertThat(first.isEncrypted()).isTrue();
            assertThat(first.endpoint().handshake()).isEqualTo(r.connections.get(0).handshake());
            assertThat(first.accepted()).extracting(a -> a.getAddress()).containsExactly("rcpt@example.test");
            assertThat(first.isConnectionReused()).isFalse();
            assertThat(r.reports.get(1).isConnectionReused()).isTrue();
            assertThat(server.messages()).hasSize(2);
        }
    }

    @Test
    void dropInSession_strippedStarttls_refusedEvent_andSpringStillSeesTheRefusal() {
        Recorder r = new Recorder();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            JavaMailSenderImpl spring = new JavaMailSenderImpl();
            spring.setSession(Fixtures.sender(server.port()).credentials(Credentials.password("alice",
                    Fixtures.PASSWORD)).listener(new Throwing()).listener(r).buildSession());

            MailSendException e = catchThrowableOfType(MailSendException.class, () -> spring.send(springMessage()));

            assertThat(e.getFailedMessages().values()).singleElement().isInstanceOf(MailSecurityException.class);
            assertThat(r.events).containsExactly("refused");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void dropInSession_transportSend_deliveredAndFailedFromTheSameSession() throws Exception {
        Recorder r = new Recorder();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(rcpt -> rcpt.contains("nobody") ? "550 5.1.1 No such user" : "250 2.1.5 Ok").start()) {
            Session session = Fixtures.sender(server.port()).listener(r).buildSession();
            MimeMessage ok = new MimeMessage(session);
            ok.setFrom("sender@example.test");
            ok.setRecipients(MimeMessage.RecipientType.TO, "rcpt@example.test");
            ok.setText("to someone");
            MimeMessage bad = new MimeMessage(session);
            bad.setFrom("sender@example.test");
            bad.setRecipients(MimeMessage.RecipientType.TO, "nobody@example.test");
            bad.setText("to nobody");

            Transport.send(ok);
            assertThatThrownBy(() -> Transport.send(bad)).isInstanceOf(PermanentDeliveryException.class);

            assertThat(r.events).containsExactly("connected", "delivered", "connected", "failed");
            assertThat(r.failures.get(0)).isInstanceOf(PermanentDeliveryException.class);
        }
    }

    @Test
    void imapAndPop3_connectedWithHandshake_rejectedCredentialsAsFailed() throws Exception {
        Recorder imapEvents = new Recorder();
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(1).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .listener(imapEvents).build()) {
            imap.folders();
            assertThat(imapEvents.events).isNotEmpty().allMatch("connected"::equals);
            assertThat(imapEvents.connections.get(0).protocol()).isEqualTo(MailProtocol.IMAP);
            assertThat(imapEvents.connections.get(0).handshake()).isPresent();
        }
        Recorder pop3Events = new Recorder();
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(1).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .listener(pop3Events).build()) {
            assertThat(pop3.list()).hasSize(1);

            assertThat(pop3Events.events).containsExactly("connected");
            assertThat(pop3Events.connections.get(0).protocol()).isEqualTo(MailProtocol.POP3);
            assertThat(pop3Events.connections.get(0).handshake()).isPresent();
        }
        Recorder rejected = new Recorder();
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS)
                .authReply("-ERR [AUTH] Invalid login").start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED)
                     .listener(rejected).build()) {
            CredentialsRejectedException e = catchThrowableOfType(CredentialsRejectedException.class, pop3::list);

            // Angus opens a POP3 connection and logs in as one step: a rejected login is the only event.
            assertThat(rejected.events).containsExactly("failed");
            assertThat(rejected.failures).containsExactly(e);
        }
    }

    @Test
    void listener_null_isRefusedAtOnce() {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").listener(null))
                .isInstanceOf(NullPointerException.class).hasMessage("listener");
    }
}
