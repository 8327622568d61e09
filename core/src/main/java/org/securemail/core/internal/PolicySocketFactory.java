package org.securemail.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;
import org.securemail.policy.SecurityMode;

/**
 * An {@link SSLSocketFactory} whose every socket enforces one policy in one mode. Jakarta Mail uses only
 * {@link #createSocket(Socket, String, int, boolean)}, for implicit TLS and STARTTLS alike.
 */
public final class PolicySocketFactory extends SSLSocketFactory {
    private final PolicyContext context;
    private final SecurityMode mode;
    private final Duration connectTimeout;

    /**
     * Creates the factory.
     *
     * @param context the policy context
     * @param mode the security mode its sockets serve
     * @param connectTimeout the connect timeout of the {@code createSocket(host, port)} variants
     */
    public PolicySocketFactory(PolicyContext context, SecurityMode mode, Duration connectTimeout) {
        this.context = context;
        this.mode = mode;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return context.policy().cipherSuites().stream().map(Object::toString).toArray(String[]::new);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return getDefaultCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return context.layer(s, host, port, autoClose, mode);
    }

    @Override
    public Socket createSocket() throws IOException {
        throw new SocketException("SecureMail creates TLS sockets only over a connected socket or by host and port");
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port), host, null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connect(new InetSocketAddress(host, port), host, new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port), host.getHostAddress(), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connect(new InetSocketAddress(address, port), address.getHostAddress(),
                new InetSocketAddress(localAddress, localPort));
    }

    private Socket connect(InetSocketAddress remote, String host, InetSocketAddress local) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            if (local != null) {
                plain.bind(local);
            }
            plain.connect(remote, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            return context.layer(plain, host, remote.getPort(), true, mode);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "SecureMail socket factory (" + mode + ", " + context.policy().provider() + ")";
    }
}
