package org.securemail.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A TLS signature scheme (RFC 8446 section 4.2.3) that a {@link TlsPolicy} may allow for handshake signatures.
 *
 * <p>Schemes built on SHA-1, MD5 or SHA-224, and DSA schemes, cannot be expressed. Certificate signatures
 * are checked separately by the engine (no SHA-1 or MD5 anywhere in the chain, trust anchors' own
 * self-signatures aside).
 */
public enum SignatureScheme {
    /** ECDSA on P-256 with SHA-256. */
    ECDSA_SECP256R1_SHA256("ecdsa_secp256r1_sha256"),
    /** ECDSA on P-384 with SHA-384. */
    ECDSA_SECP384R1_SHA384("ecdsa_secp384r1_sha384"),
    /** ECDSA on P-521 with SHA-512. */
    ECDSA_SECP521R1_SHA512("ecdsa_secp521r1_sha512"),
    /** EdDSA on Curve25519. */
    ED25519("ed25519"),
    /** EdDSA on Curve448. */
    ED448("ed448"),
    /** RSASSA-PSS with SHA-256, RSA key with rsaEncryption OID. */
    RSA_PSS_RSAE_SHA256("rsa_pss_rsae_sha256"),
    /** RSASSA-PSS with SHA-384, RSA key with rsaEncryption OID. */
    RSA_PSS_RSAE_SHA384("rsa_pss_rsae_sha384"),
    /** RSASSA-PSS with SHA-512, RSA key with rsaEncryption OID. */
    RSA_PSS_RSAE_SHA512("rsa_pss_rsae_sha512"),
    /** RSASSA-PSS with SHA-256, RSA key with RSASSA-PSS OID. */
    RSA_PSS_PSS_SHA256("rsa_pss_pss_sha256"),
    /** RSASSA-PSS with SHA-384, RSA key with RSASSA-PSS OID. */
    RSA_PSS_PSS_SHA384("rsa_pss_pss_sha384"),
    /** RSASSA-PSS with SHA-512, RSA key with RSASSA-PSS OID. */
    RSA_PSS_PSS_SHA512("rsa_pss_pss_sha512"),
    /** RSASSA-PKCS1-v1_5 with SHA-256 (TLS 1.2 handshakes, and certificates under TLS 1.3). */
    RSA_PKCS1_SHA256("rsa_pkcs1_sha256"),
    /** RSASSA-PKCS1-v1_5 with SHA-384 (TLS 1.2 handshakes, and certificates under TLS 1.3). */
    RSA_PKCS1_SHA384("rsa_pkcs1_sha384"),
    /** RSASSA-PKCS1-v1_5 with SHA-512 (TLS 1.2 handshakes, and certificates under TLS 1.3). */
    RSA_PKCS1_SHA512("rsa_pkcs1_sha512");

    private final String tlsName;

    SignatureScheme(String tlsName) {
        this.tlsName = tlsName;
    }

    /**
     * Returns the IANA name of this scheme, as JSSE and Bouncy Castle spell it.
     *
     * @return the name, e.g. {@code "rsa_pss_rsae_sha256"}
     */
    public String tlsName() {
        return tlsName;
    }

    /**
     * Tells whether this scheme signs with an RSA key.
     *
     * @return true for the rsa_* schemes
     */
    public boolean isRsa() {
        return tlsName.startsWith("rsa_");
    }

    /**
     * Tells whether this scheme signs with an ECDSA key.
     *
     * @return true for the ecdsa_* schemes
     */
    public boolean isEcdsa() {
        return tlsName.startsWith("ecdsa_");
    }

    /**
     * Returns the scheme with the given IANA name (case-insensitive).
     *
     * @param tlsName a name such as {@code "ecdsa_secp256r1_sha256"}
     * @return the matching scheme
     * @throws NullPointerException if {@code tlsName} is null
     * @throws IllegalArgumentException if the scheme is forbidden (SHA-1, MD5, SHA-224, DSA) or unknown
     */
    public static SignatureScheme ofTlsName(String tlsName) {
        Objects.requireNonNull(tlsName, "tlsName");
        String lower = tlsName.toLowerCase(Locale.ROOT);
        for (SignatureScheme s : values()) {
            if (s.tlsName.equals(lower)) {
                return s;
            }
        }
        if (lower.contains("sha1") || lower.contains("md5")) {
            throw new IllegalArgumentException("signature scheme " + tlsName
                    + " is not allowed: SHA-1 and MD5 signatures are forbidden (RFC 9155)");
        }
        if (lower.contains("sha224") || lower.startsWith("dsa")) {
            throw new IllegalArgumentException("signature scheme " + tlsName
                    + " is not allowed: SHA-224 and DSA signatures are forbidden; use a SHA-256 or stronger scheme");
        }
        throw new IllegalArgumentException("unknown signature scheme: " + tlsName);
    }
}
