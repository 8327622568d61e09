package org.securemail.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.securemail.core.internal.PolicyContext;
import org.securemail.core.internal.PolicySocketFactory;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsVersion;

/**
 * Makes TLS connections that obey one {@link TlsPolicy}. Obtain one from {@link TlsEngine#connector(TlsPolicy)}.
 *
 * <p>Every socket it makes sets protocols, suites, groups, signature schemes and SNI explicitly from the policy, checks
 * the server's chain and host name during the handshake, re-checks what was negotiated after it, records a
 * {@link Handshake}, and refuses with a {@link TlsRefusedException} naming the rule and the actual value. Nothing falls
 * back to anything weaker, and no JVM-wide setting is read or changed: the JVM's own settings can only add
 * restrictions.
 *
 * <p>Thread-safe. The {@code SSLContext} behind it is created once, so TLS sessions are cached (and resumed) per
 * connector.
 */
public final class TlsConnector {
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final PolicyContext context;

    TlsConnector(TlsPolicy policy) {
        this.context = new PolicyContext(policy);
    }

    private TlsConnector(PolicyContext context) {
        this.context = context;
    }

    /**
     * Returns a connector that offers only some of this policy's versions and cipher suites, for diagnostics such as
     * finding which allowed versions and suites a server accepts. It shares this connector's SSLContext, trust and
     * checks; it can never offer anything the policy forbids.
     *
     * @param versions the versions to offer, each allowed by the policy
     * @param cipherSuites the suites to offer, each allowed by the policy (suites the provider lacks are dropped)
     * @return the restricted connector
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a version or suite is outside the policy, or nothing usable is left
     */
    public TlsConnector restrictedTo(Collection<TlsVersion> versions, Collection<CipherSuite> cipherSuites) {
        Objects.requireNonNull(versions, "versions");
        Objects.requireNonNull(cipherSuites, "cipherSuites");
        return new TlsConnector(context.narrowed(versions, cipherSuites));
    }

    /**
     * Returns the policy this connector enforces.
     *
     * @return the policy
     */
    public TlsPolicy policy() {
        return context.policy();
    }

    /**
     * Returns a socket factory whose sockets enforce the policy in the given mode. Its
     * {@code createSocket(Socket, host, port, autoClose)} layers TLS over a connected socket (implicit TLS or
     * STARTTLS); the {@code createSocket(host, port)} variants connect with a 30-second connect timeout.
     *
     * @param mode {@link SecurityMode#IMPLICIT_TLS}, {@link SecurityMode#STARTTLS_REQUIRED} or
     *     {@link SecurityMode#STARTTLS_OPPORTUNISTIC} (which accepts, and records, a server it cannot authenticate)
     * @return the factory; its sockets implement {@link PolicyEnforcedSocket}
     * @throws NullPointerException if {@code mode} is null
     * @throws IllegalArgumentException if {@code mode} is {@link SecurityMode#INSECURE_CLEARTEXT}
     */
    public SSLSocketFactory socketFactory(SecurityMode mode) {
        return new PolicySocketFactory(context, checkMode(mode), DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * Layers TLS over a connected socket (for STARTTLS). The handshake runs on the first use of the returned socket,
     * or when {@link SSLSocket#startHandshake()} is called; closing the returned socket closes {@code connected}.
     *
     * @param connected a connected plain socket
     * @param host the host name the server must prove (and SNI carries)
     * @param port the port connected to, for messages
     * @param mode the security mode
     * @return the TLS socket, its handshake available from {@link PolicyEnforcedSocket#handshake()} once done
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code mode} is {@link SecurityMode#INSECURE_CLEARTEXT}
     * @throws IOException if the provider cannot create the socket
     */
    public PolicyEnforcedSocket layer(Socket connected, String host, int port, SecurityMode mode) throws IOException {
        return layer(connected, host, port, mode, PlaintextFilter.NONE);
    }

    /**
     * Layers TLS over a connected socket (for STARTTLS, or implicit TLS over a socket connected elsewhere), passing
     * its plaintext streams through a filter once the handshake has passed every check. Otherwise as
     * {@link #layer(Socket, String, int, SecurityMode)}.
     *
     * @param connected a connected plain socket
     * @param host the host name the server must prove (and SNI carries)
     * @param port the port connected to, for messages
     * @param mode the security mode
     * @param filter sees the decrypted streams; {@link PlaintextFilter#NONE} for none
     * @return the TLS socket, its handshake available from {@link PolicyEnforcedSocket#handshake()} once done
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code mode} is {@link SecurityMode#INSECURE_CLEARTEXT}
     * @throws IOException if the provider cannot create the socket
     */
    public PolicyEnforcedSocket layer(Socket connected, String host, int port, SecurityMode mode, PlaintextFilter filter)
            throws IOException {
        Objects.requireNonNull(connected, "connected");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(filter, "filter");
        return context.layer(connected, host, port, true, checkMode(mode), filter);
    }

    /**
     * Connects with implicit TLS and completes the handshake.
     *
     * @param host the host to connect to and verify
     * @param port the port
     * @param mode the security mode, usually {@link SecurityMode#IMPLICIT_TLS}
     * @param connectTimeout how long to wait for the TCP connection
     * @param readTimeout how long any read, the handshake's included, may wait
     * @return the connected TLS socket, its handshake recorded
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code mode} is {@link SecurityMode#INSECURE_CLEARTEXT} or a timeout is not
     *     positive
     * @throws TlsRefusedException if the server does not meet the policy
     * @throws IOException if the connection fails or times out
     */
    public PolicyEnforcedSocket connect(String host, int port, SecurityMode mode, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        Objects.requireNonNull(host, "host");
        checkMode(mode);
        int connectMillis = positiveMillis(connectTimeout, "connectTimeout");
        int readMillis = positiveMillis(readTimeout, "readTimeout");
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), connectMillis);
            plain.setSoTimeout(readMillis);
            PolicyEnforcedSocket tls = context.layer(plain, host, port, true, mode);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static int positiveMillis(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        // Sockets take whole milliseconds and read 0 as "no limit": round up, never down to 0.
        if (d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, d.toMillis());
    }

    private static SecurityMode checkMode(SecurityMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (mode == SecurityMode.INSECURE_CLEARTEXT) {
            throw new IllegalArgumentException("mode INSECURE_CLEARTEXT has no TLS; choose IMPLICIT_TLS,"
                    + " STARTTLS_REQUIRED or STARTTLS_OPPORTUNISTIC");
        }
        return mode;
    }

    @Override
    public String toString() {
        return "TlsConnector{" + context.policy() + "}";
    }
}
