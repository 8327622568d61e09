package org.securemail.core.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.securemail.policy.SecurityMode;

/**
 * The trust manager of every SecureMail SSLContext: it runs the {@link CertificateVerifier} during the handshake, so
 * that a refused certificate aborts the handshake before the client finishes it. It finds the connection it serves
 * by the provider's socket, which the connector registered when it created it.
 */
final class PolicyTrustManager extends X509ExtendedTrustManager {
    private final CertificateVerifier verifier;
    private final Function<Socket, ConnectionState> connections;

    PolicyTrustManager(CertificateVerifier verifier, Function<Socket, ConnectionState> connections) {
        this.verifier = verifier;
        this.connections = connections;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        ConnectionState state = connections.apply(socket);
        if (state == null) {
            throw new CertificateException("this SSLContext verifies only sockets created by SecureMail's TlsConnector");
        }
        if (socket instanceof SSLSocket) {
            SSLSession handshakeSession = ((SSLSocket) socket).getHandshakeSession();
            if (handshakeSession != null) {
                state.cipherSuiteSeen(handshakeSession.getCipherSuite());
            }
        }
        check(verifier, state, List.of(chain));
    }

    /** Runs the checks for one connection, recording the outcome; opportunistic mode accepts trust failures. */
    static void check(CertificateVerifier verifier, ConnectionState state, List<X509Certificate> chain)
            throws CertificateException {
        state.peerCertificates(chain);
        try {
            verifier.verify(chain, state.normalizedHost, new Date());
            state.certificateChecked(null);
        } catch (Refusal r) {
            if (state.mode == SecurityMode.STARTTLS_OPPORTUNISTIC && r.reason().isAuthenticationFailure()) {
                state.certificateChecked(r.reason() + ": " + r.detail());
                return;
            }
            state.refuse(r);
            throw new CertificateException(r.detail());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("SecureMail verifies SSLSocket connections only, not SSLEngine");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("SecureMail verifies a server only with its socket, to check the host name");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("SecureMail is a TLS client; it does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("SecureMail is a TLS client; it does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("SecureMail is a TLS client; it does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.acceptedIssuers();
    }
}
