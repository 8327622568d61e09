package org.securemail.transport;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.securemail.core.Handshake;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.ConnectionContext;
import org.securemail.transport.internal.HardenedImapProtocol;
import org.securemail.transport.internal.HardenedImapStore;
import org.securemail.transport.internal.Limits;
import org.securemail.transport.internal.MailProperties;
import org.securemail.transport.internal.StoreFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a mailbox over IMAP so that the credentials and every mailbox command travel only inside TLS that meets the
 * policy. Create one with {@link SecureMail#imap(String)}; it is thread-safe, connects on first use, and keeps its
 * connections (one for itself, one per open folder) until closed.
 *
 * <pre>{@code
 * try (ImapFetcher imap = SecureMail.imap("imap.example.com")         // implicit TLS, port 993
 *         .credentials(Credentials.password("me@example.com", password))
 *         .build();
 *      ImapMailbox inbox = imap.openFolder("INBOX")) {                 // read-only
 *     for (MessageSummary m : inbox.newest(20)) {
 *         System.out.println(m.uid() + " " + m.from() + " " + m.subject());
 *     }
 * }
 * }</pre>
 *
 * <p>No LOGIN, AUTHENTICATE or mailbox command leaves before TLS is up and verified: the plain socket under a STARTTLS
 * connection lets only CAPABILITY, STARTTLS, LOGOUT and NOOP out. Failures are typed: {@link MailSecurityException}
 * (refused for security; nothing was sent outside TLS), {@link CredentialsRejectedException},
 * {@link MailConnectionException} (could not connect, timed out, connection lost). {@link #session()} gives a drop-in
 * Jakarta Mail session whose {@code imap} and {@code imaps} stores carry the same guarantees.
 */
public final class ImapFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.imap");

    private final ClientSettings spec;
    private final Session session;
    private final HardenedImapStore store;
    private final Set<ImapMailbox> open = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile boolean closed;

    private ImapFetcher(ClientSettings spec) {
        this.spec = spec;
        this.session = SessionFactory.session(spec);
        try {
            this.store = (HardenedImapStore) session.getStore("imap");
        } catch (NoSuchProviderException e) {
            throw new IllegalStateException("SecureMail's IMAP provider is missing from its own session", e);
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "securemail-imap-idle");
            t.setDaemon(true);
            return t;
        });
        scheduler.setKeepAliveTime(10, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts building a fetcher for a server.
     *
     * @param host the IMAP server's host name (verified against its certificate) or address
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

    private HardenedImapStore connected() throws MessagingException {
        if (closed) {
            throw new IllegalStateException("the IMAP fetcher for " + spec.host() + " is closed");
        }
        synchronized (store) {
            if (!store.isConnectedWithoutCheck()) {
                store.connect();
            }
        }
        return store;
    }

    /**
     * Lists the folders of the mailbox (IMAP LIST), by full name, e.g. {@code INBOX}, {@code Archive/2026}.
     *
     * @return the full names, in the server's order
     * @throws IllegalStateException if the fetcher is closed
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MessagingException for other failures
     */
    public List<String> folders() throws MessagingException {
        HardenedImapStore s = connected();
        try {
            List<String> names = new ArrayList<>();
            for (Folder f : s.getDefaultFolder().list("*")) {
                names.add(f.getFullName());
            }
            return List.copyOf(names);
        } catch (MessagingException e) {
            throw fail(e, "listing folders");
        }
    }

    /**
     * Opens a folder read-only (IMAP EXAMINE): nothing in it can change through the returned mailbox, and reading
     * messages does not mark them read.
     *
     * @param name the folder's full name, e.g. {@code INBOX}
     * @return the open folder; close it when done
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalStateException if the fetcher is closed
     * @throws jakarta.mail.FolderNotFoundException if there is no such folder
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MessagingException for other failures
     */
    public ImapMailbox openFolder(String name) throws MessagingException {
        return open(name, Folder.READ_ONLY);
    }

    /**
     * Opens a folder for changes (IMAP SELECT): {@link ImapMailbox#markSeen(long)}, {@link ImapMailbox#move} and
     * {@link ImapMailbox#delete(long)} are allowed.
     *
     * @param name the folder's full name, e.g. {@code INBOX}
     * @return the open folder; close it when done
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalStateException if the fetcher is closed
     * @throws jakarta.mail.FolderNotFoundException if there is no such folder
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MessagingException for other failures
     */
    public ImapMailbox openFolderForWrite(String name) throws MessagingException {
        return open(name, Folder.READ_WRITE);
    }

    private ImapMailbox open(String name, int mode) throws MessagingException {
        Objects.requireNonNull(name, "name");
        HardenedImapStore s = connected();
        IMAPFolder folder = (IMAPFolder) s.getFolder(name);
        s.takeLastFailure();
        try {
            folder.open(mode);
        } catch (jakarta.mail.FolderNotFoundException e) {
            throw e;
        } catch (MessagingException e) {
            throw fail(e, "opening " + name);
        }
        ConnectionContext ctx;
        try {
            Object c = folder.doCommand(p -> p instanceof HardenedImapProtocol
                    ? ((HardenedImapProtocol) p).context() : null);
            ctx = (ConnectionContext) c;
        } catch (MessagingException e) {
            ctx = null;
        }
        ImapMailbox mailbox = new ImapMailbox(this, folder, mode == Folder.READ_WRITE, ctx);
        open.add(mailbox);
        if (closed) {
            mailbox.close();
            throw new IllegalStateException("the IMAP fetcher for " + spec.host() + " is closed");
        }
        return mailbox;
    }

    private MessagingException fail(MessagingException e, String what) {
        Optional<MessagingException> typed = store.takeLastFailure();
        if (typed.isPresent()) {
            return typed.get();
        }
        ConnectionContext ctx = store.latestConnection().orElse(null);
        return StoreFailures.operation(MailProtocol.IMAP, e, ctx, spec.host(), spec.port(), spec.mode(), what);
    }

    void forget(ImapMailbox mailbox) {
        open.remove(mailbox);
    }

    ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    /**
     * Returns the server and how the most recent connection this fetcher opened (for itself or a folder) was
     * protected; each {@link ImapMailbox#endpoint()} reports its own.
     *
     * @return the endpoint, its handshake empty before the first connection or without TLS
     */
    public MailEndpoint endpoint() {
        return MailEndpoint.of(MailProtocol.IMAP, spec.host(), spec.port(), spec.mode()).withHandshake(store.handshake().orElse(null));
    }

    /**
     * Returns a Jakarta Mail session with the same settings, for code that uses {@code Store} directly:
     * {@code session.getStore("imap")} and {@code getStore("imaps")} both return SecureMail's hardened store, which
     * connects in this fetcher's mode (whatever the name), takes the credentials from SecureMail
     * ({@code store.connect()} needs no arguments), and refuses to connect if the session's properties were changed.
     *
     * @return the session
     */
    public Session session() {
        return session;
    }

    /** Closes every open folder and the fetcher's connections (IMAP LOGOUT). */
    @Override
    public void close() {
        closed = true;
        for (ImapMailbox m : new ArrayList<>(open)) {
            m.close();
        }
        try {
            store.close();
        } catch (MessagingException | RuntimeException ignored) {
            // closing
        }
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "ImapFetcher{" + spec.host() + ":" + spec.port() + ", " + spec.mode() + ", "
                + spec.credentials().map(String::valueOf).orElse("no credentials") + "}";
    }

    /**
     * Builds an {@link ImapFetcher} or a drop-in {@link Session} (see {@link MailClientBuilder} for the settings all
     * clients share). IMAP's defaults: {@link SecurityMode#IMPLICIT_TLS} on port 993; port 143 with
     * {@link SecurityMode#STARTTLS_REQUIRED}; credentials are required; {@code STARTTLS_OPPORTUNISTIC} is refused
     * (mailbox access always carries credentials).
     */
    public static final class Builder extends MailClientBuilder<Builder> {
        private Builder(String host) {
            super(ClientSettings.builder(MailProtocol.IMAP, host));
        }

        private Builder(ClientSettings settings) {
            super(settings.toBuilder());
        }

        /**
         * Sets the largest IMAP literal (and response line) the server may send inside TLS, 16 MiB by default. Message
         * bodies are fetched in pieces of {@code mail.imap.fetchsize} (16 KiB by default), so only a broken or
         * malicious server sends more; a larger literal fails the command with
         * {@link MailSecurityException.Reason#OVERSIZED_REPLY} before any of it is read. Before TLS no literal is
         * accepted at all.
         *
         * @param bytes 1 KiB to 1 GiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxLiteralSize(long bytes) {
            settings.maxLiteral(bytes);
            return this;
        }

        /**
         * Builds the fetcher. It connects on first use.
         *
         * @return the fetcher
         * @throws IllegalStateException if no credentials are set, or insecure cleartext is asked for an address that
         *     is not this machine's
         */
        public ImapFetcher build() {
            return new ImapFetcher(settings.build());
        }

        @Override
        public String toString() {
            return "ImapFetcher.Builder";
        }
    }
}
