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

    private final SessionFactory.Spec spec;
    private final Session session;
    private final HardenedImapStore store;
    private final Set<ImapMailbox> open = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile boolean closed;

    private ImapFetcher(SessionFactory.Spec spec) {
        this.spec = spec;
        this.session = FetchSessions.imap(spec);
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

    private HardenedImapStore connected() throws MessagingException {
        if (closed) {
            throw new IllegalStateException("the IMAP fetcher for " + spec.host + " is closed");
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
            throw new IllegalStateException("the IMAP fetcher for " + spec.host + " is closed");
        }
        return mailbox;
    }

    private MessagingException fail(MessagingException e, String what) {
        Optional<MessagingException> typed = store.takeLastFailure();
        if (typed.isPresent()) {
            return typed.get();
        }
        ConnectionContext ctx = store.latestConnection().orElse(null);
        return StoreFailures.operation("IMAP", e, ctx, spec.host, spec.port, spec.mode, what);
    }

    void forget(ImapMailbox mailbox) {
        open.remove(mailbox);
    }

    ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    /**
     * Returns the handshake of the most recent connection this fetcher opened (for itself or a folder); each
     * {@link ImapMailbox#handshake()} reports its own.
     *
     * @return the handshake, or empty before the first connection or without TLS
     */
    public Optional<Handshake> handshake() {
        return store.handshake();
    }

    /**
     * Returns the server's host.
     *
     * @return the host
     */
    public String host() {
        return spec.host;
    }

    /**
     * Returns the server's port.
     *
     * @return the port
     */
    public int port() {
        return spec.port;
    }

    /**
     * Returns the security mode.
     *
     * @return the mode
     */
    public SecurityMode mode() {
        return spec.mode;
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
        return "ImapFetcher{" + spec.host + ":" + spec.port + ", " + spec.mode + ", " + spec.credentials + "}";
    }

    /** Builds an {@link ImapFetcher}. Setters check their argument at once; the last call wins. */
    public static final class Builder {
        private final String host;
        private SecurityMode mode = SecurityMode.IMPLICIT_TLS;
        private int port;
        private Credentials credentials;
        private TlsPolicy policy = TlsPolicy.MODERN;
        private TlsEngine engine;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private long maxLiteralSize = Limits.DEFAULT_MAX_LITERAL;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String host) {
            this.host = FetchSessions.checkHost(host);
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
            if (bytes < 1024 || bytes > 1024L * 1024 * 1024) {
                throw new IllegalArgumentException("maxLiteralSize must be between 1 KiB and 1 GiB: " + bytes);
            }
            this.maxLiteralSize = bytes;
            return this;
        }

        /**
         * Sets the security mode: {@link SecurityMode#IMPLICIT_TLS} (the default, port 993) or
         * {@link SecurityMode#STARTTLS_REQUIRED} (port 143).
         *
         * @param mode the mode
         * @return this builder
         * @throws NullPointerException if {@code mode} is null
         * @throws IllegalArgumentException for {@link SecurityMode#STARTTLS_OPPORTUNISTIC} (mailbox access always
         *     carries credentials) and {@link SecurityMode#INSECURE_CLEARTEXT} (use
         *     {@link #insecureCleartextForLocalDevelopment()})
         */
        public Builder mode(SecurityMode mode) {
            this.mode = FetchSessions.checkMode(mode);
            return this;
        }

        /**
         * Reads mail without any TLS, for a development server on this machine (GreenMail, a test container on
         * localhost): the password and the mail travel unencrypted. {@link #build()} accepts it only for localhost,
         * 127.0.0.0/8 or ::1, and logs a WARN.
         *
         * @return this builder
         */
        public Builder insecureCleartextForLocalDevelopment() {
            this.mode = SecurityMode.INSECURE_CLEARTEXT;
            return this;
        }

        /**
         * Sets the port; by default 993 for implicit TLS, 143 otherwise.
         *
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            this.port = FetchSessions.checkPort(port);
            return this;
        }

        /**
         * Sets the credentials (required), sent only inside TLS that met the policy: a password (AUTHENTICATE PLAIN,
         * or LOGIN when the server offers no SASL PLAIN) or an OAuth 2.0 token (AUTHENTICATE XOAUTH2 only).
         *
         * @param credentials a password or an OAuth 2.0 token supplier
         * @return this builder
         * @throws NullPointerException if {@code credentials} is null
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Sets the TLS policy; {@link TlsPolicy#MODERN} by default.
         *
         * @param policy the policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder policy(TlsPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Shares a TLS engine (and its SSLContext cache) with other senders and fetchers; each fetcher has its own by
         * default.
         *
         * @param engine the engine
         * @return this builder
         * @throws NullPointerException if {@code engine} is null
         */
        public Builder tlsEngine(TlsEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Sets the connect, read and write timeouts; {@link Timeouts#DEFAULT} by default. The read timeout does not
         * limit {@link ImapMailbox#waitForNewMail}, which has its own.
         *
         * @param timeouts the timeouts
         * @return this builder
         * @throws NullPointerException if {@code timeouts} is null
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /**
         * Adds a Jakarta Mail property that does not touch security: MIME parsing ({@code mail.mime.*}) and IMAP
         * options such as {@code mail.imap.fetchsize} (1024 to 1048576), {@code mail.imap.connectionpoolsize},
         * {@code mail.imap.connectionpooltimeout}. Properties that could weaken the connection (trust, protocols,
         * suites, socket factories, provider classes, STARTTLS, authentication, timeouts) are refused with a message
         * naming what to use instead.
         *
         * @param key the property name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the property or its value is not accepted
         */
        public Builder property(String key, String value) {
            MailProperties.checkUserProperty("imap", key, value);
            if (key.equals("mail.imap.fetchsize")) {
                checkRange(key, value, 1024, 1 << 20);
            }
            properties.put(key, value);
            return this;
        }

        static void checkRange(String key, String value, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("property " + key + " must be a number: \"" + value + "\"");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("property " + key + " must be between " + min + " and " + max
                        + ": " + n);
            }
        }

        /**
         * Builds the fetcher. It connects on first use.
         *
         * @return the fetcher
         * @throws IllegalStateException if no credentials are set, or insecure cleartext is asked for a host that is
         *     not this machine
         */
        public ImapFetcher build() {
            SessionFactory.Spec spec = FetchSessions.spec("imap", host, mode, port, 993, 143, credentials, policy,
                    engine, timeouts, properties, LOG);
            spec.maxLiteral = maxLiteralSize;
            return new ImapFetcher(spec);
        }

        @Override
        public String toString() {
            return "ImapFetcher.Builder{" + host + ", " + mode.name().toLowerCase(Locale.ROOT) + "}";
        }
    }
}
