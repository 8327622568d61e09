package org.securemail.core;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.securemail.policy.TlsPolicy;

/**
 * Holds one {@link TlsConnector} per {@link TlsPolicy}: an {@code SSLContext} is built the first time a policy is
 * used and reused afterwards (so TLS sessions can be resumed). Thread-safe. Share one engine across an application;
 * an engine holds no global state, and two engines share nothing.
 *
 * <pre>{@code
 * TlsEngine engine = TlsEngine.create();
 * SSLSocket socket = engine.connector(TlsPolicy.MODERN)
 *         .connect("mail.example.com", 465, SecurityMode.IMPLICIT_TLS, Duration.ofSeconds(10), Duration.ofSeconds(30));
 * Handshake handshake = ((PolicyEnforcedSocket) socket).handshake().orElseThrow();
 * }</pre>
 */
public final class TlsEngine {
    private final ConcurrentMap<TlsPolicy, TlsConnector> connectors = new ConcurrentHashMap<>();

    private TlsEngine() {
    }

    /**
     * Creates an engine with an empty cache.
     *
     * @return a new engine
     */
    public static TlsEngine create() {
        return new TlsEngine();
    }

    /**
     * Returns the connector for a policy, creating its {@code SSLContext} on first use.
     *
     * @param policy the policy
     * @return the connector, the same instance for equal policies
     * @throws NullPointerException if {@code policy} is null
     * @throws IllegalStateException if the policy's provider is not available or supports none of its suites for
     *     an allowed version
     */
    public TlsConnector connector(TlsPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return connectors.computeIfAbsent(policy, TlsConnector::new);
    }
}
