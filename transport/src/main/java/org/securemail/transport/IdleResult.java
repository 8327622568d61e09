package org.securemail.transport;

/** How {@link ImapMailbox#waitForNewMail(java.time.Duration)} ended. */
public enum IdleResult {
    /** The server announced more messages than the folder held when the wait began. */
    NEW_MAIL,
    /** The timeout passed without new mail. */
    TIMED_OUT,
    /** Another thread called {@link ImapMailbox#stopWaiting()}. */
    STOPPED
}
