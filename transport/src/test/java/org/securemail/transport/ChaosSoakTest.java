package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.securemail.testing.ChaosSmtpServer;

/**
 * Under faults, nothing is lost and nothing is sent twice. One {@link SmtpSender} shared by four threads sends through
 * a {@link ChaosSmtpServer} that fails at random at every point of the dialogue (drops, 421, 451, 554, stalls):
 * 2,000 messages here, 10,000 with {@code -Psoak}. Every send returns a report or throws one of the documented types;
 * the server received whole exactly the messages reported delivered, plus at most those reported ambiguous; no
 * Message-ID arrived twice; and no thread or file descriptor is left behind.
 */
class ChaosSoakTest {
    private static final long SEED = Long.getLong("soak.seed", 20261201L);

    private static int messages() {
        return Integer.getInteger("soak.messages", 2000);
    }

    private static long openFileDescriptors() {
        File[] fds = new File("/proc/self/fd").listFiles();
        return fds == null ? -1 : fds.length;
    }

    private static int threads() {
        return Thread.getAllStackTraces().size();
    }

    /** Waits (a bounded poll, not a sleep for synchronisation) until the count falls back to the baseline. */
    private static long settle(java.util.function.LongSupplier count, long baseline) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long now = count.getAsLong();
        while (now > baseline && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = count.getAsLong();
        }
        return now;
    }

    @Test
    void chaos_fourThreadsShareOneSender_nothingLostNothingTwice_noLeaks() throws Exception {
        int total = messages();
        Timeouts fast = Timeouts.of(Duration.ofSeconds(2), Duration.ofMillis(400), Duration.ofSeconds(2))
                .withOperation(Duration.ofSeconds(2));
        Set<String> reported = ConcurrentHashMap.newKeySet();
        Set<String> ambiguous = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<Throwable> undocumented = new ArrayList<>();
        long fdsBefore;
        int threadsBefore;
        Map<String, Integer> delivered;
        Map<String, Integer> faults;
        // Warm up outside the counted window: class loading opens jar files once, and the JDK keeps them open.
        try (ChaosSmtpServer warm = ChaosSmtpServer.start(Fixtures.SERVER_TLS, SEED, 0.5, 10);
             SmtpSender sender = Fixtures.sender(warm.port()).timeouts(fast)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD)).build()) {
            for (int i = 0; i < 30; i++) {
                try {
                    sender.send(message("<warm-" + i + "@example.test>"));
                } catch (MessagingException expected) {
                    // half of them fail: that is the point of warming every path
                }
            }
        }
        settle(() -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("securemail-")).count(), 0);
        fdsBefore = openFileDescriptors();
        threadsBefore = threads();
        try (ChaosSmtpServer server = ChaosSmtpServer.start(Fixtures.SERVER_TLS, SEED, 0.03, 700);
             SmtpSender sender = Fixtures.sender(server.port()).timeouts(fast)
                     .credentials(Credentials.password("alice", Fixtures.PASSWORD)).maxConnections(4).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        String id = "<chaos-" + i + "@example.test>";
                        MimeMessage m = message(id);
                        try {
                            sender.send(m);
                            reported.add(id);
                            count(outcomes, "delivered");
                        } catch (AmbiguousDeliveryException e) {
                            ambiguous.add(id);
                            count(outcomes, "ambiguous");
                        } catch (MailSecurityException | TransientDeliveryException | PermanentDeliveryException
                                 | CredentialsRejectedException e) {
                            count(outcomes, e.getClass().getSimpleName());
                        } catch (MessagingException | RuntimeException e) {
                            synchronized (undocumented) {
                                undocumented.add(e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdown();
            delivered = server.delivered();
            faults = server.faults();
        }
        System.out.println("chaos soak: " + total + " messages, seed " + SEED + ", outcomes " + outcomes
                + ", faults " + faults);
        assertThat(undocumented).as("failures of undocumented types").isEmpty();
        assertThat(delivered.values()).as("Message-IDs delivered more than once").allMatch(n -> n == 1);
        assertThat(reported).allMatch(delivered::containsKey);
        Set<String> unexplained = new java.util.HashSet<>(delivered.keySet());
        unexplained.removeAll(reported);
        unexplained.removeAll(ambiguous);
        assertThat(unexplained).as("delivered but reported failed").isEmpty();
        assertThat(delivered.size()).isBetween(reported.size(), reported.size() + ambiguous.size());
        assertThat(faults).isNotEmpty();
        assertThat(settle(ChaosSoakTest::threads, threadsBefore)).as("threads").isLessThanOrEqualTo(threadsBefore);
        assertThat(settle(ChaosSoakTest::openFileDescriptors, fdsBefore)).as("open files")
                .isLessThanOrEqualTo(fdsBefore);
    }

    /** A message with a Message-ID of its own (saveChanges() would otherwise make a new one at every send). */
    private static MimeMessage message(String id) throws MessagingException {
        MimeMessage m = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties())) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", id);
            }
        };
        m.setFrom("sender@example.test");
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, "rcpt@example.test");
        m.setSubject("chaos");
        m.setText("Hello under chaos.\n");
        return m;
    }

    private static void count(Map<String, AtomicInteger> outcomes, String key) {
        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
}
