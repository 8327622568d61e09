package org.securemail.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a TLS connection made by SecureMail may be: versions, cipher suites, key-exchange groups, signature schemes,
 * minimum key sizes, what is trusted, an optional client certificate, and the TLS provider.
 *
 * <p>A policy is an immutable value. Start from a preset ({@link #MODERN}, the default, {@link #RESTRICTED},
 * {@link #COMPATIBLE}) and adjust it with {@link #toBuilder()}, or start from {@link #builder()}, which begins with
 * {@code MODERN}'s content. Every value a builder accepts keeps these invariants, which no preset and no call can
 * break:
 * <ul>
 *   <li>no TLS version below 1.2 ({@link TlsVersion} cannot express one), and TLS 1.3 always allowed;</li>
 *   <li>only forward-secret suites: no static-RSA/DH/ECDH, NULL, EXPORT, anonymous, RC4, DES or 3DES
 *       ({@link CipherSuite#of(String)} refuses them);</li>
 *   <li>RSA keys of at least 2048 bits, EC keys of at least 256 bits, DH groups of at least 2048 bits, everywhere in
 *       the handshake and the certificate chain;</li>
 *   <li>no SHA-1 or MD5 signature anywhere in the certificate chain (trust anchors' self-signatures aside) or the
 *       handshake;</li>
 *   <li>host name verification always on, per RFC 9525 (subjectAltName only, wildcards only as a whole left-most
 *       label); under {@link TrustSource#dane DANE}, RFC 7672's rules instead: a DANE-TA chain's leaf must carry a
 *       reference name, while a DANE-EE record binds the server's key itself, with no name or date to check.</li>
 * </ul>
 *
 * <p>What a policy protects against: passive eavesdropping, downgrade to weak protocol versions or suites, weak or
 * forged certificates, and impersonation of the server. What it does not: a compromised trusted CA (pin keys with
 * {@link TrustSource#pinnedKeys(String...)} for that), revoked certificates (revocation is not checked), and a server
 * that mishandles mail once it has it.
 *
 * <p>The presets' exact content is recorded, with dates, in {@code docs/TLS_POLICY_HISTORY.md}.
 */
public final class TlsPolicy {

    private static final List<CipherSuite> TLS13_SUITES = suites(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final List<CipherSuite> ECDHE_AEAD_SUITES = suites(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final List<CipherSuite> DHE_AEAD_SUITES = suites(
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final List<CipherSuite> ECDHE_CBC_SUITES = suites(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    private static final List<NamedGroup> EC_GROUPS = List.of(
            NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1);
    private static final List<NamedGroup> FFDHE_GROUPS = List.of(
            NamedGroup.FFDHE2048, NamedGroup.FFDHE3072, NamedGroup.FFDHE4096);

    /**
     * The default policy: TLS 1.3 and TLS 1.2, ECDHE with AEAD suites only (AES-GCM, ChaCha20-Poly1305),
     * groups x25519, secp256r1, secp384r1, SHA-256-or-better signature schemes, RSA at least 2048 bits,
     * EC at least 256 bits, the JDK's CA set, the JDK's provider.
     */
    public static final TlsPolicy MODERN = new Builder().build();

    /** TLS 1.3 only, otherwise as {@link #MODERN}. For servers known to support TLS 1.3. */
    public static final TlsPolicy RESTRICTED = new Builder()
            .minimumVersion(TlsVersion.TLS_1_3)
            .cipherSuites(TLS13_SUITES)
            .build();

    /**
     * For legacy internal relays: {@link #MODERN} plus DHE-RSA with AEAD suites (RFC 7919 groups of 2048 bits or
     * more) and ECDHE with AES-CBC suites. Still forward secret; still no TLS below 1.2.
     */
    public static final TlsPolicy COMPATIBLE = new Builder()
            .cipherSuites(concat(TLS13_SUITES, ECDHE_AEAD_SUITES, DHE_AEAD_SUITES, ECDHE_CBC_SUITES))
            .namedGroups(concatGroups(EC_GROUPS, FFDHE_GROUPS))
            .build();

    private final TlsVersion minimumVersion;
    private final List<CipherSuite> cipherSuites;
    private final List<NamedGroup> namedGroups;
    private final List<SignatureScheme> signatureSchemes;
    private final int minimumRsaKeyBits;
    private final int minimumEcKeyBits;
    private final int minimumDhKeyBits;
    private final TrustSource trust;
    private final ClientCertificate clientCertificate;
    private final TlsProvider provider;

    private TlsPolicy(Builder b) {
        this.minimumVersion = b.minimumVersion;
        this.cipherSuites = b.cipherSuites;
        this.namedGroups = b.namedGroups;
        this.signatureSchemes = b.signatureSchemes;
        this.minimumRsaKeyBits = b.minimumRsaKeyBits;
        this.minimumEcKeyBits = b.minimumEcKeyBits;
        this.minimumDhKeyBits = b.minimumDhKeyBits;
        this.trust = b.trust;
        this.clientCertificate = b.clientCertificate;
        this.provider = b.provider;
    }

    /**
     * Returns a builder that starts with the content of {@link #MODERN}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder that starts with the content of this policy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns the lowest TLS version allowed; TLS 1.3 is always allowed.
     *
     * @return {@link TlsVersion#TLS_1_2} or {@link TlsVersion#TLS_1_3}
     */
    public TlsVersion minimumVersion() {
        return minimumVersion;
    }

    /**
     * Returns the allowed TLS versions, newest first.
     *
     * @return an unmodifiable list of one or two versions
     */
    public List<TlsVersion> versions() {
        return minimumVersion == TlsVersion.TLS_1_3
                ? List.of(TlsVersion.TLS_1_3) : List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    }

    /**
     * Returns the allowed cipher suites, in order of preference.
     *
     * @return an unmodifiable, non-empty list
     */
    public List<CipherSuite> cipherSuites() {
        return cipherSuites;
    }

    /**
     * Returns the allowed key-exchange groups, in order of preference.
     *
     * @return an unmodifiable, non-empty list
     */
    public List<NamedGroup> namedGroups() {
        return namedGroups;
    }

    /**
     * Returns the allowed handshake signature schemes, in order of preference.
     *
     * @return an unmodifiable, non-empty list
     */
    public List<SignatureScheme> signatureSchemes() {
        return signatureSchemes;
    }

    /**
     * Returns the minimum size of any RSA key in the handshake or the certificate chain.
     *
     * @return bits, at least 2048
     */
    public int minimumRsaKeyBits() {
        return minimumRsaKeyBits;
    }

    /**
     * Returns the minimum size of any EC key (curve field size) in the handshake or the certificate chain.
     *
     * @return bits, at least 256
     */
    public int minimumEcKeyBits() {
        return minimumEcKeyBits;
    }

    /**
     * Returns the minimum prime size of an ephemeral finite-field DH group.
     *
     * @return bits, at least 2048
     */
    public int minimumDhKeyBits() {
        return minimumDhKeyBits;
    }

    /**
     * Returns what this policy trusts to authenticate servers.
     *
     * @return the trust source
     */
    public TrustSource trust() {
        return trust;
    }

    /**
     * Returns the client certificate presented when a server asks for one.
     *
     * @return the client certificate, or empty for none
     */
    public Optional<ClientCertificate> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    /**
     * Returns the JSSE implementation that performs the handshakes.
     *
     * @return the provider
     */
    public TlsProvider provider() {
        return provider;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsPolicy)) {
            return false;
        }
        TlsPolicy p = (TlsPolicy) o;
        return minimumVersion == p.minimumVersion && cipherSuites.equals(p.cipherSuites)
                && namedGroups.equals(p.namedGroups) && signatureSchemes.equals(p.signatureSchemes)
                && minimumRsaKeyBits == p.minimumRsaKeyBits && minimumEcKeyBits == p.minimumEcKeyBits
                && minimumDhKeyBits == p.minimumDhKeyBits && trust.equals(p.trust)
                && Objects.equals(clientCertificate, p.clientCertificate) && provider == p.provider;
    }

    @Override
    public int hashCode() {
        return Objects.hash(minimumVersion, cipherSuites, namedGroups, signatureSchemes, minimumRsaKeyBits,
                minimumEcKeyBits, minimumDhKeyBits, trust, clientCertificate, provider);
    }

    /**
     * Describes this policy; a client certificate appears by subject only, never with key material.
     *
     * @return a description naming the preset this policy equals, if any
     */
    @Override
    public String toString() {
        String preset = this == MODERN || equals(MODERN) ? "MODERN "
                : equals(RESTRICTED) ? "RESTRICTED " : equals(COMPATIBLE) ? "COMPATIBLE " : "";
        return "TlsPolicy{" + preset + "versions=" + versions().stream().map(TlsVersion::protocolName)
                .collect(Collectors.toList())
                + ", cipherSuites=" + cipherSuites
                + ", namedGroups=" + names(namedGroups, NamedGroup::tlsName)
                + ", signatureSchemes=" + names(signatureSchemes, SignatureScheme::tlsName)
                + ", minimumRsaKeyBits=" + minimumRsaKeyBits + ", minimumEcKeyBits=" + minimumEcKeyBits
                + ", minimumDhKeyBits=" + minimumDhKeyBits + ", trust=" + trust
                + ", clientCertificate=" + (clientCertificate == null ? "none" : clientCertificate)
                + ", provider=" + provider + "}";
    }

    private static <T> List<String> names(List<T> items, Function<T, String> name) {
        return items.stream().map(name).collect(Collectors.toList());
    }

    private static List<CipherSuite> suites(String... names) {
        List<CipherSuite> list = new ArrayList<>();
        for (String n : names) {
            list.add(CipherSuite.of(n));
        }
        return Collections.unmodifiableList(list);
    }

    @SafeVarargs
    private static List<CipherSuite> concat(List<CipherSuite>... lists) {
        List<CipherSuite> all = new ArrayList<>();
        for (List<CipherSuite> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    @SafeVarargs
    private static List<NamedGroup> concatGroups(List<NamedGroup>... lists) {
        List<NamedGroup> all = new ArrayList<>();
        for (List<NamedGroup> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    /**
     * Builds a {@link TlsPolicy}. Each setter checks its argument at once and the last call wins; {@link #build()}
     * checks that the settings fit together and never changes the builder.
     */
    public static final class Builder {
        private TlsVersion minimumVersion = TlsVersion.TLS_1_2;
        private List<CipherSuite> cipherSuites = concat(TLS13_SUITES, ECDHE_AEAD_SUITES);
        private List<NamedGroup> namedGroups = EC_GROUPS;
        private List<SignatureScheme> signatureSchemes = List.of(
                SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.ECDSA_SECP384R1_SHA384,
                SignatureScheme.ECDSA_SECP521R1_SHA512, SignatureScheme.ED25519, SignatureScheme.ED448,
                SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PSS_RSAE_SHA384,
                SignatureScheme.RSA_PSS_RSAE_SHA512, SignatureScheme.RSA_PSS_PSS_SHA256,
                SignatureScheme.RSA_PSS_PSS_SHA384, SignatureScheme.RSA_PSS_PSS_SHA512,
                SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.RSA_PKCS1_SHA384, SignatureScheme.RSA_PKCS1_SHA512);
        private int minimumRsaKeyBits = 2048;
        private int minimumEcKeyBits = 256;
        private int minimumDhKeyBits = 2048;
        private TrustSource trust = TrustSource.system();
        private ClientCertificate clientCertificate;
        private TlsProvider provider = TlsProvider.JDK;

        private Builder() {
            cipherSuites = Collections.unmodifiableList(cipherSuites);
        }

        private Builder(TlsPolicy p) {
            minimumVersion = p.minimumVersion;
            cipherSuites = p.cipherSuites;
            namedGroups = p.namedGroups;
            signatureSchemes = p.signatureSchemes;
            minimumRsaKeyBits = p.minimumRsaKeyBits;
            minimumEcKeyBits = p.minimumEcKeyBits;
            minimumDhKeyBits = p.minimumDhKeyBits;
            trust = p.trust;
            clientCertificate = p.clientCertificate;
            provider = p.provider;
        }

        /**
         * Sets the lowest TLS version allowed. TLS 1.3 is always allowed; nothing below TLS 1.2 exists.
         *
         * @param minimumVersion {@link TlsVersion#TLS_1_2} (the default) or {@link TlsVersion#TLS_1_3}
         * @return this builder
         * @throws NullPointerException if {@code minimumVersion} is null
         */
        public Builder minimumVersion(TlsVersion minimumVersion) {
            this.minimumVersion = Objects.requireNonNull(minimumVersion, "minimumVersion");
            return this;
        }

        /**
         * Sets the allowed cipher suites by IANA name, in order of preference.
         *
         * @param names one or more suite names
         * @return this builder
         * @throws NullPointerException if {@code names} or an element is null
         * @throws IllegalArgumentException if no name is given, a name repeats, or a suite is forbidden or unknown
         *     (the message names the rule, see {@link CipherSuite#of(String)})
         */
        public Builder cipherSuites(String... names) {
            Objects.requireNonNull(names, "names");
            List<CipherSuite> list = new ArrayList<>(names.length);
            for (String n : names) {
                list.add(CipherSuite.of(Objects.requireNonNull(n, "names contains null")));
            }
            return cipherSuites(list);
        }

        /**
         * Sets the allowed cipher suites, in order of preference.
         *
         * @param suites one or more suites
         * @return this builder
         * @throws NullPointerException if {@code suites} or an element is null
         * @throws IllegalArgumentException if the list is empty or a suite repeats
         */
        public Builder cipherSuites(List<CipherSuite> suites) {
            this.cipherSuites = distinct(suites, "cipherSuites");
            return this;
        }

        /**
         * Sets the allowed key-exchange groups, in order of preference.
         *
         * @param groups one or more groups
         * @return this builder
         * @throws NullPointerException if {@code groups} or an element is null
         * @throws IllegalArgumentException if no group is given or a group repeats
         */
        public Builder namedGroups(NamedGroup... groups) {
            Objects.requireNonNull(groups, "groups");
            return namedGroups(List.of(groups));
        }

        /**
         * Sets the allowed key-exchange groups, in order of preference.
         *
         * @param groups one or more groups
         * @return this builder
         * @throws NullPointerException if {@code groups} or an element is null
         * @throws IllegalArgumentException if the list is empty or a group repeats
         */
        public Builder namedGroups(List<NamedGroup> groups) {
            this.namedGroups = distinct(groups, "namedGroups");
            return this;
        }

        /**
         * Sets the allowed handshake signature schemes, in order of preference.
         *
         * @param schemes one or more schemes
         * @return this builder
         * @throws NullPointerException if {@code schemes} or an element is null
         * @throws IllegalArgumentException if no scheme is given or a scheme repeats
         */
        public Builder signatureSchemes(SignatureScheme... schemes) {
            Objects.requireNonNull(schemes, "schemes");
            this.signatureSchemes = distinct(List.of(schemes), "signatureSchemes");
            return this;
        }

        /**
         * Sets the minimum RSA key size, for handshake and certificate keys alike.
         *
         * @param bits at least 2048 (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code bits} is below 2048 or above 16384
         */
        public Builder minimumRsaKeyBits(int bits) {
            this.minimumRsaKeyBits = checkBits("minimumRsaKeyBits", bits, 2048, 16384);
            return this;
        }

        /**
         * Sets the minimum EC key size (curve field size), for handshake and certificate keys alike.
         *
         * @param bits at least 256 (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code bits} is below 256 or above 521
         */
        public Builder minimumEcKeyBits(int bits) {
            this.minimumEcKeyBits = checkBits("minimumEcKeyBits", bits, 256, 521);
            return this;
        }

        /**
         * Sets the minimum prime size of an ephemeral finite-field DH group.
         *
         * @param bits at least 2048 (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code bits} is below 2048 or above 8192
         */
        public Builder minimumDhKeyBits(int bits) {
            this.minimumDhKeyBits = checkBits("minimumDhKeyBits", bits, 2048, 8192);
            return this;
        }

        /**
         * Sets what is trusted to authenticate servers.
         *
         * @param trust the trust source; {@link TrustSource#system()} is the default
         * @return this builder
         * @throws NullPointerException if {@code trust} is null
         */
        public Builder trust(TrustSource trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Sets the client certificate presented when a server asks for one (mutual TLS).
         *
         * @param clientCertificate the certificate and key
         * @return this builder
         * @throws NullPointerException if {@code clientCertificate} is null
         */
        public Builder clientCertificate(ClientCertificate clientCertificate) {
            this.clientCertificate = Objects.requireNonNull(clientCertificate, "clientCertificate");
            return this;
        }

        /**
         * Removes the client certificate, so that none is presented (the default).
         *
         * @return this builder
         */
        public Builder noClientCertificate() {
            this.clientCertificate = null;
            return this;
        }

        /**
         * Sets the JSSE implementation that performs the handshakes.
         *
         * @param provider {@link TlsProvider#JDK} (the default) or {@link TlsProvider#BOUNCY_CASTLE}
         * @return this builder
         * @throws NullPointerException if {@code provider} is null
         */
        public Builder provider(TlsProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Builds the policy after checking that its settings fit together.
         *
         * @return the policy
         * @throws IllegalStateException if the suites do not fit the versions, or the groups and signature schemes
         *     cannot serve the suites (the message says what to add)
         */
        public TlsPolicy build() {
            Set<TlsVersion> suiteVersions = EnumSet.noneOf(TlsVersion.class);
            Set<CipherSuite.KeyExchange> exchanges = EnumSet.noneOf(CipherSuite.KeyExchange.class);
            Set<CipherSuite.Authentication> auths = EnumSet.noneOf(CipherSuite.Authentication.class);
            for (CipherSuite s : cipherSuites) {
                suiteVersions.add(s.version());
                exchanges.add(s.keyExchange());
                auths.add(s.authentication());
            }
            if (!suiteVersions.contains(TlsVersion.TLS_1_3)) {
                throw new IllegalStateException("cipherSuites has no TLS 1.3 suite: every policy allows TLS 1.3;"
                        + " add TLS_AES_128_GCM_SHA256 or TLS_AES_256_GCM_SHA384");
            }
            if (minimumVersion == TlsVersion.TLS_1_2 && !suiteVersions.contains(TlsVersion.TLS_1_2)) {
                throw new IllegalStateException("minimumVersion is TLS_1_2 but cipherSuites has no TLS 1.2 suite;"
                        + " add an ECDHE suite or set minimumVersion(TlsVersion.TLS_1_3)");
            }
            if (minimumVersion == TlsVersion.TLS_1_3 && suiteVersions.contains(TlsVersion.TLS_1_2)) {
                throw new IllegalStateException("cipherSuites lists TLS 1.2 suites but minimumVersion is TLS_1_3;"
                        + " remove them or set minimumVersion(TlsVersion.TLS_1_2)");
            }
            boolean ecGroup = namedGroups.stream().anyMatch(g -> !g.isFiniteField());
            boolean ffGroup = namedGroups.stream().anyMatch(NamedGroup::isFiniteField);
            if (exchanges.contains(CipherSuite.KeyExchange.ECDHE) && !ecGroup) {
                throw new IllegalStateException("cipherSuites has ECDHE suites but namedGroups has no elliptic curve;"
                        + " add NamedGroup.X25519 or NamedGroup.SECP256R1");
            }
            if (exchanges.contains(CipherSuite.KeyExchange.DHE) && !ffGroup) {
                throw new IllegalStateException("cipherSuites has DHE suites but namedGroups has no ffdhe group;"
                        + " add NamedGroup.FFDHE2048 or larger");
            }
            boolean rsaScheme = signatureSchemes.stream().anyMatch(SignatureScheme::isRsa);
            boolean ecdsaScheme = signatureSchemes.stream().anyMatch(SignatureScheme::isEcdsa);
            if (auths.contains(CipherSuite.Authentication.RSA) && !rsaScheme) {
                throw new IllegalStateException("cipherSuites has RSA-authenticated suites but signatureSchemes has no"
                        + " RSA scheme; add SignatureScheme.RSA_PSS_RSAE_SHA256");
            }
            if (auths.contains(CipherSuite.Authentication.ECDSA) && !ecdsaScheme) {
                throw new IllegalStateException("cipherSuites has ECDSA-authenticated suites but signatureSchemes has"
                        + " no ECDSA scheme; add SignatureScheme.ECDSA_SECP256R1_SHA256");
            }
            return new TlsPolicy(this);
        }

        private static <T> List<T> distinct(List<T> items, String name) {
            Objects.requireNonNull(items, name);
            Set<T> seen = new LinkedHashSet<>();
            for (T item : items) {
                Objects.requireNonNull(item, name + " contains null");
                if (!seen.add(item)) {
                    throw new IllegalArgumentException(name + " lists " + item + " twice");
                }
            }
            if (seen.isEmpty()) {
                throw new IllegalArgumentException(name + " is empty: at least one is needed");
            }
            return Collections.unmodifiableList(new ArrayList<>(seen));
        }

        private static int checkBits(String name, int bits, int min, int max) {
            if (bits < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + bits);
            }
            if (bits > max) {
                throw new IllegalArgumentException(name + " must be at most " + max + ": " + bits);
            }
            return bits;
        }
    }
}
