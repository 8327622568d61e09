package org.securemail.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.securemail.core.Handshake;
import org.securemail.core.PlaintextFilter;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.SecurityMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket every SecureMail TLS connection is made of: it wraps the provider's {@link SSLSocket} and owns its
 * handshake. {@link #startHandshake()} applies the policy to the provider socket (replacing anything set on it since),
 * runs the handshake once, re-checks what was negotiated, records the {@link Handshake}, and turns any failure into a
 * {@link TlsRefusedException} naming the rule. Calling it again is a no-op, never a renegotiation or key update.
 * Reading, writing or asking for the session before the handshake first runs it.
 */
public final class EnforcingSSLSocket extends PolicyEnforcedSocket {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.core.handshake");

    private final SSLSocket delegate;
    private final PolicyContext context;
    private final ConnectionState state;
    private final Object handshakeLock = new Object();
    private volatile Handshake handshake;
    private volatile IOException failure;
    private final PlaintextFilter filter;
    private InputStream filteredIn;
    private OutputStream filteredOut;

    EnforcingSSLSocket(SSLSocket delegate, PolicyContext context, ConnectionState state, PlaintextFilter filter) {
        this.delegate = delegate;
        this.context = context;
        this.state = state;
        this.filter = filter;
    }

    @Override
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }

    @Override
    public SecurityMode mode() {
        return state.mode;
    }

    @Override
    public void startHandshake() throws IOException {
        synchronized (handshakeLock) {
            if (handshake != null) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            long start = System.nanoTime();
            try {
                context.configure(delegate, state);
                delegate.startHandshake();
                Handshake h = context.verifyAfterHandshake(delegate, state, start);
                handshake = h;
                LOG.debug("TLS handshake {}", h);
            } catch (TlsRefusedException refused) {
                closeQuietly();
                failure = refused;
                LOG.debug("TLS handshake refused: {}", refused.getMessage());
                throw refused;
            } catch (IOException e) {
                Refusal r = state.refusal();
                if (r == null) {
                    r = FailureClassifier.classify(e, context.policy(), state);
                }
                closeQuietly();
                if (r == null) {
                    failure = e;
                    throw e;
                }
                TlsRefusedException refused = new TlsRefusedException(r.reason(), state.host, state.port, state.mode,
                        r.detail(), null, state.peerCertificates(), e);
                failure = refused;
                LOG.debug("TLS handshake refused: {}", refused.getMessage());
                throw refused;
            } finally {
                context.unregister(delegate);
            }
        }
    }

    private void closeQuietly() {
        try {
            delegate.close();
        } catch (IOException ignored) {
            // the refusal is what matters
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        startHandshake();
        synchronized (handshakeLock) {
            if (filteredIn == null) {
                filteredIn = filter.input(delegate.getInputStream());
            }
            return filteredIn;
        }
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        startHandshake();
        synchronized (handshakeLock) {
            if (filteredOut == null) {
                filteredOut = filter.output(delegate.getOutputStream());
            }
            return filteredOut;
        }
    }

    @Override
    public SSLSession getSession() {
        try {
            startHandshake();
        } catch (IOException e) {
            // as SSLSocket.getSession() specifies: the failure shows as an invalid session
        }
        return delegate.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return delegate.getHandshakeSession();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return delegate.getEnabledCipherSuites();
    }

    /** Accepted for compatibility; the policy's suites are applied again when the handshake starts. */
    @Override
    public void setEnabledCipherSuites(String[] suites) {
        delegate.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return delegate.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return delegate.getEnabledProtocols();
    }

    /** Accepted for compatibility; the policy's versions are applied again when the handshake starts. */
    @Override
    public void setEnabledProtocols(String[] protocols) {
        delegate.setEnabledProtocols(protocols);
    }

    @Override
    public SSLParameters getSSLParameters() {
        return delegate.getSSLParameters();
    }

    /** Accepted for compatibility; the policy's parameters are applied again when the handshake starts. */
    @Override
    public void setSSLParameters(SSLParameters params) {
        delegate.setSSLParameters(params);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        delegate.addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        delegate.removeHandshakeCompletedListener(listener);
    }

    @Override
    public void setUseClientMode(boolean mode) {
        if (!mode) {
            throw new IllegalArgumentException("SecureMail sockets are TLS clients only");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return true;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        delegate.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return delegate.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        delegate.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return delegate.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        delegate.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return delegate.getEnableSessionCreation();
    }

    @Override
    public String getApplicationProtocol() {
        return delegate.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return delegate.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, java.util.List<String>, String> s) {
        delegate.setHandshakeApplicationProtocolSelector(s);
    }

    @Override
    public BiFunction<SSLSocket, java.util.List<String>, String> getHandshakeApplicationProtocolSelector() {
        return delegate.getHandshakeApplicationProtocolSelector();
    }

    // java.net.Socket: everything goes to the provider socket, never to this object's own (unused) implementation.

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        delegate.connect(endpoint);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        delegate.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        delegate.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return delegate.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return delegate.getLocalAddress();
    }

    @Override
    public int getPort() {
        return delegate.getPort();
    }

    @Override
    public int getLocalPort() {
        return delegate.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return delegate.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return delegate.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return delegate.getChannel();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        delegate.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return delegate.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        delegate.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return delegate.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        delegate.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        delegate.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return delegate.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        delegate.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return delegate.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        delegate.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return delegate.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        delegate.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return delegate.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        delegate.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return delegate.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        delegate.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return delegate.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        delegate.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return delegate.getReuseAddress();
    }

    @Override
    public void close() throws IOException {
        try {
            try {
                // With a read timeout set, the JDK's close() waits up to that timeout for the peer's close_notify
                // (SSLSocketImpl.bruteForceCloseInput); a stalled server would then cost the timeout twice.
                delegate.setSoTimeout(0);
            } catch (IOException | RuntimeException ignored) {
                // already closed
            }
            delegate.close();
        } finally {
            context.unregister(delegate);
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        delegate.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        delegate.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return delegate.isConnected();
    }

    @Override
    public boolean isBound() {
        return delegate.isBound();
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return delegate.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return delegate.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        delegate.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> java.net.Socket setOption(SocketOption<T> name, T value) throws IOException {
        delegate.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return delegate.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return delegate.supportedOptions();
    }

    @Override
    public String toString() {
        Handshake h = handshake;
        return "SecureMail TLS socket to " + state.host + ":" + state.port + " (" + state.mode + ", "
                + (h != null ? h.tlsVersion().protocolName() + " " + h.cipherSuite() : "no handshake yet") + ")";
    }
}
