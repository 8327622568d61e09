package org.securemail.core.internal;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.XECKey;
import java.security.spec.NamedParameterSpec;
import java.util.List;
import java.util.Locale;
import javax.crypto.interfaces.DHKey;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.internal.KeyStrength;

/**
 * What one connection's checks learn during its handshake: the first broken rule, the key-exchange key seen, and the
 * result of the certificate check. Shared between the socket, its algorithm constraints and the trust manager;
 * written by the handshake thread.
 */
final class ConnectionState {
    final String host;
    final String normalizedHost;
    final int port;
    final SecurityMode mode;
    final String sniHostName;

    private volatile Refusal refusal;
    private volatile String keyExchangeGroup;
    private volatile boolean certificateChecked;
    private volatile String authenticationFailure;
    private volatile String cipherSuiteSeen;
    private volatile boolean clientCertificateRequested;
    private volatile List<X509Certificate> peerCertificates = List.of();

    ConnectionState(String host, int port, SecurityMode mode) {
        this.host = host;
        this.normalizedHost = HostNames.normalize(host);
        this.port = port;
        this.mode = mode;
        this.sniHostName = HostNames.isIpLiteral(normalizedHost) ? null : normalizedHost;
    }

    /** Records the first rule broken during the handshake; later ones are consequences. */
    void refuse(Refusal r) {
        if (refusal == null) {
            refusal = r;
        }
    }

    Refusal refusal() {
        return refusal;
    }

    void observeKeyExchange(PublicKey key) {
        keyExchangeGroup = groupName(key);
    }

    String keyExchangeGroup() {
        return keyExchangeGroup;
    }

    void certificateChecked(String authenticationFailure) {
        this.certificateChecked = true;
        this.authenticationFailure = authenticationFailure;
    }

    boolean isCertificateChecked() {
        return certificateChecked;
    }

    String authenticationFailure() {
        return authenticationFailure;
    }

    void cipherSuiteSeen(String suite) {
        this.cipherSuiteSeen = suite;
    }

    String cipherSuiteSeen() {
        return cipherSuiteSeen;
    }

    void peerCertificates(List<X509Certificate> chain) {
        this.peerCertificates = List.copyOf(chain);
    }

    List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    void clientCertificateRequested() {
        this.clientCertificateRequested = true;
    }

    boolean isClientCertificateRequested() {
        return clientCertificateRequested;
    }

    /** Names the key-exchange group a public key belongs to, e.g. x25519, secp256r1, or "DH 2048-bit". */
    static String groupName(PublicKey key) {
        if (key instanceof XECKey && ((XECKey) key).getParams() instanceof NamedParameterSpec) {
            return ((NamedParameterSpec) ((XECKey) key).getParams()).getName().toLowerCase(Locale.ROOT);
        }
        if (key instanceof ECKey) {
            int bits = KeyStrength.bits(key);
            switch (bits) {
                case 256:
                    return "secp256r1";
                case 384:
                    return "secp384r1";
                case 521:
                    return "secp521r1";
                default:
                    return "EC " + bits + "-bit";
            }
        }
        if (key instanceof DHKey) {
            return "DH " + KeyStrength.bits(key) + "-bit";
        }
        return KeyStrength.describe(key);
    }

    static Refusal weakKeyExchange(String detail) {
        return new Refusal(TlsRefusalReason.WEAK_KEY_EXCHANGE, detail);
    }
}
