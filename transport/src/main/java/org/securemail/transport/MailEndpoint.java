package org.securemail.transport;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;

/**
 * Where a mail connection went and how it was protected: protocol, host, port, security mode, and the TLS handshake
 * when one completed. Every SecureMail failure and every {@link DeliveryReport} carries one.
 *
 * <p>Immutable. {@link #toString()} reads {@code SMTP mail.example.com:587 STARTTLS_REQUIRED TLSv1.3}.
 */
public final class MailEndpoint {
    private final MailProtocol protocol;
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final Handshake handshake;

    private MailEndpoint(MailProtocol protocol, String host, int port, SecurityMode mode, Handshake handshake) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.handshake = handshake;
    }

    /**
     * Returns an endpoint without a handshake.
     *
     * @param protocol the protocol
     * @param host the host as the client named it
     * @param port the port
     * @param mode the security mode
     * @return the endpoint
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the port is not 0 to 65535
     */
    public static MailEndpoint of(MailProtocol protocol, String host, int port, SecurityMode mode) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        return new MailEndpoint(protocol, host, port, mode, null);
    }

    /**
     * Returns this endpoint with the handshake of its connection.
     *
     * @param handshake the handshake, or null for none
     * @return the endpoint
     */
    public MailEndpoint withHandshake(Handshake handshake) {
        return new MailEndpoint(protocol, host, port, mode, handshake);
    }

    /**
     * Returns the protocol.
     *
     * @return the protocol
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * Returns the host as the client named it (the name its certificate is verified against).
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the security mode the connection was made in.
     *
     * @return the mode
     */
    public SecurityMode mode() {
        return mode;
    }

    /**
     * Returns what the TLS handshake negotiated, when one completed and passed every check.
     *
     * @return the handshake, or empty (no TLS, or it did not complete)
     */
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }

    /**
     * Tells whether the connection was encrypted: a handshake completed.
     *
     * @return whether TLS protected the connection
     */
    public boolean isEncrypted() {
        return handshake != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MailEndpoint)) {
            return false;
        }
        MailEndpoint e = (MailEndpoint) o;
        return protocol == e.protocol && host.equalsIgnoreCase(e.host) && port == e.port && mode == e.mode
                && Objects.equals(handshake, e.handshake);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, host.toLowerCase(Locale.ROOT), port, mode, handshake);
    }

    @Override
    public String toString() {
        return protocol + " " + host + ":" + port + " " + mode + (handshake == null ? ""
                : " " + handshake.tlsVersion().protocolName() + " " + handshake.cipherSuite().name()
                + (handshake.isAuthenticated() ? "" : " UNAUTHENTICATED"));
    }
}
