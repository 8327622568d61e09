package org.securemail.bench;

import java.util.List;

/** A way of reading message summaries over IMAP (P5); the harness times {@link #newest}. */
interface MailboxReader {
    /**
     * Connects, logs in, opens the folder read-only, fetches summaries of its newest messages, and closes again.
     *
     * @param folder the folder
     * @param count how many messages
     * @return the summaries, newest first
     * @throws Exception whatever the client throws
     */
    List<Summary> newest(String folder, int count) throws Exception;

    /**
     * The fields of one summary, as SecureMail's {@code MessageSummary} has them; both contenders fill the same.
     *
     * @param uid the UID
     * @param messageId the Message-ID, or null
     * @param from the From addresses, as text
     * @param to the To addresses, as text
     * @param subject the subject
     * @param sent the Date header, epoch milliseconds or -1
     * @param received the INTERNALDATE, epoch milliseconds or -1
     * @param seen whether \Seen is set
     * @param size the RFC822.SIZE
     */
    record Summary(long uid, String messageId, String from, String to, String subject, long sent, long received,
                   boolean seen, long size) {
    }
}
