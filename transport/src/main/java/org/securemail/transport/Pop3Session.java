package org.securemail.transport;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.securemail.core.Handshake;
import org.securemail.transport.internal.ConnectionContext;
import org.securemail.transport.internal.HardenedPop3Store;
import org.securemail.transport.internal.StoreFailures;

/**
 * One POP3 session: one connection, one login, and the maildrop's commands until {@link #close()} sends QUIT. Open one
 * with {@link Pop3Fetcher#open()}.
 *
 * <pre>{@code
 * try (Pop3Session s = pop3.open()) {                                  // one TLS connection, one login
 *     for (Pop3MessageInfo m : s.list()) {
 *         try (OutputStream out = Files.newOutputStream(dir.resolve(m.uidl() + ".eml"))) {
 *             s.retrieve(m.uidl(), out);                               // streamed, not held in memory
 *         }
 *         s.delete(m.uidl());                                         // marked; committed by QUIT in close()
 *     }
 * }
 * }</pre>
 *
 * <p>POP3 deletes nothing until the session ends with QUIT (RFC 1939): {@link #delete(String)} marks a message, and
 * {@link #close()} sends DELE for each marked message and then QUIT, which commits them. {@link #abandon()} ends the
 * session with QUIT but no DELE, so nothing is deleted. If the connection is lost before QUIT, nothing is deleted.
 * The server locks the maildrop for the session, so keep it short. Message numbers hold for the session only;
 * messages are addressed by UIDL.
 *
 * <p>A session is used by one thread at a time (its methods are serialized). Failures are typed as for
 * {@link Pop3Fetcher}; after a lost connection the session can only be closed.
 */
public final class Pop3Session implements AutoCloseable {
    private final HardenedPop3Store store;
    private final POP3Folder inbox;
    private final MailEndpoint endpoint;
    private final Set<String> marked = new LinkedHashSet<>();
    private Map<String, Message> byUidl;
    private boolean ended;

    private Pop3Session(HardenedPop3Store store, POP3Folder inbox, MailEndpoint endpoint) {
        this.store = store;
        this.inbox = inbox;
        this.endpoint = endpoint;
    }

    /** Connects, logs in and opens the maildrop; the caller translates failures. */
    static Pop3Session open(HardenedPop3Store store, MailEndpoint unconnected) throws MessagingException {
        try {
            store.connect();
            POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Handshake h = store.handshake().orElse(null);
            return new Pop3Session(store, inbox, unconnected.withHandshake(h));
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(store);
            throw e;
        }
    }

    private static void closeQuietly(HardenedPop3Store store) {
        try {
            store.close();
        } catch (MessagingException ignored) {
            // the session is over
        }
    }

    /**
     * Returns the server and how this session's connection is protected.
     *
     * @return the endpoint, with the handshake when the connection is TLS
     */
    public MailEndpoint endpoint() {
        return endpoint;
    }

    /** One step of the session on the open maildrop. */
    private interface Step<T> {
        T run() throws MessagingException, IOException;
    }

    private synchronized <T> T step(String what, Step<T> step) throws MessagingException, IOException {
        if (ended) {
            throw new IllegalStateException("the POP3 session with " + endpoint.host() + " is closed");
        }
        try {
            return step.run();
        } catch (CallerStreamException e) {
            throw (IOException) e.getCause();
        } catch (MessageRemovedException | MethodNotSupportedException e) {
            throw e;
        } catch (IOException e) {
            throw translate(new MessagingException(e.getMessage(), e), what);
        } catch (MessagingException e) {
            throw translate(e, what);
        }
    }

    private MessagingException translate(MessagingException e, String what) {
        ConnectionContext ctx = store.latestConnection().orElse(null);
        MessagingException typed = StoreFailures.operation(MailProtocol.POP3, e, ctx, endpoint.host(),
                endpoint.port(), endpoint.mode(), what);
        if (typed instanceof MailConnectionException || typed instanceof MailSecurityException) {
            abort(); // the connection is gone or refused: nothing marked can be committed
        }
        return typed;
    }

    /** The messages by UIDL, asked once per session (the numbers and UIDLs hold for the session). */
    private Map<String, Message> byUidl() throws MessagingException {
        if (byUidl != null) {
            return byUidl;
        }
        int n = inbox.getMessageCount();
        Message[] messages = n <= 0 ? new Message[0] : inbox.getMessages(1, n);
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        inbox.fetch(messages, fp);
        Map<Integer, String> unannounced = null;
        Map<String, Message> map = new LinkedHashMap<>();
        for (Message m : messages) {
            String uid = inbox.getUID(m);
            if (uid == null) {
                // The server's CAPA reply did not list UIDL, so Angus did not ask: ask, and accept -ERR as the answer.
                if (unannounced == null) {
                    unannounced = store.uidlNotAnnounced();
                }
                uid = unannounced.get(m.getMessageNumber());
                if (uid == null) {
                    throw new MessagingException(endpoint.host() + ":" + endpoint.port() + " listed no UIDL for"
                            + " message " + m.getMessageNumber() + " of " + messages.length);
                }
            }
            map.put(uid, m);
        }
        byUidl = map;
        return map;
    }

    private Message find(String uidl) throws MessagingException {
        if (marked.contains(uidl)) {
            throw new MessageRemovedException("the message with UIDL " + uidl + " was deleted in this session");
        }
        Message m = byUidl().get(uidl);
        if (m == null) {
            throw new MessageRemovedException("the maildrop has no message with UIDL " + uidl);
        }
        return m;
    }

    /**
     * Lists the messages in the maildrop, except those deleted in this session (UIDL and LIST, each sent once per
     * session whatever the number of messages).
     *
     * @return the messages, oldest first
     * @throws IllegalStateException if the session is closed
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MethodNotSupportedException if the server does not support UIDL
     * @throws MessagingException for other failures
     */
    public List<Pop3MessageInfo> list() throws MessagingException {
        try {
            return step("listing messages", () -> {
                Map<String, Message> map = byUidl();
                int[] sizes = map.isEmpty() ? new int[0] : inbox.getSizes();
                List<Pop3MessageInfo> out = new ArrayList<>();
                for (Map.Entry<String, Message> e : map.entrySet()) {
                    if (marked.contains(e.getKey())) {
                        continue;
                    }
                    int n = e.getValue().getMessageNumber();
                    out.add(new Pop3MessageInfo(n, e.getKey(), n - 1 < sizes.length ? sizes[n - 1] : -1));
                }
                return List.copyOf(out);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e); // no stream is involved
        }
    }

    /**
     * Retrieves a message (RETR) into memory, as a {@link MimeMessage} that stays usable after the session. For large
     * messages prefer {@link #retrieve(String, OutputStream)}, which streams.
     *
     * @param uidl the message's UIDL, from {@link #list()}
     * @return the message
     * @throws NullPointerException if {@code uidl} is null
     * @throws MessageRemovedException if no message has that UIDL, or it was deleted in this session
     * @throws MessagingException as {@link #list()}
     */
    public MimeMessage retrieve(String uidl) throws MessagingException {
        Objects.requireNonNull(uidl, "uidl");
        try {
            return step("retrieving " + uidl, () -> new MimeMessage((MimeMessage) find(uidl)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Retrieves a message (RETR) and writes it, as RFC 5322 text, to a stream as it arrives: it is never held in
     * memory whole.
     *
     * @param uidl the message's UIDL, from {@link #list()}
     * @param out where to write the message; not closed
     * @throws NullPointerException if an argument is null
     * @throws MessageRemovedException if no message has that UIDL, or it was deleted in this session
     * @throws MessagingException as {@link #list()}
     * @throws IOException if writing to {@code out} fails
     */
    public void retrieve(String uidl, OutputStream out) throws MessagingException, IOException {
        Objects.requireNonNull(uidl, "uidl");
        Objects.requireNonNull(out, "out");
        step("retrieving " + uidl, () -> {
            // Angus writes byte by byte: buffer, and tell the caller's stream failures from the connection's.
            OutputStream buffered = new BufferedOutputStream(new CallerStream(out), 16 * 1024);
            find(uidl).writeTo(buffered);
            buffered.flush();
            return null;
        });
    }

    /**
     * Marks a message for deletion; {@link #close()} commits it (DELE, then QUIT), {@link #abandon()} does not.
     *
     * @param uidl the message's UIDL
     * @return whether a message with that UIDL was there and is now marked
     * @throws NullPointerException if {@code uidl} is null
     * @throws MessagingException as {@link #list()}
     */
    public boolean delete(String uidl) throws MessagingException {
        return !delete(List.of(Objects.requireNonNull(uidl, "uidl"))).isEmpty();
    }

    /**
     * Marks messages for deletion; {@link #close()} commits them (DELE each, then QUIT), {@link #abandon()} does not.
     *
     * @param uidls the messages' UIDLs
     * @return the UIDLs that were there and are now marked; the others were not found
     * @throws NullPointerException if {@code uidls} or an element is null
     * @throws MessagingException as {@link #list()}
     */
    public Set<String> delete(Collection<String> uidls) throws MessagingException {
        List<String> wanted = List.copyOf(uidls);
        try {
            return step("deleting messages", () -> {
                Map<String, Message> map = byUidl();
                Set<String> done = new LinkedHashSet<>();
                for (String uidl : wanted) {
                    Message m = map.get(uidl);
                    if (m != null && !marked.contains(uidl)) {
                        m.setFlag(Flags.Flag.DELETED, true);
                        marked.add(uidl);
                        done.add(uidl);
                    }
                }
                return Set.copyOf(done);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends the session without deleting anything: QUIT without DELE, so the messages marked by
     * {@link #delete(String)} stay in the maildrop. Does nothing if the session is already closed.
     */
    public synchronized void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            inbox.close(false);
        } catch (MessagingException | IllegalStateException ignored) {
            // already closed by a failure: nothing was committed
        } finally {
            closeQuietly(store);
        }
    }

    /** Closes the connection without QUIT, after a failure: nothing marked is committed. */
    private void abort() {
        ended = true;
        closeQuietly(store);
    }

    /**
     * Ends the session: DELE for each message marked by {@link #delete(String)}, then QUIT, which commits them.
     * Does nothing if the session is already closed.
     *
     * @throws MailConnectionException if the connection was lost before the deletions were sent
     * @throws MessagingException for other failures
     */
    @Override
    public synchronized void close() throws MessagingException {
        if (ended) {
            return;
        }
        ended = true;
        try {
            inbox.close(true); // DELE for the marked messages, then QUIT
        } catch (MessagingException e) {
            ConnectionContext ctx = store.latestConnection().orElse(null);
            throw StoreFailures.operation(MailProtocol.POP3, e, ctx, endpoint.host(), endpoint.port(),
                    endpoint.mode(), "deleting " + marked.size() + " message(s)");
        } catch (IllegalStateException e) {
            // already closed by a failure: nothing was committed
        } finally {
            closeQuietly(store);
        }
    }

    @Override
    public String toString() {
        return "Pop3Session{" + endpoint.host() + ":" + endpoint.port() + ", " + marked.size() + " marked"
                + (ended ? ", closed" : "") + "}";
    }

    /** Marks the failures of the caller's stream, so they are not taken for a lost connection. */
    private static final class CallerStreamException extends IOException {
        private static final long serialVersionUID = 1L;

        CallerStreamException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class CallerStream extends FilterOutputStream {
        CallerStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new CallerStreamException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new CallerStreamException(e);
            }
        }

        @Override
        public void close() {
            // the caller closes its own stream
        }
    }
}
