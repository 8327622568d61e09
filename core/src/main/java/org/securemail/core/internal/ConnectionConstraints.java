package org.securemail.core.internal;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.SignatureScheme;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsVersion;
import org.securemail.policy.internal.KeyStrength;

/**
 * The policy as per-socket {@link AlgorithmConstraints}: the JDK consults them, in addition to its own JVM-wide
 * settings, for every cipher suite, named group and signature scheme it would offer or accept, and for every key it
 * is handed during the handshake (the server's ephemeral key share, its certificate key). This is how the engine
 * restricts groups and signature schemes per connection on Java 17, where {@code SSLParameters} has no setter for
 * them, without touching any JVM-wide property.
 *
 * <p>Each instance belongs to one connection: it records the key-exchange key it sees, and the first rule it had to
 * enforce, so that a refused handshake is reported with the right reason.
 */
final class ConnectionConstraints implements AlgorithmConstraints {
    private static final Set<String> TLS_GROUP_NAMES = Set.of(
            "secp160k1", "secp160r1", "secp160r2", "secp192k1", "secp192r1", "secp224k1", "secp224r1",
            "secp256k1", "secp256r1", "secp384r1", "secp521r1", "x25519", "x448",
            "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
            "sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2", "sect233k1", "sect233r1", "sect239k1",
            "sect283k1", "sect283r1", "sect409k1", "sect409r1", "sect571k1", "sect571r1",
            "brainpoolp256r1", "brainpoolp384r1", "brainpoolp512r1",
            "brainpoolp256r1tls13", "brainpoolp384r1tls13", "brainpoolp512r1tls13",
            "x25519mlkem768", "secp256r1mlkem768", "secp384r1mlkem1024", "mlkem512", "mlkem768", "mlkem1024");
    private static final Set<String> TLS_SCHEME_NAMES = Set.of(
            "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "ecdsa_sha224", "ecdsa_sha1",
            "ed25519", "ed448", "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
            "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384",
            "rsa_pkcs1_sha512", "rsa_sha224", "rsa_pkcs1_sha1", "rsa_md5", "dsa_sha256", "dsa_sha224", "dsa_sha1",
            "ecdsa_brainpoolp256r1tls13_sha256", "ecdsa_brainpoolp384r1tls13_sha384",
            "ecdsa_brainpoolp512r1tls13_sha512", "rsa_sha1");

    private final TlsPolicy policy;
    private final ConnectionState state;
    private final Set<String> suites;
    private final Set<String> groups;
    private final Set<String> schemes;
    private final Set<String> versions;

    ConnectionConstraints(TlsPolicy policy, ConnectionState state) {
        this.policy = policy;
        this.state = state;
        this.suites = policy.cipherSuites().stream().map(CipherSuite::name).collect(Collectors.toSet());
        this.groups = policy.namedGroups().stream().map(NamedGroup::tlsName).collect(Collectors.toSet());
        this.schemes = policy.signatureSchemes().stream().map(SignatureScheme::tlsName).collect(Collectors.toSet());
        this.versions = policy.versions().stream().map(TlsVersion::protocolName).collect(Collectors.toSet());
    }

    @Override
    public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
        if (algorithm == null) {
            return true;
        }
        String lower = algorithm.toLowerCase(Locale.ROOT);
        if (TLS_GROUP_NAMES.contains(lower)) {
            return groups.contains(lower);
        }
        if (TLS_SCHEME_NAMES.contains(lower)) {
            return schemes.contains(lower);
        }
        if (algorithm.startsWith("TLS_") || algorithm.startsWith("SSL_")) {
            return algorithm.endsWith("_SCSV") || suites.contains(algorithm);
        }
        if (algorithm.startsWith("TLSv") || algorithm.startsWith("SSLv") || algorithm.startsWith("DTLS")) {
            return versions.contains(algorithm);
        }
        if (primitives.contains(CryptoPrimitive.SIGNATURE)) {
            String compact = lower.replace("-", "");
            if (compact.contains("sha1") || compact.contains("md5") || compact.contains("md2")
                    || compact.contains("sha224") || compact.equals("dsa") || compact.endsWith("withdsa")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
        if (!(key instanceof PublicKey)) {
            return true;
        }
        PublicKey publicKey = (PublicKey) key;
        boolean keyAgreement = primitives.contains(CryptoPrimitive.KEY_AGREEMENT);
        if (keyAgreement) {
            state.observeKeyExchange(publicKey);
        }
        int bits = KeyStrength.bits(publicKey);
        int minimum;
        switch (KeyStrength.family(publicKey)) {
            case RSA:
                minimum = policy.minimumRsaKeyBits();
                break;
            case EC:
                minimum = policy.minimumEcKeyBits();
                break;
            case DH:
                minimum = policy.minimumDhKeyBits();
                break;
            case DSA:
                state.refuse(new Refusal(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK,
                        "DSA key not allowed: the server uses a " + KeyStrength.describe(publicKey) + " key"));
                return false;
            default:
                return true;
        }
        if (bits >= minimum) {
            return true;
        }
        if (keyAgreement) {
            state.refuse(ConnectionState.weakKeyExchange("ephemeral key exchange below the policy minimum: the server"
                    + " chose a " + ConnectionState.groupName(publicKey) + " group (minimum " + minimum + " bits);"
                    + " the server must offer a stronger group (RFC 7919 ffdhe2048 or larger, or an elliptic curve)"));
        } else {
            state.refuse(new Refusal(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK, "handshake key below the policy"
                    + " minimum: the server uses a " + KeyStrength.describe(publicKey) + " key (minimum " + minimum
                    + " bits); the server needs a stronger key"));
        }
        return false;
    }

    @Override
    public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key,
                           AlgorithmParameters parameters) {
        return permits(primitives, algorithm, parameters) && permits(primitives, key);
    }
}
