package org.securemail.transport.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends writes that a server does not take in: Java sockets have no write timeout, and a server that stops reading
 * would hold a write (and the thread in it) forever. One daemon thread for the whole library looks at the open
 * sockets of every SecureMail client a few times a second and closes one whose write has blocked longer than its
 * client's write timeout, or past its step's deadline. Writes only record when they start, so the cost per write is a
 * clock read; the thread runs only while some connection is open, and a client built per message starts no thread of
 * its own. (Angus Mail's own write timeout schedules and cancels a task for every write; SecureMail does not use it.
 * See docs/angus-behaviours.md.)
 */
final class Watchdog {
    /** The one watchdog; its state is the set of open sockets, nothing configurable. */
    static final Watchdog SHARED = new Watchdog();
    private static final long MAX_INTERVAL_MILLIS = 100;
    private static final long MIN_INTERVAL_MILLIS = 5;

    private final Set<GuardedSocket> sockets = ConcurrentHashMap.newKeySet();
    private Thread thread;

    private Watchdog() {
    }

    /** How often a socket with this write timeout must be looked at: a quarter of it, within 5 to 100 ms. */
    static long intervalMillis(Duration writeTimeout) {
        return Math.max(MIN_INTERVAL_MILLIS, Math.min(MAX_INTERVAL_MILLIS, writeTimeout.toMillis() / 4));
    }

    void watch(GuardedSocket s) {
        sockets.add(s);
        synchronized (this) {
            if (thread == null) {
                thread = new Thread(this::run, "securemail-watchdog");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    void forget(GuardedSocket s) {
        sockets.remove(s);
    }

    /** @return how many sockets are watched, for tests */
    int watched() {
        return sockets.size();
    }

    private void run() {
        long sleep = MAX_INTERVAL_MILLIS;
        while (true) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                synchronized (this) {
                    thread = null;
                }
                return;
            }
            long now = System.nanoTime();
            long next = MAX_INTERVAL_MILLIS;
            for (GuardedSocket s : sockets) {
                if (s.isClosed()) {
                    sockets.remove(s);
                    continue;
                }
                Duration writeTimeout = s.context().wiring().timeouts().write();
                next = Math.min(next, intervalMillis(writeTimeout));
                long started = s.writeStartedNanos();
                if (started == 0) {
                    continue;
                }
                if (now - started > writeTimeout.toNanos()) {
                    s.abort("did not take in data for " + ConnectionContext.describe(writeTimeout)
                            + " (the write timeout): it stopped reading");
                } else if (now - s.context().deadlineNanos() > 0) {
                    s.abort("took longer than allowed for " + s.context().stepDescription());
                }
            }
            sleep = next;
            synchronized (this) {
                if (sockets.isEmpty()) {
                    thread = null;
                    return;
                }
            }
        }
    }
}
