package org.securemail.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.Limits;
import org.securemail.transport.internal.MailProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one SecureMail client is built from: protocol, host, port, mode, policy, credentials, timeouts, engine
 * and the few protocol options. Immutable; made by its {@link Builder}, whose {@link Builder#build()} applies every
 * rule once, for all three protocols: the default port of the protocol and mode, credentials against the mode, the
 * insecure local mode for this machine only, a WARN when a well-known port contradicts the mode.
 */
final class ClientSettings {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport");

    private final MailProtocol protocol;
    private final String host;
    private final int port;
    private final int explicitPort;
    private final SecurityMode mode;
    private final Credentials credentials;
    private final TlsPolicy policy;
    private final TlsEngine engine;
    private final Timeouts timeouts;
    private final Map<String, String> properties;
    private final String heloName;
    private final long maxLiteral;
    private final List<MailListener> listeners;
    private final java.net.InetAddress address;

    private ClientSettings(Builder b, TlsEngine engine) {
        this.protocol = b.protocol;
        this.host = b.host;
        this.explicitPort = b.port;
        this.port = b.port != 0 ? b.port : b.protocol.defaultPort(b.mode);
        this.mode = b.mode;
        this.credentials = b.credentials;
        this.policy = b.policy;
        this.engine = engine;
        this.timeouts = b.timeouts;
        this.properties = Map.copyOf(b.properties);
        this.heloName = b.heloName;
        this.maxLiteral = b.maxLiteral;
        this.listeners = List.copyOf(b.listeners);
        this.address = b.address;
    }

    static Builder builder(MailProtocol protocol, String host) {
        return new Builder(protocol, host);
    }

    Builder toBuilder() {
        Builder b = new Builder(protocol, host);
        b.port = explicitPort;
        b.mode = mode;
        b.credentials = credentials;
        b.policy = policy;
        b.engine = engine;
        b.timeouts = timeouts;
        b.properties.putAll(properties);
        b.heloName = heloName;
        b.maxLiteral = maxLiteral;
        b.listeners.addAll(listeners);
        b.address = address;
        return b;
    }

    MailProtocol protocol() {
        return protocol;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    SecurityMode mode() {
        return mode;
    }

    Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    TlsPolicy policy() {
        return policy;
    }

    TlsEngine engine() {
        return engine;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    Map<String, String> properties() {
        return properties;
    }

    Optional<String> heloName() {
        return Optional.ofNullable(heloName);
    }

    long maxLiteral() {
        return maxLiteral;
    }

    /** @return the listeners, in the order they were added */
    List<MailListener> listeners() {
        return listeners;
    }

    /** @return the address to connect to instead of the one the host name resolves to, if one was given */
    Optional<java.net.InetAddress> address() {
        return Optional.ofNullable(address);
    }

    MailEndpoint endpoint() {
        return MailEndpoint.of(protocol, host, port, mode);
    }

    @Override
    public String toString() {
        return protocol + " " + host + ":" + port + ", " + mode + ", "
                + (credentials == null ? "no credentials" : credentials);
    }

    /**
     * Refuses, at build time, an insecure cleartext client for an address literal that is not this machine's. A host
     * name is judged when the connection is made, by the address it resolves to (the guarded socket refuses any
     * address that is not a loopback one).
     */
    private static void checkInsecureHost(String host, String protocol) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean literal = h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":");
        if (!literal) {
            return;
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException("insecureCleartextForLocalDevelopment() is allowed only for a server on"
                    + " this machine (an address in 127.0.0.0/8 or ::1), not " + host + ": the "
                    + (protocol.equals("smtp") ? "mail" : "password") + " would cross the network in cleartext; use"
                    + " mode(SecurityMode.IMPLICIT_TLS) or mode(SecurityMode.STARTTLS_REQUIRED)");
        }
    }

    /** Logs a WARN when a well-known port contradicts the mode: STARTTLS on an implicit-TLS port, or the reverse. */
    private static void warnIfPortContradictsMode(Logger log, String protocol, String host, int port,
            SecurityMode mode) {
        MailProtocol p = MailProtocol.valueOf(protocol.toUpperCase(Locale.ROOT));
        boolean implicitPort = p.isImplicitTlsPort(port);
        boolean cleartextFirstPort = p.isCleartextFirstPort(port);
        if (implicitPort && (mode == SecurityMode.STARTTLS_REQUIRED || mode == SecurityMode.STARTTLS_OPPORTUNISTIC)) {
            log.warn("SecureMail {} client for {}:{} uses {}, but port {} is the implicit-TLS port: the server will"
                    + " wait for a TLS handshake and send no greeting; use mode(SecurityMode.IMPLICIT_TLS)",
                    protocol.toUpperCase(Locale.ROOT), host, port, mode, port);
        } else if (cleartextFirstPort && mode == SecurityMode.IMPLICIT_TLS) {
            log.warn("SecureMail {} client for {}:{} uses IMPLICIT_TLS, but port {} speaks cleartext first; use"
                    + " mode(SecurityMode.STARTTLS_REQUIRED)", protocol.toUpperCase(Locale.ROOT), host, port, port);
        }
    }

    /** Builds the settings; each setter checks its argument at once, {@link #build()} checks the combination. */
    static final class Builder {
        private final MailProtocol protocol;
        private final String host;
        private int port;
        private SecurityMode mode;
        private Credentials credentials;
        private TlsPolicy policy = TlsPolicy.MODERN;
        private TlsEngine engine;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private String heloName;
        private long maxLiteral = Limits.DEFAULT_MAX_LITERAL;
        private final List<MailListener> listeners = new ArrayList<>();
        private java.net.InetAddress address;

        private Builder(MailProtocol protocol, String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host must be a host name or address without spaces: \"" + host
                        + "\"");
            }
            this.protocol = protocol;
            this.host = host;
            this.mode = protocol == MailProtocol.SMTP ? SecurityMode.STARTTLS_REQUIRED : SecurityMode.IMPLICIT_TLS;
        }

        void mode(SecurityMode mode) {
            Objects.requireNonNull(mode, "mode");
            if (mode == SecurityMode.INSECURE_CLEARTEXT) {
                throw new IllegalArgumentException("mode INSECURE_CLEARTEXT is not set through mode(...); call"
                        + " insecureCleartextForLocalDevelopment() if you really mean an unencrypted "
                        + (protocol == MailProtocol.SMTP ? "local relay" : "server on this machine"));
            }
            if (mode == SecurityMode.STARTTLS_OPPORTUNISTIC && protocol != MailProtocol.SMTP) {
                throw new IllegalArgumentException("mode STARTTLS_OPPORTUNISTIC is for relaying between mail servers;"
                        + " mailbox access always carries credentials, which travel only inside TLS: use"
                        + " mode(SecurityMode.IMPLICIT_TLS) (the default) or mode(SecurityMode.STARTTLS_REQUIRED)");
            }
            this.mode = mode;
        }

        void insecureCleartext() {
            this.mode = SecurityMode.INSECURE_CLEARTEXT;
        }

        void port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
            }
            this.port = port;
        }

        void credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
        }

        void policy(TlsPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        void engine(TlsEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        void timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        }

        void property(String key, String value) {
            MailProperties.checkUserProperty(protocol.name().toLowerCase(Locale.ROOT), key, value);
            if (key.equals("mail.imap.fetchsize")) {
                // Each piece of a message body is one literal: bounded below to stay efficient, above by the heap.
                checkRange(key, value, 1024, 1 << 20);
            }
            properties.put(key, value);
        }

        private static void checkRange(String key, String value, long min, long max) {
            long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("property " + key + " must be a number: \"" + value + "\"");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("property " + key + " must be between " + min + " and " + max
                        + ": " + value);
            }
        }

        void heloName(String heloName) {
            Objects.requireNonNull(heloName, "heloName");
            if (heloName.isEmpty() || heloName.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("heloName must be a host name without spaces or control"
                        + " characters: \"" + heloName + "\"");
            }
            this.heloName = heloName;
        }

        void connectTo(java.net.InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        void listener(MailListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
        }

        void maxLiteral(long bytes) {
            if (bytes < 1024 || bytes > 1024L * 1024 * 1024) {
                throw new IllegalArgumentException("maxLiteralSize must be between 1 KiB and 1 GiB: " + bytes);
            }
            this.maxLiteral = bytes;
        }

        /**
         * Checks the combination and builds the settings; the builder is left as it was.
         *
         * @throws IllegalStateException if credentials are missing (mailbox access), set in a mode that never sends
         *     them (SMTP relaying, the insecure mode), or the insecure mode names an address of another machine
         */
        ClientSettings build() {
            boolean fetch = protocol != MailProtocol.SMTP;
            if (fetch && credentials == null) {
                throw new IllegalStateException("credentials are required: mailbox access always authenticates; set"
                        + " credentials(Credentials.password(...)) or credentials(Credentials.oauth2(...))");
            }
            if (!fetch && credentials != null && mode == SecurityMode.STARTTLS_OPPORTUNISTIC) {
                throw new IllegalStateException("credentials are never sent in STARTTLS_OPPORTUNISTIC mode, which may"
                        + " fall back to cleartext (RFC 8314, RFC 7435); use mode(SecurityMode.STARTTLS_REQUIRED) or"
                        + " mode(SecurityMode.IMPLICIT_TLS) for submission");
            }
            if (!fetch && credentials != null && mode == SecurityMode.INSECURE_CLEARTEXT) {
                throw new IllegalStateException("credentials are never sent without TLS; a local development relay"
                        + " does not need them");
            }
            if (mode == SecurityMode.INSECURE_CLEARTEXT) {
                checkInsecureHost(host, protocol.name().toLowerCase(Locale.ROOT));
            }
            ClientSettings s = new ClientSettings(this, engine != null ? engine : TlsEngine.shared());
            warnIfPortContradictsMode(LOG, protocol.name().toLowerCase(Locale.ROOT), host, s.port,
                    mode);
            if (mode == SecurityMode.INSECURE_CLEARTEXT) {
                LOG.warn("SecureMail {} client for {}:{} is INSECURE_CLEARTEXT: {} travel unencrypted; use it only"
                        + " with a development server on this machine", protocol, host, s.port,
                        fetch ? "the password and the mail" : "the mail");
            }
            return s;
        }
    }
}
