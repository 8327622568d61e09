package org.securemail.transport.internal;

import jakarta.mail.MessagingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pool of open connections: at most {@code max} exist at once, an idle one is closed after the idle timeout,
 * and one that has been idle longer than the check threshold is checked (for SMTP, a NOOP) before it is lent again.
 * One idle for less is lent at once after a local check: a connection the server closed meanwhile fails on its first
 * command, before any of the message is sent, and the sender then retries on a new one. Thread-safe.
 *
 * @param <T> the connection type
 */
public final class TransportPool<T> implements AutoCloseable {

    /** Opens, checks and closes connections. */
    public interface Connections<T> {
        /**
         * Opens a connection.
         *
         * @return the open connection
         * @throws MessagingException if it cannot be opened
         */
        T open() throws MessagingException;

        /**
         * Checks that an idle connection still works.
         *
         * @param connection the connection
         * @param thorough whether to ask the server (it has been idle longer than the check threshold) rather than
         *     only look at the local state
         * @return true if it can be used
         */
        boolean healthy(T connection, boolean thorough);

        /**
         * Closes a connection, ignoring failures.
         *
         * @param connection the connection
         */
        void close(T connection);
    }

    /** A connection lent from the pool. */
    public static final class Lease<T> {
        private final T connection;
        private final boolean reused;
        private final Duration connectDuration;

        Lease(T connection, boolean reused, Duration connectDuration) {
            this.connection = connection;
            this.reused = reused;
            this.connectDuration = connectDuration;
        }

        /** @return the connection */
        public T connection() {
            return connection;
        }

        /** @return whether it was open already */
        public boolean reused() {
            return reused;
        }

        /** @return how long opening it took; zero when reused */
        public Duration connectDuration() {
            return connectDuration;
        }
    }

    private static final class Idle<T> {
        final T connection;
        final long since;

        Idle(T connection, long since) {
            this.connection = connection;
            this.since = since;
        }
    }

    private final Connections<T> connections;
    private final Semaphore permits;
    private final long idleTimeoutNanos;
    private final long checkAfterNanos;
    private final Duration borrowTimeout;
    private final Deque<Idle<T>> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * Creates a pool.
     *
     * @param connections opens, checks and closes connections
     * @param max the most connections open at once
     * @param idleTimeout how long a connection may stay idle
     * @param checkAfter how long a connection may stay idle before it is checked with the server when lent
     * @param borrowTimeout how long {@link #borrow()} waits for a free connection when all are busy
     */
    public TransportPool(Connections<T> connections, int max, Duration idleTimeout, Duration checkAfter,
                         Duration borrowTimeout) {
        this.connections = connections;
        this.permits = new Semaphore(max, true);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.checkAfterNanos = checkAfter.toNanos();
        this.borrowTimeout = borrowTimeout;
    }

    /**
     * Lends a working connection: an idle one that passes its check, or a new one.
     *
     * @return the lease; give it back with {@link #release}
     * @throws MessagingException if no connection could be opened, or all stayed busy for the borrow timeout
     */
    public Lease<T> borrow() throws MessagingException {
        try {
            if (!permits.tryAcquire(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MessagingException("every pooled connection stayed busy for " + borrowTimeout
                        + "; raise maxConnections(...) or send from fewer threads");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while waiting for a pooled connection", e);
        }
        boolean lent = false;
        try {
            while (true) {
                Idle<T> candidate;
                synchronized (this) {
                    if (closed) {
                        throw new IllegalStateException("the sender is closed");
                    }
                    candidate = idle.pollFirst();
                }
                if (candidate == null) {
                    break;
                }
                long idleNanos = System.nanoTime() - candidate.since;
                if (idleNanos > idleTimeoutNanos
                        || !connections.healthy(candidate.connection, idleNanos > checkAfterNanos)) {
                    connections.close(candidate.connection);
                    continue;
                }
                lent = true;
                return new Lease<>(candidate.connection, true, Duration.ZERO);
            }
            long start = System.nanoTime();
            T fresh = connections.open();
            lent = true;
            return new Lease<>(fresh, false, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (!lent) {
                permits.release();
            }
        }
    }

    /**
     * Gives a connection back.
     *
     * @param lease the lease
     * @param reusable whether the connection is in a clean state for another message
     */
    public void release(Lease<T> lease, boolean reusable) {
        boolean keep;
        synchronized (this) {
            keep = reusable && !closed;
            if (keep) {
                idle.addFirst(new Idle<>(lease.connection, System.nanoTime()));
            }
        }
        if (!keep) {
            connections.close(lease.connection);
        }
        permits.release();
    }

    /** Closes the idle connections; connections still lent are closed when they come back. */
    @Override
    public void close() {
        Deque<Idle<T>> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        for (Idle<T> i : toClose) {
            connections.close(i.connection);
        }
    }
}
