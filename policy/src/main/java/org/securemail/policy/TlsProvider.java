package org.securemail.policy;

/**
 * The JSSE implementation that performs the TLS handshakes of a {@link TlsPolicy}.
 *
 * <p>Whichever is chosen, SecureMail applies the same rules and re-checks every handshake itself. The provider is
 * used by instance: it is never registered with {@code java.security.Security}.
 */
public enum TlsProvider {
    /** The JDK's own provider (SunJSSE). */
    JDK,
    /**
     * Bouncy Castle JSSE ({@code org.bouncycastle:bctls-jdk18on}, with bcprov and bcutil), which must be on the class
     * path or module path. Client-side TLS 1.3 session resumption is not available with it.
     */
    BOUNCY_CASTLE
}
