package org.securemail.core;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.securemail.policy.SecurityMode;

/**
 * Thrown when SecureMail refuses a TLS connection because the server does not meet the
 * {@link org.securemail.policy.TlsPolicy}, or cannot be authenticated under it.
 *
 * <p>The message follows the form {@code <host:port> <rule>: <actual>; <how to fix>}, for example
 * {@code mail.example.com:465 certificate key below the policy minimum: leaf CN=mail.example.com has a 1024-bit RSA
 * key (minimum 2048 bits); the server needs a new certificate}. The provider's own exception, if any, is the cause.
 * It extends {@link SSLHandshakeException}, so code that already catches handshake failures keeps working.
 */
public final class TlsRefusedException extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    private final TlsRefusalReason reason;
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final transient Handshake handshake;
    private final transient List<X509Certificate> peerCertificates;

    /**
     * Creates the exception.
     *
     * @param reason the rule that was broken
     * @param host the host connected to
     * @param port the port connected to
     * @param mode the security mode of the connection
     * @param detail what was found and what to do, appended to {@code "<host>:<port> "}
     * @param handshake what the handshake negotiated so far, or null when nothing was negotiated
     * @param cause the provider's exception, or null
     * @throws NullPointerException if {@code reason}, {@code host}, {@code mode} or {@code detail} is null
     */
    public TlsRefusedException(TlsRefusalReason reason, String host, int port, SecurityMode mode, String detail,
                               Handshake handshake, Throwable cause) {
        this(reason, host, port, mode, detail, handshake, List.of(), cause);
    }

    /**
     * Creates the exception with the certificate chain the server presented.
     *
     * @param reason the rule that was broken
     * @param host the host connected to
     * @param port the port connected to
     * @param mode the security mode of the connection
     * @param detail what was found and what to do, appended to {@code "<host>:<port> "}
     * @param handshake what the handshake negotiated so far, or null when nothing was negotiated
     * @param peerCertificates the chain the server presented, leaf first; empty when none was seen
     * @param cause the provider's exception, or null
     * @throws NullPointerException if {@code reason}, {@code host}, {@code mode}, {@code detail} or
     *     {@code peerCertificates} is null
     */
    public TlsRefusedException(TlsRefusalReason reason, String host, int port, SecurityMode mode, String detail,
                               Handshake handshake, List<X509Certificate> peerCertificates, Throwable cause) {
        super(Objects.requireNonNull(host, "host") + ":" + port + " " + Objects.requireNonNull(detail, "detail")
                + " (mode " + Objects.requireNonNull(mode, "mode") + ")");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.handshake = handshake;
        this.peerCertificates = List.copyOf(peerCertificates);
        if (cause != null) {
            initCause(cause);
        }
    }

    /**
     * Returns the rule that was broken.
     *
     * @return the reason
     */
    public TlsRefusalReason reason() {
        return reason;
    }

    /**
     * Returns the host that was connected to.
     *
     * @return the host name or address, as given by the caller
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port that was connected to.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the security mode of the refused connection.
     *
     * @return the mode
     */
    public SecurityMode mode() {
        return mode;
    }

    /**
     * Returns the certificate chain the server presented, when the handshake got that far; useful to see what an
     * untrusted, expired or misnamed certificate is.
     *
     * @return an unmodifiable list, leaf first; empty when no certificate was seen
     */
    public List<X509Certificate> peerCertificates() {
        return peerCertificates == null ? List.of() : peerCertificates;
    }

    /**
     * Returns what the handshake negotiated before it was refused, when it got that far (a refusal after the
     * handshake, such as a weak certificate found on a resumed session, carries the full handshake).
     *
     * @return the handshake, or empty when the refusal came before the server's choices were known
     */
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }
}
