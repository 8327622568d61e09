package org.securemail.transport;

import jakarta.mail.internet.InternetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link ImapMailbox#newest(int)} and {@link ImapMailbox#search(SearchCriteria, int)} return for each message:
 * its UID and envelope, flags and size, fetched in batches (one command per batch, never one per message). Immutable;
 * the body is read separately with {@link ImapMailbox#stream(long)} or {@link ImapMailbox#message(long)}.
 */
public final class MessageSummary {
    private final long uid;
    private final String messageId;
    private final List<InternetAddress> from;
    private final List<InternetAddress> to;
    private final String subject;
    private final Instant sentDate;
    private final Instant receivedDate;
    private final Set<MessageFlag> flags;
    private final Set<String> keywords;
    private final long size;

    /**
     * Creates a summary that owns the lists and sets it is given: the caller passes fresh ones that nobody else holds
     * (Angus Mail already hands out copies of a message's addresses), so none is copied again; accessors copy the
     * mutable addresses on the way out.
     */
    MessageSummary(long uid, String messageId, List<InternetAddress> from, List<InternetAddress> to, String subject,
                   Instant sentDate, Instant receivedDate, Set<MessageFlag> flags, Set<String> keywords, long size) {
        this.uid = uid;
        this.messageId = messageId;
        this.from = Collections.unmodifiableList(from);
        this.to = Collections.unmodifiableList(to);
        this.subject = subject == null ? "" : subject;
        this.sentDate = sentDate;
        this.receivedDate = receivedDate;
        this.flags = flags.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(flags);
        this.keywords = keywords.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(keywords);
        this.size = size;
    }

    private static List<InternetAddress> copy(List<InternetAddress> addresses) {
        List<InternetAddress> c = new ArrayList<>(addresses.size());
        for (InternetAddress a : addresses) {
            c.add((InternetAddress) a.clone());
        }
        return Collections.unmodifiableList(c);
    }

    /**
     * Returns the message's IMAP UID, stable within the folder as long as its UIDVALIDITY does not change.
     *
     * @return the UID
     */
    public long uid() {
        return uid;
    }

    /**
     * Returns the Message-ID header.
     *
     * @return the Message-ID, or empty when the message has none
     */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /**
     * Returns the From addresses (copies: changing them changes nothing here).
     *
     * @return the addresses, empty when there are none
     */
    public List<InternetAddress> from() {
        return copy(from);
    }

    /**
     * Returns the To addresses (copies).
     *
     * @return the addresses, empty when there are none
     */
    public List<InternetAddress> to() {
        return copy(to);
    }

    /**
     * Returns the subject, decoded (RFC 2047).
     *
     * @return the subject, empty when there is none
     */
    public String subject() {
        return subject;
    }

    /**
     * Returns the Date header: when the sender says the message was written.
     *
     * @return the date, or empty when the header is missing or unreadable
     */
    public Optional<Instant> sentDate() {
        return Optional.ofNullable(sentDate);
    }

    /**
     * Returns the server's INTERNALDATE: when the message arrived in the mailbox.
     *
     * @return the date, or empty when the server did not report it
     */
    public Optional<Instant> receivedDate() {
        return Optional.ofNullable(receivedDate);
    }

    /**
     * Returns the system flags set on the message.
     *
     * @return an unmodifiable set
     */
    public Set<MessageFlag> flags() {
        return flags;
    }

    /**
     * Tells whether the message has been read ({@code \Seen}).
     *
     * @return whether {@link MessageFlag#SEEN} is set
     */
    public boolean isSeen() {
        return flags.contains(MessageFlag.SEEN);
    }

    /**
     * Returns the keywords (user flags) set on the message, e.g. {@code $Junk}.
     *
     * @return an unmodifiable set
     */
    public Set<String> keywords() {
        return keywords;
    }

    /**
     * Returns the size of the whole message (headers and body) in octets, as the server reports it (RFC822.SIZE).
     *
     * @return the size, or -1 when the server did not report it
     */
    public long size() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MessageSummary)) {
            return false;
        }
        MessageSummary m = (MessageSummary) o;
        return uid == m.uid && size == m.size && Objects.equals(messageId, m.messageId) && from.equals(m.from)
                && to.equals(m.to) && subject.equals(m.subject) && Objects.equals(sentDate, m.sentDate)
                && Objects.equals(receivedDate, m.receivedDate) && flags.equals(m.flags)
                && keywords.equals(m.keywords);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uid, messageId, subject, sentDate, size, flags);
    }

    @Override
    public String toString() {
        return "MessageSummary{uid=" + uid + ", from=" + from + ", subject=\"" + subject + "\", sent="
                + (sentDate == null ? "?" : sentDate) + ", flags=" + flags + (keywords.isEmpty() ? "" : " " + keywords)
                + ", size=" + size + "}";
    }
}
