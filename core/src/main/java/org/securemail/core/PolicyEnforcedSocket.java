package org.securemail.core;

import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.securemail.policy.SecurityMode;

/**
 * A TLS socket made by a {@link TlsConnector}: its handshake runs under the policy, is re-checked once it completes,
 * and is recorded.
 *
 * <p>{@link TlsConnector#connect} and {@link TlsConnector#layer} return this type, and every socket made by
 * {@link TlsConnector#socketFactory(SecurityMode)} is one, so the handshake is one call away:
 * {@code connector.connect(...).handshake()}. It is an {@link SSLSocket} and can be used wherever one is expected.
 * Only SecureMail makes these sockets.
 */
public abstract class PolicyEnforcedSocket extends SSLSocket {
    /** For SecureMail's own socket; not meant to be subclassed elsewhere. */
    protected PolicyEnforcedSocket() {
    }

    /**
     * Returns what the handshake negotiated, once it has completed and passed every check.
     *
     * @return the handshake, or empty before the handshake has completed
     */
    public abstract Optional<Handshake> handshake();

    /**
     * Returns the security mode this socket was made for.
     *
     * @return the mode
     */
    public abstract SecurityMode mode();
}
