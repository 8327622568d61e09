package org.securemail.transport;

import jakarta.mail.Session;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;

/**
 * What the builders of {@link SmtpSender}, {@link ImapFetcher} and {@link Pop3Fetcher} share: where to connect, how
 * to protect the connection, with which credentials and timeouts. Each setter checks its argument at once and the last
 * call wins; {@code build()} and {@link #buildSession()} check the combination and leave the builder unchanged. Each
 * concrete builder documents its protocol's defaults (mode and port).
 *
 * @param <B> the concrete builder
 */
public abstract class MailClientBuilder<B extends MailClientBuilder<B>> {
    final ClientSettings.Builder settings;

    MailClientBuilder(ClientSettings.Builder settings) {
        this.settings = settings;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets the security mode: {@link SecurityMode#IMPLICIT_TLS}, {@link SecurityMode#STARTTLS_REQUIRED}, or (SMTP
     * relaying only, never with credentials) {@link SecurityMode#STARTTLS_OPPORTUNISTIC}. The port follows the mode
     * unless {@link #port(int)} sets it ({@link MailProtocol#defaultPort(SecurityMode)}).
     *
     * @param mode the mode
     * @return this builder
     * @throws NullPointerException if {@code mode} is null
     * @throws IllegalArgumentException for {@link SecurityMode#INSECURE_CLEARTEXT} (use
     *     {@link #insecureCleartextForLocalDevelopment()}), or {@link SecurityMode#STARTTLS_OPPORTUNISTIC} for IMAP
     *     and POP3
     */
    public B mode(SecurityMode mode) {
        settings.mode(mode);
        return self();
    }

    /**
     * Connects without any TLS, to a development server on this machine (Mailpit, MailHog, GreenMail, a test
     * container). Every connection is refused unless the host resolves to a loopback address (127.0.0.0/8, ::1),
     * checked when connecting. SMTP sends no credentials in this mode; IMAP and POP3 log in in cleartext, to this
     * machine only. Building logs a WARN.
     *
     * @return this builder
     */
    public B insecureCleartextForLocalDevelopment() {
        settings.insecureCleartext();
        return self();
    }

    /**
     * Sets the port; by default the protocol's port for the mode ({@link MailProtocol#defaultPort(SecurityMode)}).
     *
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public B port(int port) {
        settings.port(port);
        return self();
    }

    /**
     * Sets the credentials, sent only inside TLS that met the policy and authenticated the server, to this host.
     *
     * @param credentials a password or an OAuth 2.0 token supplier
     * @return this builder
     * @throws NullPointerException if {@code credentials} is null
     */
    public B credentials(Credentials credentials) {
        settings.credentials(credentials);
        return self();
    }

    /**
     * Sets the TLS policy; {@link TlsPolicy#MODERN} by default.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public B policy(TlsPolicy policy) {
        settings.policy(policy);
        return self();
    }

    /**
     * Uses a TLS engine (its SSLContext cache, and so its TLS sessions) other than {@link TlsEngine#shared()}, which
     * every client uses by default. Give a client its own {@link TlsEngine#create()} to keep its TLS sessions apart
     * from the rest of the application's.
     *
     * @param engine the engine
     * @return this builder
     * @throws NullPointerException if {@code engine} is null
     */
    public B tlsEngine(TlsEngine engine) {
        settings.engine(engine);
        return self();
    }

    /**
     * Sets the timeouts; {@link Timeouts#DEFAULT} by default.
     *
     * @param timeouts the timeouts
     * @return this builder
     * @throws NullPointerException if {@code timeouts} is null
     */
    public B timeouts(Timeouts timeouts) {
        settings.timeouts(timeouts);
        return self();
    }

    /**
     * Adds a Jakarta Mail property that does not touch security: MIME formatting ({@code mail.mime.*}) and protocol
     * options (for SMTP {@code mail.smtp.dsn.notify}, {@code dsn.ret}, {@code from}; for IMAP
     * {@code mail.imap.fetchsize}, {@code peek}, ...). Properties that could weaken the connection (trust, protocols,
     * suites, socket factories, fallback, provider classes, STARTTLS, authentication, timeouts) are refused with a
     * message naming what to use instead (see docs/migrating-from-jakarta-mail-properties.md).
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the property is not accepted
     */
    public B property(String key, String value) {
        settings.property(key, value);
        return self();
    }

    /**
     * Connects to this address instead of the one the host name resolves to, as {@code curl --resolve} does: for a
     * server whose address was found another way (an MX host looked up with DNSSEC, a name the local resolver does not
     * know). Everything else still uses the host name given to the builder: the certificate must be valid for it,
     * it is the TLS server name (SNI), and it names the server in reports and errors. The insecure local mode still
     * connects only to a loopback address.
     *
     * @param address the address to connect to
     * @return this builder
     * @throws NullPointerException if {@code address} is null
     */
    public B connectTo(java.net.InetAddress address) {
        settings.connectTo(address);
        return self();
    }

    /**
     * Adds a listener that hears this client's connections, deliveries, refusals and failures, and those of the
     * drop-in sessions built here; may be called more than once, listeners are called in the order they were added.
     * A listener that throws is logged and never changes the outcome (see {@link MailListener}).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public B listener(MailListener listener) {
        settings.listener(listener);
        return self();
    }

    /**
     * Builds a drop-in Jakarta Mail session with these settings, for code that uses {@code Transport} or
     * {@code Store} directly, or a framework that takes a {@code Session}: its providers enforce the same policy,
     * mode, timeouts and checks. The client's own {@code session()} gives the same kind of session.
     *
     * @return the session
     * @throws IllegalStateException if the settings do not go together (see {@code build()})
     */
    public Session buildSession() {
        return SessionFactory.session(settings.build());
    }
}
