package org.securemail.transport;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.HardenedSmtpTransport;
import org.securemail.transport.internal.MailWiring;
import org.securemail.transport.internal.MailProperties;
import org.securemail.transport.internal.CapturedMessage;
import org.securemail.transport.internal.Envelope;
import org.securemail.transport.internal.MessageCapture;
import org.securemail.transport.internal.SmtpOutcome;
import org.securemail.transport.internal.TransportPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends mail over SMTP so that the credentials and the message travel only inside TLS that meets the policy (or, in
 * opportunistic relay mode, in cleartext only when the server offers no STARTTLS). Create one with
 * {@link SecureMail#smtp(String)}; share it: it is thread-safe and keeps a small pool of open connections.
 *
 * <pre>{@code
 * try (SmtpSender sender = SecureMail.smtp("smtp.example.com")
 *         .credentials(Credentials.password("app@example.com", password))
 *         .build()) {
 *     DeliveryReport report = sender.send(message);
 * }
 * }</pre>
 *
 * <p>{@link #send(MimeMessage)} returns only after the server's 250 reply to the end of the message. Failures are
 * typed: {@link MailSecurityException} (refused for security; nothing was sent outside TLS),
 * {@link TransientDeliveryException} (retry later), {@link PermanentDeliveryException} (do not retry as is),
 * {@link AmbiguousDeliveryException} (the server may or may not have the message), {@link InvalidMessageException}
 * (nothing was sent), {@link CredentialsRejectedException}.
 */
public final class SmtpSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport.smtp");

    /** A pooled connection idle longer than this is checked with NOOP before it carries a message. */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(5);

    private final ClientSettings spec;
    private final int maxConnections;
    private final Duration idleTimeout;
    /** The session behind the pool's connections, shared with senders of equal settings; never handed out. */
    private final Session transportSession;
    private final MailWiring wiring;
    private volatile Session session;
    private final TransportPool<HardenedSmtpTransport> pool;
    private final Listeners listeners;

    private SmtpSender(ClientSettings spec, int maxConnections, Duration idleTimeout) {
        this.spec = spec;
        this.listeners = new Listeners(spec.listeners());
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.wiring = SessionFactory.smtpWiring(spec);
        this.transportSession = SessionFactory.sharedSmtp(spec, wiring);
        Duration borrowTimeout = spec.timeouts().connect().plus(spec.timeouts().read());
        this.pool = new TransportPool<>(new TransportPool.Connections<>() {
            @Override
            public HardenedSmtpTransport open() throws MessagingException {
                HardenedSmtpTransport t = new HardenedSmtpTransport(transportSession, wiring);
                t.connect();
                return t;
            }

            @Override
            public boolean healthy(HardenedSmtpTransport t, boolean thorough) {
                // isConnected() sends NOOP and waits for the reply: a round trip, so only after a long idle.
                return thorough ? t.isConnected() : t.isOpen();
            }

            @Override
            public void close(HardenedSmtpTransport t) {
                try {
                    t.close();
                } catch (MessagingException ignored) {
                    // closing a connection we no longer use
                }
            }
        }, maxConnections, idleTimeout, CHECK_AFTER_IDLE, borrowTimeout);
    }

    /**
     * Starts building a sender for a server.
     *
     * @param host the SMTP server's host name (verified against its certificate) or address
     * @return a builder
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or contains whitespace
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * Returns a builder with this sender's settings, to build another that differs in some of them.
     *
     * @return a new builder
     */
    public Builder newBuilder() {
        return new Builder(spec, maxConnections, idleTimeout);
    }

    /**
     * Sends a message to all its recipients (To, Cc and Bcc; Bcc is never transmitted as a header).
     *
     * <p>The message is checked before anything is sent (see {@link InvalidMessageException}) and serialized once;
     * its {@code saveChanges()} is called, as {@code Transport.send} does. A connection that broke while idle is
     * replaced and the message sent on a new one, but a message is never sent twice. The message may come from any
     * session: only its MIME options ({@code mail.mime.*}) are read from it; envelope options such as
     * {@code mail.smtp.from} come from this sender's settings.
     *
     * @param message the message
     * @return the report, after the server's 250 reply to the end of the message; recipients the server rejected are
     *     listed in it when at least one was accepted
     * @throws NullPointerException if {@code message} is null
     * @throws IllegalStateException if the sender is closed
     * @throws InvalidMessageException if the message could smuggle content or lacks a sender or recipient
     * @throws MailSecurityException if the connection could not be protected as the mode promises
     * @throws TransientDeliveryException if the server or network failed in a way that may pass
     * @throws PermanentDeliveryException if the server refused the message, sender or every recipient
     * @throws AmbiguousDeliveryException if the connection was lost after the whole message was sent
     * @throws CredentialsRejectedException if the server rejected the credentials
     * @throws MessagingException for other failures
     */
    public DeliveryReport send(MimeMessage message) throws MessagingException {
        return send(message, new DeliveryOption[0]);
    }

    /**
     * Sends a message as {@link #send(MimeMessage)} does, with options for this message:
     * {@link DeliveryOption#REQUIRE_TLS} sends it only over authenticated TLS to a server that offers REQUIRETLS
     * (RFC 8689), with the REQUIRETLS parameter.
     *
     * @param message the message
     * @param options the options
     * @return the report
     * @throws NullPointerException if {@code message}, {@code options} or an option is null
     * @throws PermanentDeliveryException with {@link DeliveryOption#REQUIRE_TLS}, when the connection is not
     *     authenticated TLS or the server does not offer REQUIRETLS (nothing of the message was sent); and as
     *     {@link #send(MimeMessage)}
     * @throws MessagingException as {@link #send(MimeMessage)}
     */
    public DeliveryReport send(MimeMessage message, DeliveryOption... options) throws MessagingException {
        Objects.requireNonNull(message, "message");
        boolean requireTls = requireTls(options);
        message.saveChanges();
        Address[] recipients;
        try {
            recipients = message.getAllRecipients();
        } catch (AddressException e) {
            throw new InvalidMessageException("message has a recipient header that is not a valid address list: "
                    + e.getMessage() + "; set recipients with setRecipients(type, InternetAddress.parse(...))");
        }
        return send(message, recipients, requireTls);
    }

    /**
     * Sends a message to the given envelope recipients only, as {@code Transport.sendMessage(message, addresses)}
     * does: its To and Cc headers are sent as they are (Bcc never), and only these addresses get RCPT TO. For a
     * relay that delivers each recipient domain's share to its own server, or a resend to the recipients that failed.
     * Like {@code sendMessage}, it does not call {@code saveChanges()}, so the message keeps its Message-ID across
     * sends; a message never saved is saved once, by Jakarta Mail, as it is written.
     *
     * @param message the message
     * @param recipients the envelope recipients, not empty
     * @param options the options (see {@link #send(MimeMessage, DeliveryOption...)})
     * @return the report
     * @throws NullPointerException if an argument or an element is null
     * @throws InvalidMessageException if {@code recipients} is empty or holds an invalid address (nothing sent)
     * @throws MessagingException as {@link #send(MimeMessage, DeliveryOption...)}
     */
    public DeliveryReport send(MimeMessage message, java.util.Collection<? extends Address> recipients,
            DeliveryOption... options) throws MessagingException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(recipients, "recipients");
        boolean requireTls = requireTls(options);
        Address[] addresses = recipients.toArray(new Address[0]);
        for (Address a : addresses) {
            Objects.requireNonNull(a, "recipient");
        }
        return send(message, addresses, requireTls);
    }

    private static boolean requireTls(DeliveryOption[] options) {
        boolean requireTls = false;
        for (DeliveryOption o : Objects.requireNonNull(options, "options")) {
            requireTls |= Objects.requireNonNull(o, "option") == DeliveryOption.REQUIRE_TLS;
        }
        return requireTls;
    }

    private DeliveryReport send(MimeMessage message, Address[] recipients, boolean requireTls)
            throws MessagingException {
        Envelope envelope = Envelope.of(message, recipients, transportSession);
        if (requireTls) {
            envelope = envelope.withRequireTls();
        }
        try (CapturedMessage captured = MessageCapture.capture(message)) {
            for (int attempt = 0; ; attempt++) {
                TransportPool.Lease<HardenedSmtpTransport> lease = pool.borrow();
                HardenedSmtpTransport t = lease.connection();
                long start = System.nanoTime();
                SmtpOutcome outcome;
                try {
                    outcome = t.deliver(captured, envelope);
                } catch (MessagingException e) {
                    pool.release(lease, !t.isBroken() && answeredByServer(e));
                    if (attempt == 0 && lease.reused() && t.isBroken() && !t.finalDotSent()
                            && !(e instanceof MailSecurityException)) {
                        LOG.info("SMTP {}:{} pooled connection broke before the message was complete ({}); sending on"
                                + " a new connection", spec.host(), spec.port(), e.getMessage());
                        continue;
                    }
                    listeners.failed(e);
                    throw e;
                }
                // The report reads the transport's state: give the connection back only afterwards.
                DeliveryReport report = report(t, lease, outcome, captured, start);
                pool.release(lease, true);
                listeners.delivered(report);
                return report;
            }
        }
    }

    /** Whether a failure was the server's answer (after which RSET left the connection usable), or nothing was sent. */
    private static boolean answeredByServer(MessagingException e) {
        return e instanceof InvalidMessageException || (e instanceof DeliveryException
                && !(e instanceof AmbiguousDeliveryException) && ((DeliveryException) e).replyCode() > 0);
    }

    private DeliveryReport report(HardenedSmtpTransport t, TransportPool.Lease<HardenedSmtpTransport> lease,
                                  SmtpOutcome outcome, CapturedMessage captured, long start) {
        Map<InternetAddress, String> rejected = new LinkedHashMap<>();
        outcome.rejected().forEach((a, r) -> rejected.put(a, r.reply()));
        DeliveryReport report = new DeliveryReport(t.connection().orElseThrow().endpoint(), outcome.accepted(),
                rejected, outcome.finalReply(), captured.messageId(), lease.reused(),
                lease.connectDuration(), Duration.ofNanos(System.nanoTime() - start));
        LOG.debug("SMTP delivered: {}", report);
        return report;
    }

    /**
     * Returns a Jakarta Mail session with the same settings, for code that sends with {@code Transport.send(msg)} or
     * frameworks that take a Session (Spring's {@code JavaMailSenderImpl.setSession}). Its transports enforce the
     * same policy, mode, timeouts and message checks, without pooling. Messages must be created with this session
     * ({@code new MimeMessage(session)}) for {@code Transport.send} to use it. The session is this sender's own,
     * built on the first call: the sender's pooled connections do not use it, so nothing done to it changes them.
     *
     * @return the session
     */
    public Session session() {
        Session s = session;
        if (s == null) {
            synchronized (this) {
                s = session;
                if (s == null) {
                    s = SessionFactory.session(spec);
                    session = s;
                }
            }
        }
        return s;
    }

    /** Closes the idle pooled connections; connections in use are closed when their send completes. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "SmtpSender{" + spec + "}";
    }

    /**
     * Builds an {@link SmtpSender} or a drop-in {@link Session} (see {@link MailClientBuilder} for the settings all
     * clients share). SMTP's defaults: {@link SecurityMode#STARTTLS_REQUIRED} on port 587 (submission); 465 with
     * {@link SecurityMode#IMPLICIT_TLS}; 25 with {@link SecurityMode#STARTTLS_OPPORTUNISTIC} (relaying between mail
     * servers, never with credentials) and with {@link #insecureCleartextForLocalDevelopment()} (a development relay,
     * never with credentials); credentials are optional.
     */
    public static final class Builder extends MailClientBuilder<Builder> {
        private int maxConnections = 4;
        private Duration idleTimeout = Duration.ofSeconds(60);

        private Builder(String host) {
            super(ClientSettings.builder(MailProtocol.SMTP, host));
        }

        private Builder(ClientSettings settings, int maxConnections, Duration idleTimeout) {
            super(settings.toBuilder());
            this.maxConnections = maxConnections;
            this.idleTimeout = idleTimeout;
        }

        /**
         * Sets how many connections the sender keeps open at most (4 by default); a send waits for a free one when all
         * are in use.
         *
         * @param maxConnections 1 to 100
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1 || maxConnections > 100) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 100: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets how long an unused connection stays open (60 seconds by default). Servers close idle connections
         * themselves after a few minutes; a connection idle for more than a second is checked with NOOP before it is
         * reused.
         *
         * @param idleTimeout a positive duration
         * @return this builder
         * @throws NullPointerException if {@code idleTimeout} is null
         * @throws IllegalArgumentException if not positive
         */
        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isZero() || idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets the name this client gives in EHLO; by default the address literal of its end of the connection, e.g.
         * {@code [192.0.2.10]} (no DNS lookup).
         *
         * @param heloName a host name
         * @return this builder
         * @throws NullPointerException if {@code heloName} is null
         * @throws IllegalArgumentException if it is empty or contains whitespace or control characters
         */
        public Builder heloName(String heloName) {
            settings.heloName(heloName);
            return this;
        }

        /**
         * Builds the sender.
         *
         * @return the sender
         * @throws IllegalStateException if credentials are set in a mode that never sends them (opportunistic or
         *     insecure cleartext), or insecure cleartext is asked for an address that is not this machine's
         */
        public SmtpSender build() {
            return new SmtpSender(settings.build(), maxConnections, idleTimeout);
        }

        @Override
        public String toString() {
            return "SmtpSender.Builder";
        }
    }
}
