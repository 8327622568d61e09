package org.securemail.core;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;

/**
 * What one TLS handshake negotiated, recorded after it passed every check of the policy: protocol, cipher suite,
 * key-exchange group, the peer's certificate chain, the host name it was verified for, SNI, resumption, provider and
 * duration.
 *
 * <p>Instances are immutable. {@link #toString()} is a one-line summary safe to log: it holds no secret.
 */
public final class Handshake {
    private final String host;
    private final int port;
    private final TlsVersion protocol;
    private final CipherSuite cipherSuite;
    private final String namedGroup;
    private final List<X509Certificate> peerCertificates;
    private final String verifiedHostName;
    private final String authenticationFailure;
    private final String sniHostName;
    private final boolean resumed;
    private final TlsProvider provider;
    private final String providerName;
    private final Duration duration;

    private Handshake(Builder b) {
        this.host = Objects.requireNonNull(b.host, "host");
        this.port = b.port;
        this.protocol = Objects.requireNonNull(b.protocol, "protocol");
        this.cipherSuite = Objects.requireNonNull(b.cipherSuite, "cipherSuite");
        this.namedGroup = b.namedGroup;
        this.peerCertificates = List.copyOf(b.peerCertificates);
        this.verifiedHostName = b.verifiedHostName;
        this.authenticationFailure = b.authenticationFailure;
        this.sniHostName = b.sniHostName;
        this.resumed = b.resumed;
        this.provider = Objects.requireNonNull(b.provider, "provider");
        this.providerName = Objects.requireNonNull(b.providerName, "providerName");
        this.duration = Objects.requireNonNull(b.duration, "duration");
        if ((verifiedHostName == null) == (authenticationFailure == null)) {
            throw new IllegalStateException("a handshake is either verified for a host name or carries an"
                    + " authentication failure, not both or neither");
        }
    }

    /**
     * Returns a builder; meant for the engine and for tests.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the host the connection was made to, as the caller named it.
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
     * Returns the negotiated TLS version.
     *
     * @return the version
     */
    public TlsVersion protocol() {
        return protocol;
    }

    /**
     * Returns the negotiated cipher suite.
     *
     * @return the suite
     */
    public CipherSuite cipherSuite() {
        return cipherSuite;
    }

    /**
     * Returns the key-exchange group, when the provider lets it be observed: {@code "x25519"}, {@code "secp256r1"},
     * {@code "ffdhe2048"}, or {@code "DH 3072-bit"} for a server-chosen TLS 1.2 DH group. The JDK provider reports it
     * for every full handshake; Bouncy Castle does not expose it.
     *
     * @return the group, or empty when unknown
     */
    public Optional<String> namedGroup() {
        return Optional.ofNullable(namedGroup);
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
     * Tells whether the server was authenticated: its chain is trusted (or pinned) and names the host.
     * Only a {@link org.securemail.policy.SecurityMode#STARTTLS_OPPORTUNISTIC} connection can complete without it.
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
     * Tells whether the handshake resumed an earlier session (no certificate exchange took place; the stored chain
     * was checked again).
     *
     * @return true when resumed
     */
    public boolean isResumed() {
        return resumed;
    }

    /**
     * Returns the configured TLS provider.
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
     * Returns how long the handshake took, including the checks after it.
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
        return port == h.port && resumed == h.resumed && host.equals(h.host) && protocol == h.protocol
                && cipherSuite.equals(h.cipherSuite) && Objects.equals(namedGroup, h.namedGroup)
                && peerCertificates.equals(h.peerCertificates) && Objects.equals(verifiedHostName, h.verifiedHostName)
                && Objects.equals(authenticationFailure, h.authenticationFailure)
                && Objects.equals(sniHostName, h.sniHostName) && provider == h.provider
                && providerName.equals(h.providerName) && duration.equals(h.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, protocol, cipherSuite, namedGroup, peerCertificates, verifiedHostName,
                authenticationFailure, sniHostName, resumed, provider, providerName, duration);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(host).append(':').append(port).append(' ').append(protocol.protocolName()).append(' ')
                .append(cipherSuite.name());
        sb.append(" group=").append(namedGroup == null ? "unknown" : namedGroup);
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

    /** Builds a {@link Handshake}; used by the engine and by tests. */
    public static final class Builder {
        private String host;
        private int port;
        private TlsVersion protocol;
        private CipherSuite cipherSuite;
        private String namedGroup;
        private List<X509Certificate> peerCertificates = List.of();
        private String verifiedHostName;
        private String authenticationFailure;
        private String sniHostName;
        private boolean resumed;
        private TlsProvider provider = TlsProvider.JDK;
        private String providerName = "SunJSSE";
        private Duration duration = Duration.ZERO;

        private Builder() {
        }

        /**
         * Sets the host and port connected to.
         *
         * @param host the host
         * @param port the port
         * @return this builder
         * @throws NullPointerException if {@code host} is null
         */
        public Builder peer(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /**
         * Sets the negotiated version.
         *
         * @param protocol the version
         * @return this builder
         * @throws NullPointerException if {@code protocol} is null
         */
        public Builder protocol(TlsVersion protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * Sets the negotiated suite.
         *
         * @param cipherSuite the suite
         * @return this builder
         * @throws NullPointerException if {@code cipherSuite} is null
         */
        public Builder cipherSuite(CipherSuite cipherSuite) {
            this.cipherSuite = Objects.requireNonNull(cipherSuite, "cipherSuite");
            return this;
        }

        /**
         * Sets the observed key-exchange group.
         *
         * @param namedGroup the group name, or null when unknown
         * @return this builder
         */
        public Builder namedGroup(String namedGroup) {
            this.namedGroup = namedGroup;
            return this;
        }

        /**
         * Sets the peer's chain, leaf first.
         *
         * @param peerCertificates the chain
         * @return this builder
         * @throws NullPointerException if {@code peerCertificates} is null
         */
        public Builder peerCertificates(List<X509Certificate> peerCertificates) {
            this.peerCertificates = List.copyOf(peerCertificates);
            return this;
        }

        /**
         * Marks the server as authenticated for a host name.
         *
         * @param verifiedHostName the normalised host name
         * @return this builder
         * @throws NullPointerException if {@code verifiedHostName} is null
         */
        public Builder verifiedHostName(String verifiedHostName) {
            this.verifiedHostName = Objects.requireNonNull(verifiedHostName, "verifiedHostName");
            this.authenticationFailure = null;
            return this;
        }

        /**
         * Marks the server as not authenticated, for an opportunistic connection.
         *
         * @param authenticationFailure why it could not be authenticated
         * @return this builder
         * @throws NullPointerException if {@code authenticationFailure} is null
         */
        public Builder unauthenticated(String authenticationFailure) {
            this.authenticationFailure = Objects.requireNonNull(authenticationFailure, "authenticationFailure");
            this.verifiedHostName = null;
            return this;
        }

        /**
         * Sets the SNI name sent.
         *
         * @param sniHostName the name, or null when none was sent
         * @return this builder
         */
        public Builder sniHostName(String sniHostName) {
            this.sniHostName = sniHostName;
            return this;
        }

        /**
         * Sets whether the session was resumed.
         *
         * @param resumed true when resumed
         * @return this builder
         */
        public Builder resumed(boolean resumed) {
            this.resumed = resumed;
            return this;
        }

        /**
         * Sets the provider.
         *
         * @param provider the configured provider
         * @param providerName the JSSE provider's name
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder provider(TlsProvider provider, String providerName) {
            this.provider = Objects.requireNonNull(provider, "provider");
            this.providerName = Objects.requireNonNull(providerName, "providerName");
            return this;
        }

        /**
         * Sets the duration.
         *
         * @param duration how long the handshake took
         * @return this builder
         * @throws NullPointerException if {@code duration} is null
         */
        public Builder duration(Duration duration) {
            this.duration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * Builds the handshake record.
         *
         * @return the handshake
         * @throws NullPointerException if the peer, protocol or suite is missing
         * @throws IllegalStateException if neither a verified host name nor an authentication failure was set
         */
        public Handshake build() {
            return new Handshake(this);
        }
    }
}
