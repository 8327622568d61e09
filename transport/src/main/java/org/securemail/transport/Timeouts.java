package org.securemail.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How long SecureMail waits for a mail server. Jakarta Mail's own default for every wait is "forever"; SecureMail's
 * are finite, and hold however the server paces its bytes:
 * <ul>
 *   <li>{@link #connect()}: the TCP connection, and the server's greeting after it (30 seconds by default). A server
 *       that stays silent in a STARTTLS mode is usually an implicit-TLS port: on 465, 993 and 995 SecureMail gives it
 *       at most 5 seconds and then says which mode to use;</li>
 *   <li>{@link #read()}: any single read (2 minutes by default);</li>
 *   <li>{@link #write()}: any single write that the server does not take in (2 minutes by default);</li>
 *   <li>{@link #operation()}: one whole step, however the server paces it (5 minutes by default): connecting
 *       (TCP, greeting, TLS handshake), or one command with its reply. A server that drips one byte just inside each
 *       read timeout cannot hold a call longer than that. Sending a message's content may take this plus one second
 *       per 32 KiB of the message. Waiting for new mail (IMAP IDLE) is bounded by the caller's own timeout
 *       instead.</li>
 * </ul>
 * When a limit passes, the connection is closed and the call fails with an exception that says which step took too
 * long.
 *
 * <p>Immutable. Each timeout must be at least 1 millisecond and at most 24 days.
 */
public final class Timeouts {
    private static final Duration DEFAULT_OPERATION = Duration.ofMinutes(5);

    /** 30 seconds to connect and be greeted, 2 minutes per read and per write, 5 minutes per step. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(2), DEFAULT_OPERATION);

    private static final Duration SHORTEST = Duration.ofMillis(1);
    private static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);

    private final Duration connect;
    private final Duration read;
    private final Duration write;
    private final Duration operation;

    private Timeouts(Duration connect, Duration read, Duration write, Duration operation) {
        this.connect = connect;
        this.read = read;
        this.write = write;
        this.operation = operation;
    }

    /**
     * Returns timeouts with the given connect, read and write values; the step limit is 5 minutes, or the longest of
     * the three when one is longer.
     *
     * @param connect how long to wait for the TCP connection and the greeting
     * @param read how long any read may wait (server replies, the TLS handshake)
     * @param write how long any write may block
     * @return the timeouts
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a timeout is shorter than 1 millisecond (zero, negative) or longer than
     *     24 days
     */
    public static Timeouts of(Duration connect, Duration read, Duration write) {
        check(connect, "connect");
        check(read, "read");
        check(write, "write");
        Duration operation = DEFAULT_OPERATION;
        for (Duration d : new Duration[] {connect, read, write}) {
            if (d.compareTo(operation) > 0) {
                operation = d;
            }
        }
        return new Timeouts(connect, read, write, operation);
    }

    private static Duration check(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(SHORTEST) < 0) {
            // Jakarta Mail takes whole milliseconds and reads 0 as "no limit": anything shorter would wait forever.
            throw new IllegalArgumentException(name + " timeout must be at least 1 millisecond: " + d
                    + " (SecureMail never waits forever)");
        }
        if (d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(name + " timeout must be at most 24 days (" + LONGEST.toMillis()
                    + " ms): " + d);
        }
        return d;
    }

    /**
     * Returns a copy with another connect timeout.
     *
     * @param connect the connect timeout, covering the TCP connection and the greeting
     * @return the new timeouts
     * @throws NullPointerException if {@code connect} is null
     * @throws IllegalArgumentException if it is shorter than 1 millisecond or longer than 24 days
     */
    public Timeouts withConnect(Duration connect) {
        return new Timeouts(check(connect, "connect"), read, write, operation);
    }

    /**
     * Returns a copy with another read timeout.
     *
     * @param read the read timeout
     * @return the new timeouts
     * @throws NullPointerException if {@code read} is null
     * @throws IllegalArgumentException if it is shorter than 1 millisecond or longer than 24 days
     */
    public Timeouts withRead(Duration read) {
        return new Timeouts(connect, check(read, "read"), write, operation);
    }

    /**
     * Returns a copy with another write timeout.
     *
     * @param write the write timeout
     * @return the new timeouts
     * @throws NullPointerException if {@code write} is null
     * @throws IllegalArgumentException if it is shorter than 1 millisecond or longer than 24 days
     */
    public Timeouts withWrite(Duration write) {
        return new Timeouts(connect, read, check(write, "write"), operation);
    }

    /**
     * Returns a copy with another limit per step (connecting; one command and its reply).
     *
     * @param operation the longest one step may take in all
     * @return the new timeouts
     * @throws NullPointerException if {@code operation} is null
     * @throws IllegalArgumentException if it is shorter than 1 millisecond or longer than 24 days
     */
    public Timeouts withOperation(Duration operation) {
        return new Timeouts(connect, read, write, check(operation, "operation"));
    }

    /**
     * Returns how long to wait for the TCP connection, and then for the server's greeting.
     *
     * @return the connect timeout
     */
    public Duration connect() {
        return connect;
    }

    /**
     * Returns how long any single read may wait.
     *
     * @return the read timeout
     */
    public Duration read() {
        return read;
    }

    /**
     * Returns how long any single write may block.
     *
     * @return the write timeout
     */
    public Duration write() {
        return write;
    }

    /**
     * Returns the longest one step may take in all, however the server paces its bytes.
     *
     * @return the limit per step
     */
    public Duration operation() {
        return operation;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Timeouts)) {
            return false;
        }
        Timeouts t = (Timeouts) o;
        return connect.equals(t.connect) && read.equals(t.read) && write.equals(t.write)
                && operation.equals(t.operation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connect, read, write, operation);
    }

    @Override
    public String toString() {
        return "Timeouts{connect=" + connect + ", read=" + read + ", write=" + write + ", operation=" + operation
                + "}";
    }
}
