package org.securemail.bench;

import jakarta.mail.MessagingException;

/** One contender of a workload: runs one round of a given number of operations and says what it cost. */
interface Contender extends AutoCloseable {
    /** @return the name printed in the tables */
    String name();

    /**
     * Runs one round.
     *
     * @param ops how many operations (messages, handshakes, fetches)
     * @param firstSequence the first sequence number to use (for message subjects)
     * @return what the round cost
     * @throws Exception whatever the client throws
     */
    Sample round(int ops, long firstSequence) throws Exception;

    @Override
    default void close() throws MessagingException {
    }
}
