package org.securemail.bench;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** A TLS client for P3: layers TLS over a connected socket; the harness times {@link #handshake}. */
interface TlsClient {
    /**
     * Layers TLS over the socket and completes the handshake.
     *
     * @param connected a connected plain socket
     * @return the TLS socket, handshake done
     * @throws IOException if the handshake fails
     */
    SSLSocket handshake(Socket connected) throws IOException;

    /**
     * Tells whether the handshake of a socket from {@link #handshake} resumed a session.
     *
     * @param socket the socket
     * @return whether it was resumed (no certificate was presented and checked)
     */
    boolean resumed(SSLSocket socket);
}
