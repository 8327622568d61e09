package org.securemail.transport.internal;

import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.securemail.core.Handshake;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.policy.SecurityMode;

/**
 * What SecureMail knows of one mail connection while Jakarta Mail opens it: its guarded plain socket, its TLS socket
 * and handshake. Bound to the connecting thread by {@link MailWiring#open}, so that the socket factories Jakarta Mail
 * calls can find the connection they serve.
 */
public final class ConnectionContext {
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private volatile GuardedSocket guard;
    private volatile SSLSocket tls;
    private volatile long connectStartNanos = System.nanoTime();

    ConnectionContext(String host, int port, SecurityMode mode) {
        this.host = host;
        this.port = port;
        this.mode = mode;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the mode */
    public SecurityMode mode() {
        return mode;
    }

    void guard(GuardedSocket g) {
        this.guard = g;
    }

    GuardedSocket guard() {
        return guard;
    }

    void tls(SSLSocket socket) {
        this.tls = socket;
    }

    SSLSocket tlsSocket() {
        return tls;
    }

    /** @return whether TLS is up and its handshake passed every check */
    public boolean isTlsVerified() {
        return handshake().isPresent();
    }

    /** @return the handshake, once TLS is up and verified */
    public Optional<Handshake> handshake() {
        SSLSocket s = tls;
        return s instanceof PolicyEnforcedSocket ? ((PolicyEnforcedSocket) s).handshake() : Optional.empty();
    }

    /** @return whether the server announced STARTTLS in cleartext */
    public boolean startTlsAnnounced() {
        GuardedSocket g = guard;
        return g != null && g.startTlsAnnounced();
    }

    /** @return what the server said in cleartext (its greeting and capabilities) */
    public List<String> cleartextReplies() {
        GuardedSocket g = guard;
        return g == null ? List.of() : g.cleartextReplies();
    }

    /** @return the local address literal of the connection, e.g. {@code [127.0.0.1]}, for EHLO */
    public Optional<String> localAddressLiteral() {
        java.net.Socket s = guard;
        if (s == null) {
            s = tls;
        }
        if (s == null || s.getLocalAddress() == null) {
            return Optional.empty();
        }
        java.net.InetAddress a = s.getLocalAddress();
        return Optional.of(a instanceof java.net.Inet6Address ? "[IPv6:" + a.getHostAddress().replaceAll("%.*$", "")
                + "]" : "[" + a.getHostAddress() + "]");
    }

    void restartClock() {
        connectStartNanos = System.nanoTime();
    }

    /** @return nanoseconds since the connection attempt began */
    public long elapsedNanos() {
        return System.nanoTime() - connectStartNanos;
    }
}
