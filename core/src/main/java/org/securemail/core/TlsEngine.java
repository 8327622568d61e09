package org.securemail.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.securemail.policy.TlsPolicy;

/**
 * Holds one {@link TlsConnector} per {@link TlsPolicy}: an {@code SSLContext} is built the first time a policy is
 * used and reused afterwards (so TLS sessions can be resumed). Thread-safe. Two engines share nothing; neither reads
 * nor changes any JVM-wide setting.
 *
 * <p>SecureMail's clients use {@link #shared()} unless given an engine, so that every client with an equal policy
 * resumes the TLS sessions of the others: a new sender per message costs a resumed handshake, not a full one. An
 * engine keeps the connectors of its {@value #MAX_POLICIES} most recently used policies; a client keeps using its own
 * connector after it is evicted.
 *
 * <pre>{@code
 * TlsEngine engine = TlsEngine.create();
 * PolicyEnforcedSocket socket = engine.connector(TlsPolicy.MODERN)
 *         .connect("mail.example.com", 465, SecurityMode.IMPLICIT_TLS, Duration.ofSeconds(10), Duration.ofSeconds(30));
 * Handshake handshake = socket.handshake().orElseThrow();
 * }</pre>
 */
public final class TlsEngine {
    /** How many policies' connectors an engine keeps. */
    public static final int MAX_POLICIES = 64;

    private static final TlsEngine SHARED = new TlsEngine();

    private final Map<TlsPolicy, TlsConnector> connectors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TlsPolicy, TlsConnector> eldest) {
            return size() > MAX_POLICIES;
        }
    };

    private TlsEngine() {
    }

    /**
     * Returns the engine that SecureMail's clients use when none is given: one per class loader that loaded
     * SecureMail. Sessions cached in it are resumed only by connections under an equal policy, and every resumed
     * session is checked again against the connection's host name and pins.
     *
     * @return the shared engine
     */
    public static TlsEngine shared() {
        return SHARED;
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
        synchronized (connectors) {
            return connectors.computeIfAbsent(policy, TlsConnector::new);
        }
    }
}
