package org.securemail.transport;

import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SearchTerm;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.securemail.core.Handshake;
import org.securemail.transport.internal.ConnectionContext;
import org.securemail.transport.internal.SizeCheckedStream;
import org.securemail.transport.internal.StoreFailures;

/**
 * An open IMAP folder, from {@link ImapFetcher#openFolder(String)} (read-only) or
 * {@link ImapFetcher#openFolderForWrite(String)}. It has its own connection (Angus Mail may lend it the fetcher's),
 * protected like every SecureMail connection; {@link #endpoint()} reports it. Close it when done.
 *
 * <p>Messages are addressed by UID ({@link MessageSummary#uid()}), which stays valid across sessions as long as the
 * folder's {@link #uidValidity()} does not change. A listing's summaries come in one FETCH command (at most 10,000
 * messages), never one per message. Bodies are streamed: {@link #stream(long)} reads the message in 16 KiB pieces
 * (IMAP partial FETCH), so a large message is never held in memory whole. Reading a message does not mark it read;
 * call {@link #markSeen(long)}.
 *
 * <p>Thread-safe: calls from several threads are serialized on the folder's connection. {@link #waitForNewMail}
 * holds the connection in IDLE; another call on this mailbox from another thread ends the IDLE first (and
 * {@link #stopWaiting()} ends the wait).
 */
public final class ImapMailbox implements AutoCloseable {
    /** RFC 2177: a client should re-issue IDLE at least every 29 minutes. */
    private static final Duration MAX_IDLE = Duration.ofMinutes(29);
    private static final FetchProfile SUMMARY = new FetchProfile();

    static {
        // Angus fetches ENVELOPE together with INTERNALDATE and RFC822.SIZE, so SIZE is not asked for twice.
        SUMMARY.add(FetchProfile.Item.ENVELOPE);
        SUMMARY.add(FetchProfile.Item.FLAGS);
        SUMMARY.add(UIDFolder.FetchProfileItem.UID);
    }

    private final ImapFetcher fetcher;
    private final IMAPFolder folder;
    private final boolean writable;
    private final ConnectionContext ctx;
    private final AtomicBoolean waiting = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private volatile long stoppedGeneration = -1;
    private volatile ScheduledFuture<?> stopper;

    ImapMailbox(ImapFetcher fetcher, IMAPFolder folder, boolean writable, ConnectionContext ctx) {
        this.fetcher = fetcher;
        this.folder = folder;
        this.writable = writable;
        this.ctx = ctx;
    }

    /**
     * Returns the folder's full name, e.g. {@code INBOX} or {@code Archive/2026}.
     *
     * @return the name
     */
    public String name() {
        return folder.getFullName();
    }

    /**
     * Tells whether the folder was opened for changes ({@link ImapFetcher#openFolderForWrite(String)}).
     *
     * @return whether flags can be set and messages moved or deleted
     */
    public boolean isWritable() {
        return writable;
    }

    /**
     * Returns the server and how this folder's connection is protected.
     *
     * @return the endpoint; its handshake is empty for {@code insecureCleartextForLocalDevelopment()}
     */
    public MailEndpoint endpoint() {
        return ctx != null ? ctx.endpoint() : fetcher.endpoint().withHandshake(null);
    }

    /**
     * Returns the number of messages in the folder, as the server last reported it (checked with NOOP when the
     * connection was idle for more than a second).
     *
     * @return the count
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException for other failures
     */
    public int messageCount() throws MessagingException {
        try {
            return folder.getMessageCount();
        } catch (MessagingException e) {
            throw fail(e, "counting messages");
        }
    }

    /**
     * Returns the folder's UIDVALIDITY: while it stays the same, a UID keeps designating the same message.
     *
     * @return the UIDVALIDITY
     * @throws MessagingException if the server did not report it
     */
    public long uidValidity() throws MessagingException {
        try {
            return folder.getUIDValidity();
        } catch (MessagingException e) {
            throw fail(e, "reading UIDVALIDITY");
        }
    }

    /**
     * Returns summaries of the newest messages (by arrival order in the folder), newest first: UID, From, To,
     * subject, dates, flags and size, fetched with one FETCH command.
     *
     * @param count how many at most, 1 to 10000
     * @return the summaries, newest first; fewer when the folder holds fewer messages
     * @throws IllegalArgumentException if {@code count} is out of range
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException for other failures
     */
    public List<MessageSummary> newest(int count) throws MessagingException {
        checkCount(count, "count");
        try {
            int total = folder.getMessageCount();
            if (total <= 0) {
                return List.of();
            }
            return summaries(folder.getMessages(Math.max(1, total - count + 1), total));
        } catch (MessagingException e) {
            throw fail(e, "fetching message summaries");
        }
    }

    /**
     * Searches the folder on the server (IMAP SEARCH) and returns summaries of the newest matches, newest first.
     *
     * @param criteria what to look for; {@link SearchCriteria#ALL} matches every message
     * @param limit how many summaries at most, 1 to 10000
     * @return the summaries, newest first
     * @throws NullPointerException if {@code criteria} is null
     * @throws IllegalArgumentException if {@code limit} is out of range
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException if the server cannot run the search, or for other failures
     */
    public List<MessageSummary> search(SearchCriteria criteria, int limit) throws MessagingException {
        Objects.requireNonNull(criteria, "criteria");
        checkCount(limit, "limit");
        SearchTerm term = criteria.toSearchTerm();
        if (term == null) {
            return newest(limit);
        }
        try {
            Message[] found = folder.search(term);
            Arrays.sort(found, Comparator.comparingInt(Message::getMessageNumber).reversed());
            return summaries(Arrays.copyOf(found, Math.min(limit, found.length)));
        } catch (MessagingException e) {
            throw fail(e, "searching");
        }
    }

    private static void checkCount(int n, String name) {
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException(name + " must be between 1 and 10000: " + n);
        }
    }

    private List<MessageSummary> summaries(Message[] messages) throws MessagingException {
        Message[] msgs = messages.clone();
        Arrays.sort(msgs, Comparator.comparingInt(Message::getMessageNumber).reversed());
        // One FETCH for the whole listing (at most 10,000 messages): every further command costs the server a round of
        // its own, which batches of 200 made a fifth of the listing's time against Dovecot (docs/PERFORMANCE.md, P5).
        folder.fetch(msgs, SUMMARY);
        List<MessageSummary> out = new ArrayList<>(msgs.length);
        for (Message m : msgs) {
            if (m.isExpunged()) {
                continue;
            }
            out.add(summary((IMAPMessage) m));
        }
        return List.copyOf(out);
    }

    private MessageSummary summary(IMAPMessage m) throws MessagingException {
        Flags f = m.getFlags();
        Set<MessageFlag> flags = EnumSet.noneOf(MessageFlag.class);
        for (MessageFlag flag : MessageFlag.values()) {
            if (f.contains(flag.toJakarta())) {
                flags.add(flag);
            }
        }
        String[] userFlags = f.getUserFlags();
        Set<String> keywords = userFlags.length == 0 ? Set.of() : new LinkedHashSet<>(Arrays.asList(userFlags));
        return new MessageSummary(folder.getUID(m), m.getMessageID(), addresses(m.getFrom()),
                addresses(m.getRecipients(Message.RecipientType.TO)), m.getSubject(), instant(m.getSentDate()),
                instant(m.getReceivedDate()), flags, keywords, m.getSize());
    }

    private static List<InternetAddress> addresses(Address[] addresses) {
        List<InternetAddress> r = new ArrayList<>();
        if (addresses != null) {
            for (Address a : addresses) {
                if (a instanceof InternetAddress) {
                    r.add((InternetAddress) a);
                }
            }
        }
        return r;
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private IMAPMessage byUid(long uid) throws MessagingException {
        Message m = folder.getMessageByUID(uid);
        if (m == null || m.isExpunged()) {
            throw new MessageRemovedException(name() + " has no message with UID " + uid + " (it was deleted or moved,"
                    + " or the folder's UIDVALIDITY changed)");
        }
        IMAPMessage im = (IMAPMessage) m;
        im.setPeek(true);
        return im;
    }

    /**
     * Returns a message as a Jakarta Mail {@link MimeMessage} whose parts are fetched from the server when they are
     * read, each body part streamed in pieces; nothing is marked read. It stays usable while this mailbox is open.
     *
     * @param uid the message's UID
     * @return the message
     * @throws MessageRemovedException if no message has that UID
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException for other failures
     */
    public MimeMessage message(long uid) throws MessagingException {
        try {
            return byUid(uid);
        } catch (MessageRemovedException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "reading message " + uid);
        }
    }

    /**
     * Returns the whole message (headers and body, as RFC 5322 text) as a stream read from the server in 16 KiB pieces
     * (IMAP partial FETCH of {@code BODY.PEEK[]}): a large message is never held in memory whole, and reading it does
     * not mark it read. Read it while this mailbox is open, and close it. A message that ends before the size the
     * server announced for it (RFC822.SIZE) makes the last read throw an {@link java.io.EOFException} rather than end
     * a shorter copy that looks complete.
     *
     * @param uid the message's UID
     * @return the stream
     * @throws MessageRemovedException if no message has that UID
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException for other failures
     */
    public InputStream stream(long uid) throws MessagingException {
        try {
            IMAPMessage m = byUid(uid);
            long announced = m.getSizeLong();
            InputStream in = m.getMimeStream();
            return announced < 0 ? in : new SizeCheckedStream(in, announced, "message " + uid + " of " + name() + " at "
                    + endpoint().host() + ":" + endpoint().port());
        } catch (MessageRemovedException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "reading message " + uid);
        }
    }

    /**
     * Marks a message read ({@code \Seen}).
     *
     * @param uid the message's UID
     * @throws IllegalStateException if the folder was opened read-only
     * @throws MessageRemovedException if no message has that UID
     * @throws MessagingException for other failures
     */
    public void markSeen(long uid) throws MessagingException {
        requireWritable("mark a message read");
        try {
            byUid(uid).setFlag(Flags.Flag.SEEN, true);
        } catch (MessageRemovedException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "marking message " + uid + " read");
        }
    }

    /**
     * Moves a message to another folder: with MOVE (RFC 6851) when the server has it, otherwise COPY, then
     * {@code \Deleted} and an expunge of that message alone (UID EXPUNGE when the server has UIDPLUS; without it, a
     * plain EXPUNGE during which the other messages marked {@code \Deleted} lose that mark, so that only this one
     * goes; they get it back afterwards).
     *
     * @param uid the message's UID
     * @param destination the destination folder's full name
     * @throws NullPointerException if {@code destination} is null
     * @throws IllegalStateException if the folder was opened read-only
     * @throws MessageRemovedException if no message has that UID
     * @throws jakarta.mail.FolderNotFoundException if the destination does not exist
     * @throws MessagingException for other failures
     */
    public void move(long uid, String destination) throws MessagingException {
        Objects.requireNonNull(destination, "destination");
        requireWritable("move a message");
        try {
            IMAPMessage m = byUid(uid);
            Folder target = folder.getStore().getFolder(destination);
            if (hasCapability("MOVE")) {
                folder.moveMessages(new Message[] {m}, target);
            } else {
                folder.copyMessages(new Message[] {m}, target);
                m.setFlag(Flags.Flag.DELETED, true);
                expunge(m);
            }
        } catch (MessageRemovedException | jakarta.mail.FolderNotFoundException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "moving message " + uid);
        }
    }

    /**
     * Deletes a message for good: sets {@code \Deleted} and expunges it alone (UID EXPUNGE when the server has
     * UIDPLUS; without it, a plain EXPUNGE during which the other messages marked {@code \Deleted} lose that mark, so
     * that only this one goes; they get it back afterwards). Nothing is ever deleted except by this call.
     *
     * @param uid the message's UID
     * @throws IllegalStateException if the folder was opened read-only
     * @throws MessageRemovedException if no message has that UID
     * @throws MessagingException for other failures
     */
    public void delete(long uid) throws MessagingException {
        requireWritable("delete a message");
        try {
            IMAPMessage m = byUid(uid);
            m.setFlag(Flags.Flag.DELETED, true);
            expunge(m);
        } catch (MessageRemovedException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "deleting message " + uid);
        }
    }

    private void expunge(IMAPMessage m) throws MessagingException {
        if (hasCapability("UIDPLUS")) {
            folder.expunge(new Message[] {m});   // UID EXPUNGE of this message alone
            return;
        }
        // A plain EXPUNGE removes every message marked \Deleted, also those another client marked and meant to keep
        // recoverable: take their mark off for the EXPUNGE, then put it back (RFC 4315 section 1). Should the
        // connection break in between, they lose their mark rather than themselves.
        List<Message> others = new ArrayList<>();
        for (Message d : folder.search(new FlagTerm(new Flags(Flags.Flag.DELETED), true))) {
            if (d.getMessageNumber() != m.getMessageNumber()) {
                others.add(d);
            }
        }
        Message[] spared = others.toArray(new Message[0]);
        if (spared.length > 0) {
            folder.setFlags(spared, new Flags(Flags.Flag.DELETED), false);
        }
        try {
            folder.expunge();
        } finally {
            if (spared.length > 0) {
                folder.setFlags(spared, new Flags(Flags.Flag.DELETED), true);
            }
        }
    }

    private boolean hasCapability(String capability) throws MessagingException {
        return Boolean.TRUE.equals(folder.doCommand(p -> p.hasCapability(capability)));
    }

    private void requireWritable(String what) {
        if (!writable) {
            throw new IllegalStateException("cannot " + what + ": " + name() + " was opened read-only; open it with"
                    + " openFolderForWrite(\"" + name() + "\")");
        }
    }

    /**
     * Waits for new mail with IMAP IDLE (RFC 2177): returns {@link IdleResult#NEW_MAIL} as soon as the server
     * announces more messages than the folder held when the wait began, {@link IdleResult#TIMED_OUT} when the timeout
     * passes, or {@link IdleResult#STOPPED} when another thread calls {@link #stopWaiting()}. Other notifications
     * (flag changes, expunges) do not end the wait. Call it in a loop, then fetch with {@link #newest(int)}.
     *
     * @param timeout how long to wait, at most 29 minutes (RFC 2177 asks clients to re-issue IDLE at least that often)
     * @return how the wait ended
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or longer than 29 minutes
     * @throws IllegalStateException if another thread is already waiting on this mailbox
     * @throws MethodNotSupportedException if the server does not support IDLE
     * @throws MailConnectionException if the connection was lost
     * @throws MessagingException for other failures
     */
    public IdleResult waitForNewMail(Duration timeout) throws MessagingException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_IDLE) > 0) {
            throw new IllegalArgumentException("timeout must be positive and at most 29 minutes: " + timeout);
        }
        if (!waiting.compareAndSet(false, true)) {
            throw new IllegalStateException("another thread is already waiting for new mail on " + name());
        }
        long mine = generation.incrementAndGet();
        ScheduledFuture<?> timer = null;
        try {
            if (!hasCapability("IDLE")) {
                throw new MethodNotSupportedException(fetcher.endpoint().host() + ":" + fetcher.endpoint().port() + " does not support"
                        + " IDLE (RFC 2177) (mode " + fetcher.endpoint().mode() + "); poll with newest(...) instead");
            }
            int before = folder.getMessageCount();
            long deadline = System.nanoTime() + timeout.toNanos();
            // Ends the IDLE at the deadline, and keeps ending it until this wait returns, so that an IDLE begun just
            // after the deadline cannot block.
            timer = fetcher.scheduler().scheduleWithFixedDelay(this::endIdle, timeout.toMillis(), 100,
                    TimeUnit.MILLISECONDS);
            while (true) {
                if (stoppedGeneration == mine) {
                    return IdleResult.STOPPED;
                }
                int now = folder.getMessageCount();
                if (now > before) {
                    return IdleResult.NEW_MAIL;
                }
                before = Math.min(before, now);
                if (System.nanoTime() - deadline >= 0) {
                    return IdleResult.TIMED_OUT;
                }
                folder.idle(true);
            }
        } catch (MethodNotSupportedException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "waiting for new mail");
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            ScheduledFuture<?> s = stopper;
            if (s != null) {
                s.cancel(false);
            }
            waiting.set(false);
        }
    }

    /**
     * Ends a {@link #waitForNewMail(Duration)} running in another thread: it returns {@link IdleResult#STOPPED}
     * promptly, leaving the connection usable. Does nothing when no thread is waiting. Does not block.
     */
    public void stopWaiting() {
        if (!waiting.get()) {
            return;
        }
        stoppedGeneration = generation.get();
        stopper = fetcher.scheduler().scheduleWithFixedDelay(this::endIdle, 0, 100, TimeUnit.MILLISECONDS);
        if (!waiting.get()) {
            stopper.cancel(false);
        }
    }

    /** Ends the IDLE command, if one is running: any command on the folder makes Angus send DONE first. */
    private void endIdle() {
        try {
            folder.doCommand(p -> null);
        } catch (MessagingException | RuntimeException ignored) {
            // the folder is closed or the connection lost: the waiting thread sees it
        }
    }

    private MessagingException fail(MessagingException e, String what) {
        return StoreFailures.operation(MailProtocol.IMAP, e, ctx, fetcher.endpoint().host(),
                fetcher.endpoint().port(), fetcher.endpoint().mode(), what);
    }

    /**
     * Closes the folder (without expunging) and its connection, or gives the connection back to the fetcher's pool.
     * A {@link #waitForNewMail(Duration)} in progress ends first.
     */
    @Override
    public void close() {
        fetcher.forget(this);
        try {
            folder.close(false); // not isOpen() first: Angus may send a NOOP for it
        } catch (MessagingException | RuntimeException ignored) {
            // the connection is gone already
        }
    }

    @Override
    public String toString() {
        return "ImapMailbox{" + name() + (writable ? ", read-write" : ", read-only") + "}";
    }
}
