package org.securemail.core.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.securemail.policy.ClientCertificate;

/**
 * Presents the policy's one client certificate, if it has one, when a server asks for one, and records that the server
 * asked, so that a refusal can say "the server requires a client certificate".
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "securemail-client";

    private final ClientCertificate certificate;
    private final String keyFamily;
    private final Function<Socket, ConnectionState> connections;

    SingleKeyManager(ClientCertificate certificate, Function<Socket, ConnectionState> connections) {
        this.certificate = certificate;
        this.connections = connections;
        String algorithm = certificate == null ? "" : certificate.privateKey().getAlgorithm().toUpperCase(Locale.ROOT);
        this.keyFamily = algorithm.startsWith("RSA") ? "RSA" : algorithm.startsWith("ED") ? "ED" : algorithm;
    }

    private boolean fits(String[] keyTypes) {
        if (certificate == null) {
            return false;
        }
        if (keyTypes == null) {
            return true;
        }
        for (String type : keyTypes) {
            String t = type.toUpperCase(Locale.ROOT);
            if (t.startsWith(keyFamily) || (keyFamily.equals("ED") && t.equals("EDDSA"))
                    || (keyFamily.equals("EC") && t.startsWith("EC"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        ConnectionState state = socket == null ? null : connections.apply(socket);
        if (state != null) {
            state.clientCertificateRequested();
        }
        return fits(keyTypes) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return fits(keyTypes) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return fits(new String[] {keyType}) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return certificate != null && ALIAS.equals(alias) ? certificate.chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return certificate != null && ALIAS.equals(alias) ? certificate.privateKey() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
