package org.securemail.core;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;

/**
 * What one TLS handshake negotiated, recorded after it passed every check of the policy: TLS version, cipher suite,
 * key-exchange group, the peer's certificate chain, the host name it was verified for, SNI, resumption, provider and
 * duration.
 *
 * <p>An immutable value. The engine records one per connection; tests (of a {@code MailListener}, say) make their
 * own with {@link #verified} or {@link #unverified} and the {@code with...} methods, each of which returns a copy:
 *
 * <pre>{@code
 * Handshake h = Handshake.verified("mail.example.com", 465, TlsVersion.TLS_1_3, suite, chain, "mail.example.com")
 *         .withKeyExchange("x25519").withResumed(true);
 * }</pre>
 *
 * <p>{@link #toString()} is a one-line summary safe to log: it holds no secret.
 */
public final class Handshake {
    private final String host;
    private final int port;
    private final TlsVersion tlsVersion;
    private final CipherSuite cipherSuite;
    private final String keyExchange;
    private final List<X509Certificate> peerCertificates;
    private final String verifiedHostName;
    private final String authenticationFailure;
    private final String sniHostName;
    private final boolean resumed;
    private final TlsProvider provider;
    private final String providerName;
    private final Duration duration;

    private Handshake(String host, int port, TlsVersion tlsVersion, CipherSuite cipherSuite, String keyExchange,
                      List<X509Certificate> peerCertificates, String verifiedHostName, String authenticationFailure,
                      String sniHostName, boolean resumed, TlsProvider provider, String providerName,
                      Duration duration) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        this.tlsVersion = Objects.requireNonNull(tlsVersion, "tlsVersion");
        this.cipherSuite = Objects.requireNonNull(cipherSuite, "cipherSuite");
        this.keyExchange = keyExchange;
        this.peerCertificates = List.copyOf(peerCertificates);
        this.verifiedHostName = verifiedHostName;
        this.authenticationFailure = authenticationFailure;
        this.sniHostName = sniHostName;
        this.resumed = resumed;
        this.provider = Objects.requireNonNull(provider, "provider");
        this.providerName = Objects.requireNonNull(providerName, "providerName");
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns a handshake in which the server proved {@code verifiedHostName} with a trusted (or pinned) chain. The
     * provider is the JDK's, SNI carries the verified name, the handshake was full and took no measured time until
     * the {@code with...} methods say otherwise.
     *
     * @param host the host connected to, as the caller named it
     * @param port the port connected to
     * @param tlsVersion the negotiated version
     * @param cipherSuite the negotiated suite
     * @param peerCertificates the server's chain, leaf first
     * @param verifiedHostName the name the chain was verified for (normalised: lower case, A-labels, no trailing dot)
     * @return the handshake
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     */
    public static Handshake verified(String host, int port, TlsVersion tlsVersion, CipherSuite cipherSuite,
                                     List<X509Certificate> peerCertificates, String verifiedHostName) {
        Objects.requireNonNull(verifiedHostName, "verifiedHostName");
        return new Handshake(host, port, tlsVersion, cipherSuite, null, peerCertificates, verifiedHostName, null,
                verifiedHostName, false, TlsProvider.JDK, "SunJSSE", Duration.ZERO);
    }

    /**
     * Returns a handshake that completed without authenticating the server, as only
     * {@link org.securemail.policy.SecurityMode#STARTTLS_OPPORTUNISTIC} allows. Defaults as for {@link #verified}.
     *
     * @param host the host connected to, as the caller named it
     * @param port the port connected to
     * @param tlsVersion the negotiated version
     * @param cipherSuite the negotiated suite
     * @param peerCertificates the server's chain, leaf first
     * @param authenticationFailure why the server could not be authenticated
     * @return the handshake
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     */
    public static Handshake unverified(String host, int port, TlsVersion tlsVersion, CipherSuite cipherSuite,
                                       List<X509Certificate> peerCertificates, String authenticationFailure) {
        Objects.requireNonNull(authenticationFailure, "authenticationFailure");
        return new Handshake(host, port, tlsVersion, cipherSuite, null, peerCertificates, null, authenticationFailure,
                host, false, TlsProvider.JDK, "SunJSSE", Duration.ZERO);
    }

    /**
     * Returns a copy with the key-exchange group as the provider names it ({@code "x25519"}, {@code "ffdhe2048"}, or
     * {@code "DH 3072-bit"} for a server-chosen TLS 1.2 group).
     *
     * @param group the group's name, or null when unknown
     * @return the copy
     */
    public Handshake withKeyExchange(String group) {
        return new Handshake(host, port, tlsVersion, cipherSuite, group, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    /**
     * Returns a copy with the name sent in the SNI extension.
     *
     * @param sniHostName the name, or null when none was sent (connecting to an IP address)
     * @return the copy
     */
    public Handshake withSniHostName(String sniHostName) {
        return new Handshake(host, port, tlsVersion, cipherSuite, keyExchange, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    /**
     * Returns a copy that says whether an earlier session was resumed.
     *
     * @param resumed true for an abbreviated handshake
     * @return the copy
     */
    public Handshake withResumed(boolean resumed) {
        return new Handshake(host, port, tlsVersion, cipherSuite, keyExchange, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    /**
     * Returns a copy made by another provider.
     *
     * @param provider the configured provider
     * @param providerName the JSSE provider's name, e.g. {@code "BCJSSE"}
     * @return the copy
     * @throws NullPointerException if an argument is null
     */
    public Handshake withProvider(TlsProvider provider, String providerName) {
        return new Handshake(host, port, tlsVersion, cipherSuite, keyExchange, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    /**
     * Returns a copy with the time the handshake and its checks took.
     *
     * @param duration the time
     * @return the copy
     * @throws NullPointerException if {@code duration} is null
     */
    public Handshake withDuration(Duration duration) {
        return new Handshake(host, port, tlsVersion, cipherSuite, keyExchange, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    /**
     * Returns the host the connection was made to, as the caller named it (before normalisation).
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port the connection was made to.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the negotiated TLS version, always one the policy allows.
     *
     * @return the version
     */
    public TlsVersion tlsVersion() {
        return tlsVersion;
    }

    /**
     * Returns the negotiated cipher suite, always one the policy allows.
     *
     * @return the suite
     */
    public CipherSuite cipherSuite() {
        return cipherSuite;
    }

    /**
     * Returns the key-exchange group when it is one of the named groups (RFC 8446 section 4.2.7) and the provider let
     * it be observed. The JDK provider reports it for every full handshake; Bouncy Castle does not expose it; a
     * server-chosen TLS 1.2 DH group has no name (see {@link #keyExchange()}).
     *
     * @return the group, or empty when unknown or unnamed
     */
    public Optional<NamedGroup> namedGroup() {
        if (keyExchange == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(NamedGroup.ofTlsName(keyExchange));
        } catch (IllegalArgumentException unnamed) {
            return Optional.empty();
        }
    }

    /**
     * Returns the key exchange as the provider described it: a named group's TLS name ({@code "x25519"}) or, for a
     * server-chosen TLS 1.2 DH group, its size ({@code "DH 3072-bit"}).
     *
     * @return the description, or empty when the provider did not expose it
     */
    public Optional<String> keyExchange() {
        return Optional.ofNullable(keyExchange);
    }

    /**
     * Returns the certificate chain the server presented, leaf first.
     *
     * @return an unmodifiable list
     */
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    /**
     * Tells whether the server was authenticated: its chain is trusted (or pinned) and names the host. Only a
     * {@link org.securemail.policy.SecurityMode#STARTTLS_OPPORTUNISTIC} connection can complete without it.
     *
     * @return true when authenticated
     */
    public boolean isAuthenticated() {
        return verifiedHostName != null;
    }

    /**
     * Returns the host name the certificate was verified for (the connected host, normalised: lower case, A-labels,
     * no trailing dot).
     *
     * @return the verified name, or empty for an unauthenticated opportunistic connection
     */
    public Optional<String> verifiedHostName() {
        return Optional.ofNullable(verifiedHostName);
    }

    /**
     * Returns why the server could not be authenticated, for an unauthenticated opportunistic connection.
     *
     * @return the reason, or empty when authenticated
     */
    public Optional<String> authenticationFailure() {
        return Optional.ofNullable(authenticationFailure);
    }

    /**
     * Returns the server name sent in the SNI extension.
     *
     * @return the name, or empty when connecting to an IP address (SNI carries names only)
     */
    public Optional<String> sniHostName() {
        return Optional.ofNullable(sniHostName);
    }

    /**
     * Tells whether the handshake resumed an earlier session: no certificate was exchanged, and the stored chain was
     * bound again to this connection's host and pins.
     *
     * @return true when resumed
     */
    public boolean isResumed() {
        return resumed;
    }

    /**
     * Returns the provider the policy configured.
     *
     * @return the provider
     */
    public TlsProvider provider() {
        return provider;
    }

    /**
     * Returns the name of the JSSE provider that performed the handshake, e.g. {@code "SunJSSE"} or {@code "BCJSSE"}.
     *
     * @return the provider name
     */
    public String providerName() {
        return providerName;
    }

    /**
     * Returns how long the handshake took, the checks after it included.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Handshake)) {
            return false;
        }
        Handshake h = (Handshake) o;
        return port == h.port && resumed == h.resumed && host.equals(h.host) && tlsVersion == h.tlsVersion
                && cipherSuite.equals(h.cipherSuite) && Objects.equals(keyExchange, h.keyExchange)
                && peerCertificates.equals(h.peerCertificates) && Objects.equals(verifiedHostName, h.verifiedHostName)
                && Objects.equals(authenticationFailure, h.authenticationFailure)
                && Objects.equals(sniHostName, h.sniHostName) && provider == h.provider
                && providerName.equals(h.providerName) && duration.equals(h.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, tlsVersion, cipherSuite, keyExchange, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(host).append(':').append(port).append(' ').append(tlsVersion.protocolName()).append(' ')
                .append(cipherSuite.name());
        sb.append(" group=").append(keyExchange == null ? "unknown" : keyExchange);
        if (!peerCertificates.isEmpty()) {
            sb.append(" peer=\"").append(peerCertificates.get(0).getSubjectX500Principal().getName()).append('"');
        }
        if (verifiedHostName != null) {
            sb.append(" verified=").append(verifiedHostName);
        } else {
            sb.append(" UNAUTHENTICATED (").append(authenticationFailure).append(')');
        }
        sb.append(" sni=").append(sniHostName == null ? "none" : sniHostName);
        sb.append(resumed ? " resumed" : " full");
        sb.append(" provider=").append(providerName);
        sb.append(' ').append(duration.toMillis()).append(" ms");
        return sb.toString();
    }
}
