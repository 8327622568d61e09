package org.securemail.core.internal;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.securemail.core.Handshake;
import org.securemail.core.PlaintextFilter;
import org.securemail.core.TlsRefusalReason;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.SignatureScheme;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;

/**
 * One policy turned into a ready SSLContext, plus everything needed to make and check its sockets. Thread-safe:
 * immutable apart from the registry of sockets whose handshake is under way.
 */
public final class PolicyContext {
    private final TlsPolicy policy;
    private final SSLContext sslContext;
    private final CertificateVerifier verifier;
    private final String providerName;
    private final String[] protocols;
    private final String[] suites;
    private final String[] groups;
    private final String[] schemes;
    /** Sockets whose handshake is under way, for the trust and key managers; shared with narrowed contexts. */
    private final ConcurrentHashMap<Socket, ConnectionState> handshaking;
    /** Host and chain pairs that passed the full check, for resumed sessions; shared with narrowed contexts. */
    private final VerifiedBindings verified;

    private PolicyContext(PolicyContext base, String[] protocols, String[] suites) {
        this.policy = base.policy;
        this.handshaking = base.handshaking;
        this.verified = base.verified;
        this.verifier = base.verifier;
        this.sslContext = base.sslContext;
        this.providerName = base.providerName;
        this.groups = base.groups;
        this.schemes = base.schemes;
        this.protocols = protocols;
        this.suites = suites;
    }

    /**
     * Returns a context that offers only some of this policy's versions and suites (for diagnostics), sharing this
     * context's SSLContext, trust and checks.
     *
     * @param versions versions to offer, all allowed by the policy
     * @param cipherSuites suites to offer, all allowed by the policy and supported by the provider
     * @return the narrowed context
     * @throws IllegalArgumentException if a value is outside the policy, or nothing is left to offer
     */
    public PolicyContext narrowed(java.util.Collection<TlsVersion> versions,
                                  java.util.Collection<CipherSuite> cipherSuites) {
        List<String> p = new ArrayList<>();
        for (TlsVersion v : versions) {
            if (!policy.versions().contains(v)) {
                throw new IllegalArgumentException(v.protocolName() + " is not allowed by the policy");
            }
            p.add(v.protocolName());
        }
        List<String> supported = Arrays.asList(suites);
        List<String> c = new ArrayList<>();
        for (CipherSuite s : cipherSuites) {
            if (!policy.cipherSuites().contains(s)) {
                throw new IllegalArgumentException(s + " is not allowed by the policy");
            }
            if (supported.contains(s.name())) {
                c.add(s.name());
            }
        }
        if (p.isEmpty() || c.isEmpty()) {
            throw new IllegalArgumentException("nothing to offer: versions " + versions + ", suites " + cipherSuites
                    + " (suites the provider " + providerName + " does not support are dropped)");
        }
        return new PolicyContext(this, p.toArray(new String[0]), c.toArray(new String[0]));
    }

    /**
     * Builds the SSLContext for a policy, without registering any provider or changing any JVM-wide setting.
     *
     * @param policy the policy
     * @throws IllegalStateException if the provider is missing or cannot serve the policy
     */
    public PolicyContext(TlsPolicy policy) {
        this.policy = policy;
        this.handshaking = new ConcurrentHashMap<>();
        this.verified = new VerifiedBindings();
        this.verifier = new CertificateVerifier(policy);
        this.sslContext = newContext(policy, verifier, handshaking);
        this.providerName = sslContext.getProvider().getName();
        this.protocols = policy.versions().stream().map(TlsVersion::protocolName).toArray(String[]::new);
        this.groups = policy.namedGroups().stream().map(NamedGroup::tlsName).toArray(String[]::new);
        this.schemes = policy.signatureSchemes().stream().map(SignatureScheme::tlsName).toArray(String[]::new);
        this.suites = supportedSuites(policy, sslContext, providerName);
        if (policy.provider() == TlsProvider.BOUNCY_CASTLE && hasDhe(policy)
                && BouncyCastleSupport.dhMinimumPrimeBits() < policy.minimumDhKeyBits()) {
            throw new IllegalStateException("this JVM sets " + BouncyCastleSupport.dhMinimumProperty() + "="
                    + BouncyCastleSupport.dhMinimumPrimeBits() + ", below the policy's minimumDhKeyBits "
                    + policy.minimumDhKeyBits() + ", and Bouncy Castle offers no per-connection setting for it;"
                    + " remove that system property, use TlsProvider.JDK, or a policy without DHE suites");
        }
    }

    private static boolean hasDhe(TlsPolicy policy) {
        return policy.cipherSuites().stream().anyMatch(s -> s.keyExchange() == CipherSuite.KeyExchange.DHE);
    }

    private static SSLContext newContext(TlsPolicy policy, CertificateVerifier verifier,
                                         ConcurrentHashMap<Socket, ConnectionState> handshaking) {
        try {
            SSLContext context;
            if (policy.provider() == TlsProvider.BOUNCY_CASTLE) {
                context = SSLContext.getInstance("TLS", bouncyCastle());
            } else {
                Provider sun = Security.getProvider("SunJSSE");
                context = sun != null ? SSLContext.getInstance("TLS", sun) : SSLContext.getInstance("TLS");
            }
            KeyManager[] keyManagers = {new SingleKeyManager(policy.clientCertificate().orElse(null), handshaking::get)};
            TrustManager[] trustManagers = {new PolicyTrustManager(verifier, handshaking::get)};
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an SSLContext for provider " + policy.provider() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Provider bouncyCastle() {
        try {
            return BouncyCastleSupport.newJsseProvider();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("TlsProvider.BOUNCY_CASTLE needs org.bouncycastle:bctls-jdk18on,"
                    + " bcprov-jdk18on and bcutil-jdk18on (1.84) on the class path; add them or use TlsProvider.JDK",
                    e);
        }
    }

    private static String[] supportedSuites(TlsPolicy policy, SSLContext context, String providerName) {
        Set<String> supported = new HashSet<>(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
        List<String> usable = new ArrayList<>();
        Set<TlsVersion> covered = new HashSet<>();
        for (CipherSuite s : policy.cipherSuites()) {
            if (supported.contains(s.name())) {
                usable.add(s.name());
                covered.add(s.version());
            }
        }
        for (TlsVersion v : policy.versions()) {
            if (!covered.contains(v)) {
                throw new IllegalStateException("provider " + providerName + " supports none of the policy's "
                        + v.protocolName() + " cipher suites " + policy.cipherSuites()
                        + "; add suites it supports or use another provider");
            }
        }
        return usable.toArray(new String[0]);
    }

    /**
     * Returns the policy this context enforces.
     *
     * @return the policy
     */
    public TlsPolicy policy() {
        return policy;
    }

    /**
     * Layers TLS over a connected socket; the handshake runs on the returned socket's first use.
     *
     * @param plain the connected socket
     * @param host the host connected to, for SNI and name checks
     * @param port the port connected to
     * @param autoClose whether closing the TLS socket closes {@code plain}
     * @param mode the security mode
     * @return the enforcing socket
     * @throws IOException if the provider cannot create the socket
     */
    public EnforcingSSLSocket layer(Socket plain, String host, int port, boolean autoClose, SecurityMode mode)
            throws IOException {
        return layer(plain, host, port, autoClose, mode, PlaintextFilter.NONE);
    }

    /**
     * Layers TLS over a connected socket, its plaintext streams passed through a filter after the handshake.
     *
     * @param plain the connected socket
     * @param host the host connected to, for SNI and name checks
     * @param port the port connected to
     * @param autoClose whether closing the TLS socket closes {@code plain}
     * @param mode the security mode
     * @param filter sees the plaintext streams
     * @return the enforcing socket
     * @throws IOException if the provider cannot create the socket
     */
    public EnforcingSSLSocket layer(Socket plain, String host, int port, boolean autoClose, SecurityMode mode,
                                    PlaintextFilter filter) throws IOException {
        ConnectionState state = new ConnectionState(host, port, mode);
        SSLSocket s = (SSLSocket) sslContext.getSocketFactory().createSocket(plain, host, port, autoClose);
        s.setUseClientMode(true);
        configure(s, state);
        handshaking.put(s, state);
        return new EnforcingSSLSocket(s, this, state, filter);
    }

    void unregister(SSLSocket s) {
        handshaking.remove(s);
    }

    /** Applies the policy to a provider socket; called again right before its handshake. */
    void configure(SSLSocket s, ConnectionState state) {
        if (policy.provider() == TlsProvider.BOUNCY_CASTLE) {
            BouncyCastleSupport.configure(s, protocols, suites, groups, schemes, state.sniHostName);
            return;
        }
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(suites);
        p.setUseCipherSuitesOrder(true);
        p.setEndpointIdentificationAlgorithm(null);
        List<SNIServerName> names = state.sniHostName == null ? List.of() : List.of(new SNIHostName(state.sniHostName));
        p.setServerNames(names);
        if (!(p.getAlgorithmConstraints() instanceof ConnectionConstraints)) {
            p.setAlgorithmConstraints(new ConnectionConstraints(policy, state));
        }
        s.setSSLParameters(p);
    }

    /** Re-checks a completed handshake and records it. */
    Handshake verifyAfterHandshake(SSLSocket s, ConnectionState state, long startNanos) throws TlsRefusedException {
        SSLSession session = s.getSession();
        boolean resumed = !state.isCertificateChecked();
        TlsVersion version;
        try {
            version = TlsVersion.ofProtocolName(session.getProtocol());
        } catch (IllegalArgumentException e) {
            throw refused(state, TlsRefusalReason.PROTOCOL_VERSION, "TLS version below the policy minimum: the"
                    + " server negotiated " + session.getProtocol() + "; the server must support TLS 1.2 or newer", null);
        }
        if (!policy.versions().contains(version)) {
            throw refused(state, TlsRefusalReason.PROTOCOL_VERSION, "TLS version below the policy minimum: the"
                    + " server negotiated " + version.protocolName() + ", the policy requires "
                    + policy.minimumVersion().protocolName() + " or newer", null);
        }
        CipherSuite suite;
        try {
            suite = CipherSuite.of(session.getCipherSuite());
        } catch (IllegalArgumentException e) {
            throw refused(state, TlsRefusalReason.NO_SHARED_CIPHER_SUITE, "cipher suite not allowed by the policy:"
                    + " the server negotiated " + session.getCipherSuite(), null);
        }
        if (!policy.cipherSuites().contains(suite)) {
            throw refused(state, TlsRefusalReason.NO_SHARED_CIPHER_SUITE, "cipher suite not allowed by the policy:"
                    + " the server negotiated " + suite, null);
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
        } catch (SSLPeerUnverifiedException e) {
            throw refused(state, TlsRefusalReason.HANDSHAKE_FAILED, "server was not authenticated by a certificate"
                    + " (" + e.getMessage() + ")", null);
        }
        String group = state.keyExchangeGroup();
        try {
            if (!resumed) {
                // The trust manager checked this chain during the handshake; it must be the chain the session holds.
                if (!chain.equals(state.peerCertificates())) {
                    throw refused(state, TlsRefusalReason.HANDSHAKE_FAILED, "the session's certificate chain is not"
                            + " the one checked during the handshake", null);
                }
            } else if (verified.contains(policy.trust(), state.normalizedHost, chain,
                    System.currentTimeMillis())) {
                // Resumed: this chain passed the full check for this host under this trust source (CAs, pins or
                // DANE records), and has not expired since. Binding it to the host is all that is left to do.
                state.peerCertificates(chain);
                state.certificateChecked(null);
            } else {
                PolicyTrustManager.check(verifier, state, chain);
            }
        } catch (CertificateException e) {
            Refusal r = state.refusal();
            Handshake h = details(Handshake.unverified(state.host, state.port, version, suite, chain, r.detail()),
                    state, group, resumed, startNanos);
            throw new TlsRefusedException(r.reason(), state.host, state.port, state.mode, r.detail(), h, chain, e);
        }
        if (group != null && !groupAllowed(group)) {
            throw refused(state, TlsRefusalReason.WEAK_KEY_EXCHANGE, "key-exchange group not allowed by the policy:"
                    + " the server chose " + group + ", the policy allows " + Arrays.toString(groups), null);
        }
        if (state.authenticationFailure() == null && !resumed) {
            verified.add(policy.trust(), state.normalizedHost, chain);
        }
        Handshake h = state.authenticationFailure() != null
                ? Handshake.unverified(state.host, state.port, version, suite, chain, state.authenticationFailure())
                : Handshake.verified(state.host, state.port, version, suite, chain, state.normalizedHost);
        return details(h, state, group, resumed, startNanos);
    }

    private Handshake details(Handshake h, ConnectionState state, String group, boolean resumed, long startNanos) {
        return h.withKeyExchange(group).withSniHostName(state.sniHostName).withResumed(resumed)
                .withProvider(policy.provider(), providerName)
                .withDuration(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private boolean groupAllowed(String group) {
        if (group.startsWith("DH ")) {
            return Integer.parseInt(group.substring(3, group.indexOf('-'))) >= policy.minimumDhKeyBits();
        }
        return Arrays.asList(groups).contains(group);
    }

    private static TlsRefusedException refused(ConnectionState state, TlsRefusalReason reason, String detail,
                                               Handshake handshake) {
        return new TlsRefusedException(reason, state.host, state.port, state.mode, detail, handshake, null);
    }
}
