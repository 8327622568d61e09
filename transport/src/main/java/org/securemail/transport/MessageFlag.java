package org.securemail.transport;

import jakarta.mail.Flags;

/** The system flags of an IMAP message (RFC 9051 section 2.3.2). Keywords (user flags) are plain strings. */
public enum MessageFlag {
    /** {@code \Seen}: the message has been read. */
    SEEN(Flags.Flag.SEEN),
    /** {@code \Answered}: the message has been answered. */
    ANSWERED(Flags.Flag.ANSWERED),
    /** {@code \Flagged}: the message is flagged for attention. */
    FLAGGED(Flags.Flag.FLAGGED),
    /** {@code \Deleted}: the message is marked for removal by the next expunge. */
    DELETED(Flags.Flag.DELETED),
    /** {@code \Draft}: the message is a draft. */
    DRAFT(Flags.Flag.DRAFT),
    /** {@code \Recent}: the message arrived since the last session (IMAP4rev1 only). */
    RECENT(Flags.Flag.RECENT);

    private final Flags.Flag flag;

    MessageFlag(Flags.Flag flag) {
        this.flag = flag;
    }

    /**
     * Returns the Jakarta Mail flag with the same meaning.
     *
     * @return the flag
     */
    public Flags.Flag toJakarta() {
        return flag;
    }
}
