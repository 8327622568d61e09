package org.securemail.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Connect, read and write timeouts for every mail connection. Jakarta Mail's own default for all three is
 * "wait forever"; SecureMail's defaults are finite: {@link #DEFAULT} waits 30 seconds to connect, and 2 minutes for
 * any single read or write (a reply, a TLS record, a chunk of message data).
 *
 * <p>Immutable. Each timeout must be positive.
 */
public final class Timeouts {
    /** 30 seconds to connect, 2 minutes per read, 2 minutes per write. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(2));

    private final Duration connect;
    private final Duration read;
    private final Duration write;

    private Timeouts(Duration connect, Duration read, Duration write) {
        this.connect = connect;
        this.read = read;
        this.write = write;
    }

    /**
     * Returns timeouts with the given values.
     *
     * @param connect how long to wait for the TCP connection
     * @param read how long any read may wait (server replies, the TLS handshake)
     * @param write how long any write may block
     * @return the timeouts
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a timeout is shorter than 1 millisecond (zero,
     *         negative) or longer than 24 days
     */
    public static Timeouts of(Duration connect, Duration read, Duration write) {
        return new Timeouts(check(connect, "connect"), check(read, "read"), check(write, "write"));
    }

    private static final Duration SHORTEST = Duration.ofMillis(1);
    private static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);

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
     * @param connect the connect timeout
     * @return the new timeouts
     * @throws IllegalArgumentException if it is not positive
     */
    public Timeouts withConnect(Duration connect) {
        return of(connect, read, write);
    }

    /**
     * Returns a copy with another read timeout.
     *
     * @param read the read timeout
     * @return the new timeouts
     * @throws IllegalArgumentException if it is not positive
     */
    public Timeouts withRead(Duration read) {
        return of(connect, read, write);
    }

    /**
     * Returns a copy with another write timeout.
     *
     * @param write the write timeout
     * @return the new timeouts
     * @throws IllegalArgumentException if it is not positive
     */
    public Timeouts withWrite(Duration write) {
        return of(connect, read, write);
    }

    /**

     * Returns how long to wait for the TCP connection.

     *

     * @return how long to wait for the TCP connection

     */
    public Duration connect() {
        return connect;
    }

    /**

     * Returns how long any read may wait.

     *

     * @return how long any read may wait

     */
    public Duration read() {
        return read;
    }

    /**

     * Returns how long any write may block.

     *

     * @return how long any write may block

     */
    public Duration write() {
        return write;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timeouts && connect.equals(((Timeouts) o).connect) && read.equals(((Timeouts) o).read)
                && write.equals(((Timeouts) o).write);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connect, read, write);
    }

    @Override
    public String toString() {
        return "Timeouts{connect=" + connect + ", read=" + read + ", write=" + write + "}";
    }
}
