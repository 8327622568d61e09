package org.securemail.policy;

import java.util.Objects;

/**
 * A TLS protocol version that a {@link TlsPolicy} may allow.
 *
 * <p>Only TLS 1.2 and TLS 1.3 exist here: SSL 3.0, TLS 1.0 and TLS 1.1 cannot be expressed at all
 * (RFC 8996 deprecates them, RFC 8314 and RFC 9325 require TLS 1.2 or newer for mail).
 */
public enum TlsVersion {
    /** TLS 1.2 (RFC 5246), allowed only with forward-secret key exchange. */
    TLS_1_2("TLSv1.2"),
    /** TLS 1.3 (RFC 8446). */
    TLS_1_3("TLSv1.3");

    private final String protocolName;

    TlsVersion(String protocolName) {
        this.protocolName = protocolName;
    }

    /**
     * Returns the JSSE name of this version, as used by {@code SSLSocket.setEnabledProtocols}.
     *
     * @return {@code "TLSv1.2"} or {@code "TLSv1.3"}
     */
    public String protocolName() {
        return protocolName;
    }

    /**
     * Returns the version with the given JSSE protocol name.
     *
     * @param protocolName a JSSE protocol name such as {@code "TLSv1.3"}
     * @return the matching version
     * @throws NullPointerException if {@code protocolName} is null
     * @throws IllegalArgumentException if the name is a forbidden version (SSL 3.0, TLS 1.0, TLS 1.1)
     *     or not a TLS version at all
     */
    public static TlsVersion ofProtocolName(String protocolName) {
        Objects.requireNonNull(protocolName, "protocolName");
        for (TlsVersion v : values()) {
            if (v.protocolName.equals(protocolName)) {
                return v;
            }
        }
        switch (protocolName) {
            case "TLSv1":
            case "TLSv1.1":
            case "SSLv3":
            case "SSLv2Hello":
                throw new IllegalArgumentException("TLS version " + protocolName
                        + " is not allowed: versions below TLS 1.2 are forbidden (RFC 8996); use TLS_1_2 or TLS_1_3");
            default:
                throw new IllegalArgumentException("unknown TLS version: " + protocolName
                        + "; expected TLSv1.2 or TLSv1.3");
        }
    }
}
