package org.securemail.transport;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.securemail.core.Handshake;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.ConnectionContext;
import org.securemail.transport.internal.HardenedPop3Store;
import org.securemail.transport.internal.MailProperties;
import org.securemail.transport.internal.StoreFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a POP3 maildrop so that USER, PASS, AUTH and every maildrop command travel only inside TLS that meets the
 * policy. Create one with {@link SecureMail#pop3(String)}.
 *
 * <pre>{@code
 * try (Pop3Fetcher pop3 = SecureMail.pop3("pop.example.com")          // implicit TLS, port 995
 *         .credentials(Credentials.password("me@example.com", password))
 *         .build()) {
 *     for (Pop3MessageInfo m : pop3.list()) {
 *         try (OutputStream out = Files.newOutputStream(dir.resolve(m.uidl() + ".eml"))) {
 *             pop3.retrieve(m.uidl(), out);                            // streamed, not held in memory
 *         }
 *         pop3.delete(m.uidl());                                      // only on an explicit call
 *     }
 * }
 * }</pre>
 *
 * <p>Each call is one POP3 session (connect, authenticate, the commands, QUIT), because a POP3 server locks the
 * maildrop for a session and numbers messages afresh in each; messages are addressed by their UIDL. Calls are
 * serialized (thread-safe). Deletions take effect when the server processes QUIT at the end of the call.
 *
 * <p>Before TLS, the plain socket under a STLS connection lets only CAPA, STLS and QUIT out. Failures are typed:
 * {@link MailSecurityException}, {@link CredentialsRejectedException}, {@link MailConnectionException}.
 * {@link #session()} gives a drop-in Jakarta Mail session whose {@code pop3} and {@code pop3s} stores carry the same
 * guarantees.
 */
public final class Pop3Fetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.pop3");

    private final ClientSettings spec;
    private final Session session;
    private volatile Handshake lastHandshake;
    private volatile boolean closed;

    private Pop3Fetcher(ClientSettings spec) {
        this.spec = spec;
        this.session = SessionFactory.session(spec);
    }

    /**
     * Starts building a fetcher for a server.
     *
     * @param host the POP3 server's host name (verified against its certificate) or address
     * @return a builder
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or contains whitespace
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * Returns a builder with this fetcher's settings, to build another that differs in some of them.
     *
     * @return a new builder
     */
    public Builder newBuilder() {
        return new Builder(spec);
    }

    /** What one call does with the open INBOX. */
    private interface Work<T> {
        T run(POP3Folder inbox) throws MessagingException, IOException;
    }

    private synchronized <T> T withInbox(boolean write, String what, Work<T> work)
            throws MessagingException, IOException {
        if (closed) {
            throw new IllegalStateException("the POP3 fetcher for " + spec.host() + " is closed");
        }
        HardenedPop3Store store;
        try {
            store = (HardenedPop3Store) session.getStore("pop3");
        } catch (NoSuchProviderException e) {
            throw new IllegalStateException("SecureMail's POP3 provider is missing from its own session", e);
        }
        try {
            store.connect();
            POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(write ? Folder.READ_WRITE : Folder.READ_ONLY);
            lastHandshake = store.handshake().orElse(null);
            T result;
            try {
                result = work.run(inbox);
            } catch (MessagingException | IOException | RuntimeException e) {
                try {
                    inbox.close(false);
                } catch (MessagingException | IllegalStateException ignored) {
                    // already closed by the failure
                }
                if (e instanceof CallerStreamException) {
                    throw (IOException) e.getCause();
                }
                if (e instanceof IOException) {
                    throw new MessagingException(e.getMessage(), (IOException) e); // the connection, translated below
                }
                throw e;
            }
            inbox.close(write); // DELE for the messages marked deleted, then QUIT
            return result;
        } catch (MessageRemovedException | MethodNotSupportedException e) {
            throw e;
        } catch (MessagingException e) {
            ConnectionContext ctx = store.latestConnection().orElse(null);
            throw StoreFailures.operation(MailProtocol.POP3, e, ctx, spec.host(), spec.port(), spec.mode(), what);
        } finally {
            try {
                store.close();
            } catch (MessagingException ignored) {
                // the session is over
            }
        }
    }

    /** All messages; unlike {@code Folder.getMessages()}, without the NOOP Angus sends for every isOpen(). */
    private static Message[] messages(POP3Folder inbox) throws MessagingException {
        int n = inbox.getMessageCount();
        return n <= 0 ? new Message[0] : inbox.getMessages(1, n);
    }

    private static Map<String, Message> byUidl(POP3Folder inbox, Message[] messages) throws MessagingException {
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        inbox.fetch(messages, fp);
        Map<String, Message> map = new LinkedHashMap<>();
        for (Message m : messages) {
            String uid = inbox.getUID(m);
            if (uid == null) {
                throw new MethodNotSupportedException("the POP3 server does not support UIDL (RFC 1939), by which"
                        + " SecureMail addresses messages");
            }
            map.put(uid, m);
        }
        return map;
    }

    /**
     * Lists the messages in the maildrop (UIDL and LIST: two commands, whatever the number of messages).
     *
     * @return the messages, oldest first
     * @throws IllegalStateException if the fetcher is closed
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MethodNotSupportedException if the server does not support UIDL
     * @throws MessagingException for other failures
     */
    public List<Pop3MessageInfo> list() throws MessagingException {
        try {
            return withInbox(false, "listing messages", inbox -> {
                Message[] messages = messages(inbox);
                Map<String, Message> map = byUidl(inbox, messages);
                int[] sizes = messages.length == 0 ? new int[0] : inbox.getSizes();
                List<Pop3MessageInfo> out = new ArrayList<>();
                for (Map.Entry<String, Message> e : map.entrySet()) {
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
     * Retrieves a message (RETR) into memory, as a {@link MimeMessage} that stays usable after the call. For large
     * messages prefer {@link #retrieve(String, OutputStream)}, which streams.
     *
     * @param uidl the message's UIDL, from {@link #list()}
     * @return the message
     * @throws NullPointerException if {@code uidl} is null
     * @throws MessageRemovedException if no message has that UIDL
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MessagingException for other failures
     */
    public MimeMessage retrieve(String uidl) throws MessagingException {
        Objects.requireNonNull(uidl, "uidl");
        try {
            return withInbox(false, "retrieving " + uidl, inbox -> new MimeMessage((MimeMessage) find(inbox, uidl)));
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
     * @throws MessageRemovedException if no message has that UIDL
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MessagingException for other failures
     * @throws IOException if writing to {@code out} fails
     */
    public void retrieve(String uidl, OutputStream out) throws MessagingException, IOException {
        Objects.requireNonNull(uidl, "uidl");
        Objects.requireNonNull(out, "out");
        withInbox(false, "retrieving " + uidl, inbox -> {
            // Angus writes byte by byte: buffer, and tell the caller's stream failures from the connection's.
            OutputStream buffered = new BufferedOutputStream(new CallerStream(out), 16 * 1024);
            find(inbox, uidl).writeTo(buffered);
            buffered.flush();
            return null;
        });
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

    private static Message find(POP3Folder inbox, String uidl) throws MessagingException {
        Message m = byUidl(inbox, messages(inbox)).get(uidl);
        if (m == null) {
            throw new MessageRemovedException("the maildrop has no message with UIDL " + uidl);
        }
        return m;
    }

    /**
     * Deletes one message (DELE, committed by QUIT at the end of the call).
     *
     * @param uidl the message's UIDL
     * @return whether a message with that UIDL was there and deleted
     * @throws NullPointerException if {@code uidl} is null
     * @throws MessagingException as {@link #list()}
     */
    public boolean delete(String uidl) throws MessagingException {
        return !delete(List.of(Objects.requireNonNull(uidl, "uidl"))).isEmpty();
    }

    /**
     * Deletes messages in one session (DELE each, committed by QUIT at the end of the call). Nothing is ever deleted
     * except by this call.
     *
     * @param uidls the messages' UIDLs
     * @return the UIDLs that were there and were deleted; the others were not found
     * @throws NullPointerException if {@code uidls} or an element is null
     * @throws MessagingException as {@link #list()}
     */
    public Set<String> delete(Collection<String> uidls) throws MessagingException {
        List<String> wanted = List.copyOf(uidls);
        try {
            return withInbox(true, "deleting messages", inbox -> {
                Map<String, Message> map = byUidl(inbox, messages(inbox));
                Set<String> deleted = new LinkedHashSet<>();
                for (String uidl : wanted) {
                    Message m = map.get(uidl);
                    if (m != null) {
                        m.setFlag(Flags.Flag.DELETED, true);
                        deleted.add(uidl);
                    }
                }
                return Set.copyOf(deleted);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the server and how the last connection was protected (each call opens one).
     *
     * @return the endpoint, its handshake empty before the first call or without TLS
     */
    public MailEndpoint endpoint() {
        return MailEndpoint.of(MailProtocol.POP3, spec.host(), spec.port(), spec.mode()).withHandshake(lastHandshake);
    }

    /**
     * Returns a Jakarta Mail session with the same settings, for code that uses {@code Store} directly:
     * {@code session.getStore("pop3")} and {@code getStore("pop3s")} both return SecureMail's hardened store, which
     * connects in this fetcher's mode, takes the credentials from SecureMail ({@code store.connect()} needs no
     * arguments), and refuses to connect if the session's properties were changed.
     *
     * @return the session
     */
    public Session session() {
        return session;
    }

    /** Marks the fetcher closed; it holds no connection between calls. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Pop3Fetcher{" + spec.host() + ":" + spec.port() + ", " + spec.mode() + ", "
                + spec.credentials().map(String::valueOf).orElse("no credentials") + "}";
    }

    /**
     * Builds a {@link Pop3Fetcher} or a drop-in {@link Session} (see {@link MailClientBuilder} for the settings all
     * clients share). POP3's defaults: {@link SecurityMode#IMPLICIT_TLS} on port 995; port 110 with
     * {@link SecurityMode#STARTTLS_REQUIRED} (STLS); credentials are required; {@code STARTTLS_OPPORTUNISTIC} is
     * refused (mailbox access always carries credentials).
     */
    public static final class Builder extends MailClientBuilder<Builder> {
        private Builder(String host) {
            super(ClientSettings.builder(MailProtocol.POP3, host));
        }

        private Builder(ClientSettings settings) {
            super(settings.toBuilder());
        }

        /**
         * Builds the fetcher. Each call opens its own connection.
         *
         * @return the fetcher
         * @throws IllegalStateException if no credentials are set, or insecure cleartext is asked for an address that
         *     is not this machine's
         */
        public Pop3Fetcher build() {
            return new Pop3Fetcher(settings.build());
        }

        @Override
        public String toString() {
            return "Pop3Fetcher.Builder";
        }
    }
}
