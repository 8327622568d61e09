package org.securemail.transport;

import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 *         .build();
 *      Pop3Session s = pop3.open()) {                                  // one connection, one login
 *     for (Pop3MessageInfo m : s.list()) {
 *         try (OutputStream out = Files.newOutputStream(dir.resolve(m.uidl() + ".eml"))) {
 *             s.retrieve(m.uidl(), out);                               // streamed, not held in memory
 *         }
 *         s.delete(m.uidl());                                         // committed by QUIT when s closes
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #open()} gives a {@link Pop3Session}: one connection and one login for a loop, ended by QUIT, which
 * commits the deletions. {@link #list()}, {@link #retrieve(String)} and {@link #delete(String)} on the fetcher are
 * each a session of their own (connect, authenticate, the command, QUIT). A POP3 server locks the maildrop for a
 * session and numbers messages afresh in each, so messages are addressed by their UIDL. The fetcher's calls are
 * serialized (thread-safe).
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

    /**
     * Opens a POP3 session: one connection and one login for every command until {@link Pop3Session#close()}, which
     * sends QUIT and so commits the deletions; {@link Pop3Session#abandon()} ends it without deleting anything.
     *
     * @return the open session; close it
     * @throws IllegalStateException if the fetcher is closed
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed or timed out
     * @throws MessagingException for other failures
     */
    public Pop3Session open() throws MessagingException {
        return open("opening the maildrop");
    }

    private Pop3Session open(String what) throws MessagingException {
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
            Pop3Session s = Pop3Session.open(store, MailEndpoint.of(MailProtocol.POP3, spec.host(), spec.port(),
                    spec.mode()));
            lastHandshake = s.endpoint().handshake().orElse(null);
            return s;
        } catch (MessagingException e) {
            ConnectionContext ctx = store.latestConnection().orElse(null);
            throw StoreFailures.operation(MailProtocol.POP3, e, ctx, spec.host(), spec.port(), spec.mode(), what);
        }
    }

    /**
     * Lists the messages in the maildrop, in a session of its own (UIDL and LIST: two commands, whatever the number
     * of messages).
     *
     * @return the messages, oldest first
     * @throws IllegalStateException if the fetcher is closed
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MailConnectionException if the connection failed, timed out or was lost
     * @throws MethodNotSupportedException if the server does not support UIDL
     * @throws MessagingException for other failures
     */
    public synchronized List<Pop3MessageInfo> list() throws MessagingException {
        try (Pop3Session s = open("listing messages")) {
            return s.list();
        }
    }

    /**
     * Retrieves a message (RETR) into memory, in a session of its own, as a {@link MimeMessage} that stays usable
     * after the call. For large messages prefer {@link #retrieve(String, OutputStream)}, which streams; for several,
     * {@link #open()}.
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
    public synchronized MimeMessage retrieve(String uidl) throws MessagingException {
        Objects.requireNonNull(uidl, "uidl");
        try (Pop3Session s = open("retrieving " + uidl)) {
            return s.retrieve(uidl);
        }
    }

    /**
     * Retrieves a message (RETR), in a session of its own, and writes it, as RFC 5322 text, to a stream as it
     * arrives: it is never held in memory whole.
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
    public synchronized void retrieve(String uidl, OutputStream out) throws MessagingException, IOException {
        Objects.requireNonNull(uidl, "uidl");
        Objects.requireNonNull(out, "out");
        try (Pop3Session s = open("retrieving " + uidl)) {
            s.retrieve(uidl, out);
        }
    }

    /**
     * Deletes one message, in a session of its own (DELE, committed by QUIT at the end of the call).
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
     * Deletes messages, in a session of its own (DELE each, committed by QUIT at the end of the call). Nothing is ever
     * deleted except by this call or a {@link Pop3Session}.
     *
     * @param uidls the messages' UIDLs
     * @return the UIDLs that were there and were deleted; the others were not found
     * @throws NullPointerException if {@code uidls} or an element is null
     * @throws MessagingException as {@link #list()}
     */
    public synchronized Set<String> delete(Collection<String> uidls) throws MessagingException {
        List<String> wanted = List.copyOf(uidls);
        try (Pop3Session s = open("deleting messages")) {
            return s.delete(wanted);
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
