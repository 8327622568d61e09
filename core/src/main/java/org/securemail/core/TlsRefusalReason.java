package org.securemail.core;

/**
 * Why SecureMail refused a TLS connection. Every value names a rule of the {@link org.securemail.policy.TlsPolicy}
 * or a failure of the server; {@link TlsRefusedException#getMessage()} adds the actual value and what to do.
 */
public enum TlsRefusalReason {
    /** The server supports only TLS versions below the policy minimum (TLS 1.0, TLS 1.1, or TLS 1.2 under a TLS 1.3-only policy). */
    PROTOCOL_VERSION(false),
    /** The server accepted none of the policy's cipher suites (for example it offers only static-RSA or CBC suites). */
    NO_SHARED_CIPHER_SUITE(false),
    /** The ephemeral key exchange was too weak: a DH group or curve below the minimum, or a group the policy does not allow. */
    WEAK_KEY_EXCHANGE(false),
    /** The server signed the handshake with a scheme the policy does not allow. */
    WEAK_HANDSHAKE_SIGNATURE(false),
    /** A certificate in the chain has expired. */
    CERTIFICATE_EXPIRED(true),
    /** A certificate in the chain is not valid yet. */
    CERTIFICATE_NOT_YET_VALID(true),
    /** The chain leads to a certificate authority the policy does not trust. */
    CERTIFICATE_UNTRUSTED(true),
    /** The server presented a self-signed certificate that the policy does not trust or pin. */
    CERTIFICATE_SELF_SIGNED(true),
    /** The server did not send the intermediate certificates needed to reach a trusted authority. */
    CERTIFICATE_CHAIN_INCOMPLETE(true),
    /** No certificate in the chain carries a key pinned by the policy. */
    CERTIFICATE_PIN_MISMATCH(true),
    /**
     * Under {@link org.securemail.policy.TrustSource#dane DANE}, the chain matches none of the server's DNSSEC-signed
     * TLSA records, or a certificate matches a DANE-TA record but the server's own certificate does not chain up to it
     * (RFC 7672, RFC 6698).
     */
    DANE_MISMATCH(true),
    /** The certificate does not name the host that was connected to (RFC 9525: subjectAltName only). */
    HOST_NAME_MISMATCH(true),
    /** A certificate key is too small or of a forbidden type (RSA below 2048 bits, EC below 256 bits, DSA). */
    CERTIFICATE_KEY_TOO_WEAK(false),
    /** A certificate is signed with SHA-1, MD5 or another forbidden algorithm. */
    CERTIFICATE_SIGNATURE_WEAK(false),
    /** The leaf certificate is not meant for a TLS server (key usage or extended key usage). */
    CERTIFICATE_NOT_FOR_SERVER(false),
    /** The server rejected the client certificate, or required one and none was configured. */
    CLIENT_CERTIFICATE_REJECTED(false),
    /** The handshake failed for another reason; the cause holds the provider's exception. */
    HANDSHAKE_FAILED(false);

    private final boolean authenticationFailure;

    TlsRefusalReason(boolean authenticationFailure) {
        this.authenticationFailure = authenticationFailure;
    }

    /**
     * Tells whether this reason is a failure to authenticate the server (trust, validity, pin or host name) rather
     * than a weakness of the connection itself. Only such failures are accepted, and recorded as unauthenticated, in
     * {@link org.securemail.policy.SecurityMode#STARTTLS_OPPORTUNISTIC} mode.
     *
     * @return true for the trust, validity, pin, DANE and host name reasons
     */
    public boolean isAuthenticationFailure() {
        return authenticationFailure;
    }
}
