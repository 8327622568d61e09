package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;

/** What send(...) reports or throws for each server behaviour: 2xx, 4xx, 5xx, stalls, dropped connections, pooling. */
class SmtpOutcomeTest {

    private static SmtpSender sender(HostileSmtpServer server) {
        return Fixtures.sender(server.port()).credentials(Credentials.password("alice", Fixtures.PASSWORD)).build();
    }

    private static MimeMessage twoRecipients() throws Exception {
        MimeMessage m = Fixtures.message("two");
        m.setRecipients(Message.RecipientType.TO, "good@example.test, bad@example.test");
        return m;
    }

    @Test
    void success_reportsReplyQueueIdRecipientsAndMessageId() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = sender(server)) {
            MimeMessage m = Fixtures.message("ok");
            DeliveryReport r = sender.send(m);
            assertThat(r.finalReply()).isEqualTo("250 2.0.0 Ok: queued as TESTQ123");
            assertThat(r.queueId()).contains("TESTQ123");
            assertThat(r.messageId()).contains(m.getMessageID());
            assertThat(r.accepted()).containsExactly(new InternetAddress("rcpt@example.test"));
            assertThat(r.endpoint().host()).isEqualTo("localhost");
            assertThat(r.endpoint().port()).isEqualTo(server.port());
            assertThat(r.connectDuration()).isPositive();
            assertThat(server.messages()).singleElement().asString().contains("Subject: ok");
        }
    }

    @Test
    void oneRecipientRejected_deliveredToTheOthers_reportListsTheRejection() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(a -> a.startsWith("bad") ? "550 5.1.1 No such user" : "250 2.1.5 Ok").start();
             SmtpSender sender = sender(server)) {
            DeliveryReport r = sender.send(twoRecipients());
            assertThat(r.accepted()).containsExactly(new InternetAddress("good@example.test"));
            assertThat(r.rejected()).containsOnlyKeys(new InternetAddress("bad@example.test"));
            assertThat(r.rejected().values()).singleElement().asString().contains("550 5.1.1 No such user");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void everyRecipientRejected5xx_permanent_nothingSent() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .rcptReply(a -> "550 5.1.1 No such user").start();
             SmtpSender sender = sender(server)) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(twoRecipients()));
            assertThat(e.getMessage()).startsWith("localhost:" + server.port() + " rejected every recipient (")
                    .contains("bad@example.test: 550 5.1.1 No such user").endsWith("check the recipient addresses");
            assertThat(e.replyCode()).isEqualTo(550);
            assertThat(e.enhancedStatus()).contains("5.1.1");
            assertThat(e.getInvalidAddresses()).hasSize(2);
            assertThat(server.messages()).isEmpty();
            assertThat(server.tlsLines()).noneMatch(l -> l.equals("DATA"));
        }
    }

    @Test
    void senderRejected4xx_transient() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .mailReply("451 4.3.0 Try again later").start();
             SmtpSender sender = sender(server)) {
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(451);
            assertThat(e.getMessage()).contains("rejected the sender (MAIL FROM): 451 4.3.0 Try again later")
                    .endsWith("; retry later");
        }
    }

    @Test
    void senderRejected530_permanentWithAuthenticationHint() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .mailReply("530 5.7.0 Authentication required").start();
             SmtpSender sender = Fixtures.sender(server.port()).build()) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).contains("configure credentials(...)");
        }
    }

    @Test
    void messageRejectedAtEndOfData5xx_permanent() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .finalReply("552 5.3.4 Message too big").start();
             SmtpSender sender = sender(server)) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(552);
            assertThat(e.getMessage()).contains("rejected the message after receiving it: 552 5.3.4 Message too big");
        }
    }

    @Test
    void messageDeferredAtEndOfData4xx_transient() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .finalReply("451 4.7.1 Greylisted, try later").start();
             SmtpSender sender = sender(server)) {
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(451);
        }
    }

    @Test
    void connectionDroppedAfterTheFinalDot_ambiguous() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropAfterData().start();
             SmtpSender sender = sender(server)) {
            AmbiguousDeliveryException e = catchThrowableOfType(AmbiguousDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).contains("may or may not have accepted the message");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void serverStallsAfterTheFinalDot_ambiguousAfterTheReadTimeout() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).stallOn("DATA-END").start();
             SmtpSender sender = Fixtures.sender(server.port())
                     .timeouts(Fixtures.FAST.withRead(Duration.ofMillis(2000))).build()) {
            AmbiguousDeliveryException e = catchThrowableOfType(AmbiguousDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(-1);
            assertThat(server.awaitStall(5)).isTrue();
        }
    }

    @Test
    void serverStopsReadingTheMessage_writeTimeout_transientNotAmbiguous() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).stallOn("DATA-BODY").start();
             SmtpSender sender = Fixtures.sender(server.port())
                     .timeouts(Fixtures.FAST.withWrite(Duration.ofMillis(1000))).build()) {
            MimeMessage big = Fixtures.message("big");
            big.setText("0123456789abcdef".repeat(60).concat("\n").repeat(40_000)); // about 38 MB: more than buffers hold
            long start = System.nanoTime();
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(big));
            assertThat(e.getMessage()).contains("did not take in data for 1 s (the write timeout): it stopped"
                    + " reading, so the connection was closed").contains("the message was not delivered");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void connectionDroppedDuringTheTransaction_transientNotDelivered() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropOn("RCPT").start();
             SmtpSender sender = sender(server)) {
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(-1);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void serverStallsBeforeGreeting_timesOutQuickly() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).stallOn("GREETING").start();
             SmtpSender sender = Fixtures.sender(server.port())
                     .timeouts(Fixtures.FAST.withRead(Duration.ofMillis(1000))).build()) {
            long start = System.nanoTime();
            // Silence where a cleartext greeting belongs is what an implicit-TLS port looks like: a configuration error.
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.getMessage()).contains("sent no greeting within 1 s")
                    .contains("use mode(SecurityMode.IMPLICIT_TLS)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void greeting421_transient_554_permanent() throws Exception {
        try (HostileSmtpServer busy = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .greeting("421 4.3.2 Too busy, try later").start();
             SmtpSender sender = sender(busy)) {
            TransientDeliveryException e = catchThrowableOfType(TransientDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(421);
        }
        try (HostileSmtpServer closed = HostileSmtpServer.builder(Fixtures.SERVER_TLS)
                .greeting("554 5.7.1 No service for you").start();
             SmtpSender sender = sender(closed)) {
            PermanentDeliveryException e = catchThrowableOfType(PermanentDeliveryException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.replyCode()).isEqualTo(554);
        }
    }

    @Test
    void pooledConnectionDroppedWhileIdle_replacedTransparently_deliveredOnce() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = sender(server)) {
            sender.send(Fixtures.message("first"));
            server.dropAllConnections();
            DeliveryReport second = sender.send(Fixtures.message("second"));
            assertThat(second.isConnectionReused()).isFalse();
            assertThat(server.messages()).hasSize(2);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void pooledConnectionReusedAtOnce_noNoopRoundTrip() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = sender(server)) {
            for (int i = 0; i < 5; i++) {
                sender.send(Fixtures.message("msg " + i));
            }
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.tlsLines()).noneMatch(l -> l.toUpperCase(java.util.Locale.ROOT).startsWith("NOOP"));
            assertThat(server.messages()).hasSize(5);
        }
    }

    @Test
    void pooledConnectionBreaksAtMailFrom_resentOnANewConnection_neverTwice() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).dropOn("MAIL", 2).start();
             SmtpSender sender = sender(server)) {
            sender.send(Fixtures.message("first"));
            DeliveryReport second = sender.send(Fixtures.message("second"));
            assertThat(second.isConnectionReused()).isFalse();
            assertThat(server.messages()).hasSize(2);
            assertThat(server.messages().get(1)).contains("Subject: second");
        }
    }

    @Test
    void manyThreads_shareABoundedPool() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).maxConnections(2)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<DeliveryReport>> results = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    int n = i;
                    results.add(pool.submit(() -> sender.send(Fixtures.message("msg " + n))));
                }
                for (Future<DeliveryReport> f : results) {
                    assertThat(f.get().finalReply()).startsWith("250");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(server.messages()).hasSize(24);
            assertThat(server.connections()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void idleTimeout_expiredConnectionIsClosedAndReplaced() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender sender = Fixtures.sender(server.port()).idleTimeout(Duration.ofNanos(1)).build()) {
            sender.send(Fixtures.message("one"));
            DeliveryReport two = sender.send(Fixtures.message("two"));
            assertThat(two.isConnectionReused()).isFalse();
            assertThat(server.connections()).isEqualTo(2);
        }
    }
}
