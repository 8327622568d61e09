package org.securemail.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.securemail.policy.SecurityMode;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code securemail.*} keys: what Spring Boot's {@code spring.mail.*} keys have no word for. Host, port,
 * credentials, encoding and trust (an SSL bundle) of the SMTP server stay under {@code spring.mail.*}; the table in
 * docs/spring-boot.md lists every key with its default.
 */
@ConfigurationProperties("securemail")
public class SecureMailProperties {
    private String policy = "MODERN";
    private final TimeoutSettings timeouts = new TimeoutSettings();
    private final Smtp smtp = new Smtp();
    private final Fetcher imap = new Fetcher();
    private final Fetcher pop3 = new Fetcher();
    private final Metrics metrics = new Metrics();

    /**
     * Creates the properties with their defaults.
     */
    public SecureMailProperties() {
    }

    /**
     * Returns the TLS policy preset.
     *
     * @return {@code MODERN} (the default), {@code RESTRICTED} (TLS 1.3 only) or {@code COMPATIBLE}
     */
    public String getPolicy() {
        return policy;
    }

    /**
     * Sets the TLS policy preset.
     *
     * @param policy {@code MODERN}, {@code RESTRICTED} or {@code COMPATIBLE}
     */
    public void setPolicy(String policy) {
        this.policy = policy;
    }

    /**
     * Returns the timeouts, shared by every client.
     *
     * @return the timeouts
     */
    public TimeoutSettings getTimeouts() {
        return timeouts;
    }

    /**
     * Returns the SMTP settings that {@code spring.mail.*} has no key for.
     *
     * @return the SMTP settings
     */
    public Smtp getSmtp() {
        return smtp;
    }

    /**
     * Returns the settings of the optional IMAP fetcher bean.
     *
     * @return the IMAP settings
     */
    public Fetcher getImap() {
        return imap;
    }

    /**
     * Returns the settings of the optional POP3 fetcher bean.
     *
     * @return the POP3 settings
     */
    public Fetcher getPop3() {
        return pop3;
    }

    /**
     * Returns the metrics settings.
     *
     * @return the metrics settings
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /** Timeouts; unset ones keep SecureMail's defaults (connect 30 s, read 2 min, write 2 min, operation 5 min). */
    public static class TimeoutSettings {
        private Duration connect;
        private Duration read;
        private Duration write;
        private Duration operation;

        /**
         * Creates unset timeouts.
         */
        public TimeoutSettings() {
        }

        /**
         * Returns the connect timeout.
         *
         * @return the connect timeout, or null for the default
         */
        public Duration getConnect() {
            return connect;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connect the connect timeout
         */
        public void setConnect(Duration connect) {
            this.connect = connect;
        }

        /**
         * Returns the read timeout.
         *
         * @return the read timeout, or null for the default
         */
        public Duration getRead() {
            return read;
        }

        /**
         * Sets the read timeout.
         *
         * @param read the read timeout
         */
        public void setRead(Duration read) {
            this.read = read;
        }

        /**
         * Returns the write timeout.
         *
         * @return the write timeout, or null for the default
         */
        public Duration getWrite() {
            return write;
        }

        /**
         * Sets the write timeout.
         *
         * @param write the write timeout
         */
        public void setWrite(Duration write) {
            this.write = write;
        }

        /**
         * Returns the limit of one protocol step.
         *
         * @return the step limit, or null for the default
         */
        public Duration getOperation() {
            return operation;
        }

        /**
         * Sets the limit of one protocol step (a command and its reply).
         *
         * @param operation the step limit
         */
        public void setOperation(Duration operation) {
            this.operation = operation;
        }
    }

    /** SMTP settings beyond {@code spring.mail.*}. */
    public static class Smtp {
        private SecurityMode mode;
        private List<String> pins = new ArrayList<>();
        private int poolSize = 4;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private String heloName;

        /**
         * Creates the defaults.
         */
        public Smtp() {
        }

        /**
         * Returns the security mode.
         *
         * @return the mode, or null to follow {@code spring.mail.protocol} and {@code spring.mail.ssl.enabled}
         */
        public SecurityMode getMode() {
            return mode;
        }

        /**
         * Sets the security mode: {@code STARTTLS_REQUIRED}, {@code IMPLICIT_TLS} or {@code STARTTLS_OPPORTUNISTIC}.
         *
         * @param mode the mode
         */
        public void setMode(SecurityMode mode) {
            this.mode = mode;
        }

        /**
         * Returns the public-key pins that replace certificate-authority trust.
         *
         * @return pins of the form {@code sha256/BASE64}
         */
        public List<String> getPins() {
            return pins;
        }

        /**
         * Sets public-key pins ({@code sha256/BASE64}); the server's chain must carry one of these keys.
         *
         * @param pins the pins
         */
        public void setPins(List<String> pins) {
            this.pins = pins;
        }

        /**
         * Returns how many connections the {@code SmtpSender} bean keeps open at most.
         *
         * @return the pool size
         */
        public int getPoolSize() {
            return poolSize;
        }

        /**
         * Sets how many connections the {@code SmtpSender} bean keeps open at most (1 to 100).
         *
         * @param poolSize the pool size
         */
        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        /**
         * Returns how long an unused pooled connection stays open.
         *
         * @return the idle timeout
         */
        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        /**
         * Sets how long an unused pooled connection stays open.
         *
         * @param idleTimeout the idle timeout
         */
        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        /**
         * Returns the name given in EHLO.
         *
         * @return the EHLO name, or null for the address literal of the connection
         */
        public String getHeloName() {
            return heloName;
        }

        /**
         * Sets the name given in EHLO.
         *
         * @param heloName a host name
         */
        public void setHeloName(String heloName) {
            this.heloName = heloName;
        }
    }

    /** An IMAP or POP3 server; the fetcher bean exists only when its host is set. */
    public static class Fetcher {
        private String host;
        private Integer port;
        private SecurityMode mode;
        private String username;
        private String password;
        private String sslBundle;
        private List<String> pins = new ArrayList<>();

        /**
         * Creates unset settings.
         */
        public Fetcher() {
        }

        /**
         * Returns the host.
         *
         * @return the host, or null for no fetcher bean
         */
        public String getHost() {
            return host;
        }

        /**
         * Sets the host.
         *
         * @param host the host
         */
        public void setHost(String host) {
            this.host = host;
        }

        /**
         * Returns the port.
         *
         * @return the port, or null for the protocol's port for the mode
         */
        public Integer getPort() {
            return port;
        }

        /**
         * Sets the port.
         *
         * @param port the port
         */
        public void setPort(Integer port) {
            this.port = port;
        }

        /**
         * Returns the security mode.
         *
         * @return the mode, or null for {@code IMPLICIT_TLS}
         */
        public SecurityMode getMode() {
            return mode;
        }

        /**
         * Sets the security mode: {@code IMPLICIT_TLS} or {@code STARTTLS_REQUIRED}.
         *
         * @param mode the mode
         */
        public void setMode(SecurityMode mode) {
            this.mode = mode;
        }

        /**
         * Returns the user name.
         *
         * @return the user name
         */
        public String getUsername() {
            return username;
        }

        /**
         * Sets the user name.
         *
         * @param username the user name
         */
        public void setUsername(String username) {
            this.username = username;
        }

        /**
         * Returns the password.
         *
         * @return the password
         */
        public String getPassword() {
            return password;
        }

        /**
         * Sets the password, sent only inside authenticated TLS.
         *
         * @param password the password
         */
        public void setPassword(String password) {
            this.password = password;
        }

        /**
         * Returns the name of the SSL bundle ({@code spring.ssl.bundle.*}) whose trust store replaces the JDK's CAs.
         *
         * @return the bundle name, or null
         */
        public String getSslBundle() {
            return sslBundle;
        }

        /**
         * Sets the name of the SSL bundle whose trust store (and key, for a client certificate) the fetcher uses.
         *
         * @param sslBundle the bundle name
         */
        public void setSslBundle(String sslBundle) {
            this.sslBundle = sslBundle;
        }

        /**
         * Returns the public-key pins that replace certificate-authority trust.
         *
         * @return pins of the form {@code sha256/BASE64}
         */
        public List<String> getPins() {
            return pins;
        }

        /**
         * Sets public-key pins ({@code sha256/BASE64}).
         *
         * @param pins the pins
         */
        public void setPins(List<String> pins) {
            this.pins = pins;
        }
    }

    /** Micrometer metrics, when Micrometer and a {@code MeterRegistry} are present. */
    public static class Metrics {
        private boolean enabled = true;

        /**
         * Creates the defaults.
         */
        public Metrics() {
        }

        /**
         * Returns whether mail metrics are recorded.
         *
         * @return whether mail metrics are recorded (true by default)
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether mail metrics are recorded.
         *
         * @param enabled whether to record
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
