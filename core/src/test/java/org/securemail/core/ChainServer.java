package org.securemail.core;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A JDK TLS server on 127.0.0.1, port 0, that presents exactly the chain it is given, in that order, whether or not it
 * is a valid chain: for DANE cases a well-behaved test server cannot produce (a chain that does not lead to the
 * certificate it carries, an expired intermediate). Each connection is handshaken and answered {@code "hello\n"}.
 */
final class ChainServer implements AutoCloseable {
    private final SSLServerSocket serverSocket;
    private final Thread acceptor;
    private volatile boolean closed;

    private ChainServer(PrivateKey key, List<X509Certificate> chain, String[] protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new X509ExtendedKeyManager[] {new FixedKeyManager(key, chain)}, null, null);
        serverSocket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        if (protocols.length > 0) {
            serverSocket.setEnabledProtocols(protocols);
        }
        acceptor = new Thread(this::acceptLoop, "dane-chain-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server.
     *
     * @param key the leaf's private key
     * @param chain the certificates to send, leaf first
     * @param protocols the versions to enable, or none for the JDK's defaults
     * @return the running server
     */
    static ChainServer start(PrivateKey key, List<X509Certificate> chain, String... protocols) {
        try {
            return new ChainServer(key, chain, protocols);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the chain server: " + e, e);
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try (SSLSocket s = (SSLSocket) serverSocket.accept()) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // a client that refused the chain ends the handshake; serve the next one
            }
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        serverSocket.close();
        acceptor.join();
    }

    /** Always the one key and chain. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain.toArray(new X509Certificate[0]);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keyType.equals(key.getAlgorithm()) ? "server" : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"server"};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
