package org.securemail.transport.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends writes that a server does not take in: Java sockets have no write timeout, and a server that stops reading
 * would hold a write (and the thread in it) forever. One daemon thread per session looks at the session's open
 * sockets a few times a second and closes one whose write has blocked longer than the write timeout, or past its
 * step's deadline. Writes only record when they start, so the cost per write is a clock read; the thread runs only
 * while the session has open connections. (Angus Mail's own write timeout schedules and cancels a task for every
 * write; SecureMail does not use it. See docs/angus-behaviours.md.)
 */
final class Watchdog {
    private final Set<GuardedSocket> sockets = ConcurrentHashMap.newKeySet();
    private final Duration writeTimeout;
    private final long intervalMillis;
    private Thread thread;

    Watchdog(Duration writeTimeout) {
        this.writeTimeout = writeTimeout;
        this.intervalMillis = Math.max(5, Math.min(100, writeTimeout.toMillis() / 4));
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
        long writeTimeoutNanos = writeTimeout.toNanos();
        while (true) {
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                synchronized (this) {
                    thread = null;
                }
                return;
            }
            long now = System.nanoTime();
            for (GuardedSocket s : sockets) {
                if (s.isClosed()) {
                    sockets.remove(s);
                    continue;
                }
                long started = s.writeStartedNanos();
                if (started == 0) {
                    continue;
                }
                if (now - started > writeTimeoutNanos) {
                    s.abort("did not take in data for " + ConnectionContext.describe(writeTimeout)
                            + " (the write timeout): it stopped reading");
                } else if (now - s.context().deadlineNanos() > 0) {
                    s.abort("took longer than allowed for " + s.context().stepDescription());
                }
            }
            synchronized (this) {
                if (sockets.isEmpty()) {
                    thread = null;
                    return;
                }
            }
        }
    }
}
