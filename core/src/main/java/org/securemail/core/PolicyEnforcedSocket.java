package org.securemail.core;

import java.util.Optional;
import org.securemail.policy.SecurityMode;

/**
 * A TLS socket made by a {@link TlsConnector}: its handshake runs under the policy, is re-checked once it completes,
 * and is recorded.
 *
 * <p>Sockets returned by {@link TlsConnector#socketFactory(SecurityMode)} and {@link TlsConnector#connect} implement
 * this interface.
 */
public interface PolicyEnforcedSocket {
    /**
     * Returns what the handshake negotiated, once it has completed and passed every check.
     *
     * @return the handshake, or empty before the handshake has completed
     */
    Optional<Handshake> handshake();

    /**
     * Returns the security mode this socket was made for.
     *
     * @return the mode
     */
    SecurityMode mode();
}
