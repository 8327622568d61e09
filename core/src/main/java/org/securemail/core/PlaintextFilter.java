package org.securemail.core;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sees the application data of one TLS connection in plaintext, between the TLS layer and the protocol code above it:
 * a mail client uses it to bound what a server may make it read and to watch the commands it writes. Given to
 * {@link TlsConnector#layer(java.net.Socket, String, int, org.securemail.policy.SecurityMode, PlaintextFilter)};
 * each method is called once per socket, after the handshake passed every check.
 *
 * <p>A filter cannot weaken the connection: it sees only what already travels inside TLS that met the policy.
 */
public interface PlaintextFilter {
    /** A filter that passes both streams through unchanged. */
    PlaintextFilter NONE = new PlaintextFilter() {
        @Override
        public InputStream input(InputStream in) {
            return in;
        }

        @Override
        public OutputStream output(OutputStream out) {
            return out;
        }
    };

    /**
     * Wraps the stream of decrypted data from the server.
     *
     * @param in the TLS socket's input stream
     * @return the stream the socket's {@code getInputStream()} returns from now on
     */
    InputStream input(InputStream in);

    /**
     * Wraps the stream of data to be encrypted and sent to the server.
     *
     * @param out the TLS socket's output stream
     * @return the stream the socket's {@code getOutputStream()} returns from now on
     */
    OutputStream output(OutputStream out);
}
