package org.securemail.policy;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS cipher suite that a {@link TlsPolicy} may allow, known by its IANA (and JSSE) name.
 *
 * <p>Only forward-secret suites with AES or ChaCha20 can be expressed: the TLS 1.3 suites, and TLS 1.2
 * suites with ECDHE or DHE key exchange. {@link #of(String)} refuses static-RSA, static-DH and static-ECDH key
 * exchange, anonymous, NULL, EXPORT, RC4, DES and 3DES suites, PSK/SRP/Kerberos suites, and signalling values,
 * each with a message that names the rule.
 *
 * <p>Instances are immutable values; two suites are equal when their names are equal.
 */
public final class CipherSuite {

    /** The way a suite agrees on its keys. */
    public enum KeyExchange {
        /** TLS 1.3: ephemeral (EC)DHE, chosen through the named groups. */
        TLS13,
        /** TLS 1.2 elliptic-curve ephemeral Diffie-Hellman. */
        ECDHE,
        /** TLS 1.2 finite-field ephemeral Diffie-Hellman. */
        DHE
    }

    /** The key type a suite's server certificate must carry. */
    public enum Authentication {
        /** TLS 1.3: any key type, negotiated through the signature schemes. */
        ANY,
        /** An RSA key. */
        RSA,
        /** An ECDSA key. */
        ECDSA
    }

    private static final Pattern TLS13 = Pattern.compile(
            "TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256|AES_128_CCM_SHA256)");
    private static final Pattern TLS12 = Pattern.compile("TLS_(ECDHE|DHE)_(ECDSA|RSA)_WITH_([A-Z0-9_]+)");
    /** Bulk cipher and MAC combinations that exist for ECDHE (IANA registry). */
    private static final Set<String> ECDHE_CIPHERS = Set.of(
            "AES_128_GCM_SHA256", "AES_256_GCM_SHA384", "CHACHA20_POLY1305_SHA256",
            "AES_128_CBC_SHA256", "AES_256_CBC_SHA384", "AES_128_CBC_SHA", "AES_256_CBC_SHA");
    /** Bulk cipher and MAC combinations that exist for DHE_RSA (IANA registry). */
    private static final Set<String> DHE_CIPHERS = Set.of(
            "AES_128_GCM_SHA256", "AES_256_GCM_SHA384", "CHACHA20_POLY1305_SHA256",
            "AES_128_CBC_SHA256", "AES_256_CBC_SHA256", "AES_128_CBC_SHA", "AES_256_CBC_SHA");

    /** TLS 1.3 AES-128-GCM. */
    public static final CipherSuite TLS_AES_128_GCM_SHA256 = of("TLS_AES_128_GCM_SHA256");
    /** TLS 1.3 AES-256-GCM. */
    public static final CipherSuite TLS_AES_256_GCM_SHA384 = of("TLS_AES_256_GCM_SHA384");
    /** TLS 1.3 ChaCha20-Poly1305. */
    public static final CipherSuite TLS_CHACHA20_POLY1305_SHA256 = of("TLS_CHACHA20_POLY1305_SHA256");

    private final String name;
    private final TlsVersion minimumVersion;
    private final KeyExchange keyExchange;
    private final Authentication authentication;
    private final boolean aead;

    private CipherSuite(String name, TlsVersion minimumVersion, KeyExchange keyExchange,
                        Authentication authentication, boolean aead) {
        this.name = name;
        this.minimumVersion = minimumVersion;
        this.keyExchange = keyExchange;
        this.authentication = authentication;
        this.aead = aead;
    }

    /**
     * Returns the suite with the given IANA name, after checking that SecureMail may ever use it.
     *
     * @param name an IANA cipher suite name such as {@code "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
     * @return the suite
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if the suite is forbidden (the message names the rule) or unknown
     */
    public static CipherSuite of(String name) {
        Objects.requireNonNull(name, "name");
        String upper = name.toUpperCase(Locale.ROOT);
        Matcher m13 = TLS13.matcher(upper);
        if (m13.matches()) {
            return new CipherSuite(upper, TlsVersion.TLS_1_3, KeyExchange.TLS13, Authentication.ANY, true);
        }
        Matcher m12 = TLS12.matcher(upper);
        if (m12.matches()) {
            KeyExchange kx = KeyExchange.valueOf(m12.group(1));
            Authentication auth = Authentication.valueOf(m12.group(2));
            String cipher = m12.group(3);
            boolean known = kx == KeyExchange.ECDHE ? ECDHE_CIPHERS.contains(cipher)
                    : auth == Authentication.RSA && DHE_CIPHERS.contains(cipher);
            if (known) {
                return new CipherSuite(upper, TlsVersion.TLS_1_2, kx, auth, !cipher.contains("_CBC_"));
            }
        }
        throw forbiddenOrUnknown(name, upper);
    }

    private static IllegalArgumentException forbiddenOrUnknown(String name, String upper) {
        String rule;
        if (upper.endsWith("_SCSV")) {
            rule = "it is a signalling value, not a cipher suite";
        } else if (upper.contains("EXPORT")) {
            rule = "EXPORT suites are forbidden (deliberately weakened keys)";
        } else if (upper.contains("_ANON_")) {
            rule = "anonymous suites are forbidden (no server authentication)";
        } else if (upper.contains("NULL")) {
            rule = "NULL suites are forbidden (no encryption)";
        } else if (upper.contains("RC4")) {
            rule = "RC4 is forbidden (RFC 7465)";
        } else if (upper.contains("3DES") || upper.contains("DES_")) {
            rule = "DES and 3DES are forbidden (64-bit blocks, Sweet32)";
        } else if (upper.contains("PSK") || upper.contains("SRP") || upper.contains("KRB5")) {
            rule = "PSK, SRP and Kerberos suites are not supported";
        } else if (upper.startsWith("SSL_RSA_") || upper.startsWith("TLS_RSA_WITH_")) {
            rule = "static-RSA key exchange is forbidden (no forward secrecy)";
        } else if (upper.startsWith("TLS_DH_") || upper.startsWith("TLS_ECDH_")) {
            rule = "static DH and ECDH key exchange are forbidden (no forward secrecy)";
        } else if (upper.startsWith("SSL_")) {
            rule = "SSL-era suites are forbidden";
        } else if (upper.contains("_DSS_")) {
            rule = "DSA authentication is forbidden";
        } else if (upper.contains("CAMELLIA") || upper.contains("ARIA") || upper.contains("SEED")
                || upper.contains("IDEA") || upper.contains("SM4") || upper.contains("CCM_8")) {
            rule = "only AES (GCM, CCM, CBC) and ChaCha20-Poly1305 bulk ciphers are supported";
        } else {
            return unknown(name);
        }
        return new IllegalArgumentException("cipher suite " + name + " is not allowed: " + rule);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown cipher suite: " + name
                + "; expected a TLS 1.3 suite or a TLS 1.2 ECDHE/DHE suite with AES or ChaCha20, by its IANA name");
    }

    /**
     * Returns the IANA name of this suite.
     *
     * @return the name, e.g. {@code "TLS_AES_128_GCM_SHA256"}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the TLS version this suite belongs to: TLS 1.3 suites work only with TLS 1.3, the others only
     * with TLS 1.2.
     *
     * @return {@link TlsVersion#TLS_1_3} or {@link TlsVersion#TLS_1_2}
     */
    public TlsVersion version() {
        return minimumVersion;
    }

    /**
     * Returns how this suite agrees on keys.
     *
     * @return the key exchange, always forward secret
     */
    public KeyExchange keyExchange() {
        return keyExchange;
    }

    /**
     * Returns the key type the server certificate must have for this suite.
     *
     * @return the authentication
     */
    public Authentication authentication() {
        return authentication;
    }

    /**
     * Tells whether this suite uses an AEAD cipher (GCM, CCM or ChaCha20-Poly1305) rather than CBC with HMAC.
     *
     * @return true for AEAD suites
     */
    public boolean isAead() {
        return aead;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CipherSuite && ((CipherSuite) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
