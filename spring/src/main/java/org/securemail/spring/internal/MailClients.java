package org.securemail.spring.internal;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.securemail.policy.ClientCertificate;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.spring.SecureMailProperties;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.MailClientBuilder;
import org.securemail.transport.MailListener;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Turns Spring Boot's {@code spring.mail.*} keys and the {@code securemail.*} keys into SecureMail client builders.
 * Every value SecureMail's builders refuse, and every {@code spring.mail.*} setting that would weaken or bypass the
 * policy, becomes a {@link MailConfigurationException} naming the key to use instead.
 */
public final class MailClients {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.spring");

    private final SecureMailProperties secure;
    private final Supplier<SslBundles> bundles;
    private final List<MailListener> listeners;

    /**
     * Creates the factory.
     *
     * @param secure the {@code securemail.*} keys
     * @param bundles Boot's SSL bundles (asked for only when a bundle is named)
     * @param listeners the listeners every client gets, in order
     */
    public MailClients(SecureMailProperties secure, Supplier<SslBundles> bundles, List<MailListener> listeners) {
        this.secure = secure;
        this.bundles = bundles;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Builds the SMTP sender's builder from {@code spring.mail.*} and {@code securemail.smtp.*}.
     *
     * @param boot Boot's mail properties
     * @return the builder, every setting applied and checked
     * @throws MailConfigurationException for a setting the starter refuses
     */
    public SmtpSender.Builder smtp(MailProperties boot) {
        if (boot.getJndiName() != null && !boot.getJndiName().isBlank()) {
            throw new MailConfigurationException("spring.mail.jndi-name", "names a Session built outside SecureMail,"
                    + " which enforces no TLS policy", "remove it and set spring.mail.host (and port, username,"
                    + " password) instead", null);
        }
        if (!boot.getSsl().isVerifyHostname()) {
            throw new MailConfigurationException("spring.mail.ssl.verify-hostname", "is false, but SecureMail always"
                    + " verifies the server's host name (RFC 9525)", "remove it; to trust a server whose certificate"
                    + " names another host, pin its public key with securemail.smtp.pins", null);
        }
        SecurityMode mode = smtpMode(boot);
        boolean credentials = boot.getUsername() != null && !boot.getUsername().isEmpty();
        SmtpSender.Builder b = apply("spring.mail.host", () -> SecureMail.smtp(boot.getHost()));
        apply("securemail.smtp.mode", () -> b.mode(mode));
        if (boot.getPort() != null) {
            apply("spring.mail.port", () -> b.port(boot.getPort()));
        }
        if (credentials) {
            String password = boot.getPassword() == null ? "" : boot.getPassword();
            apply("spring.mail.username", () -> b.credentials(Credentials.password(boot.getUsername(),
                    password.toCharArray())));
        }
        common(b, "spring.mail.ssl.bundle", boot.getSsl().getBundle(), "securemail.smtp.pins",
                secure.getSmtp().getPins());
        apply("securemail.smtp.pool-size", () -> b.maxConnections(secure.getSmtp().getPoolSize()));
        apply("securemail.smtp.idle-timeout", () -> b.idleTimeout(secure.getSmtp().getIdleTimeout()));
        if (secure.getSmtp().getHeloName() != null) {
            apply("securemail.smtp.helo-name", () -> b.heloName(secure.getSmtp().getHeloName()));
        }
        for (Map.Entry<String, String> p : boot.getProperties().entrySet()) {
            property(b, p.getKey(), p.getValue(), mode, credentials);
        }
        check("securemail.smtp.mode", b::buildSession);
        return b;
    }

    /**
     * Builds the IMAP fetcher's builder from {@code securemail.imap.*}.
     *
     * @return the builder
     * @throws MailConfigurationException for a setting the starter refuses
     */
    public ImapFetcher.Builder imap() {
        SecureMailProperties.Fetcher f = secure.getImap();
        ImapFetcher.Builder b = apply("securemail.imap.host", () -> SecureMail.imap(f.getHost()));
        fetcher(b, "imap", f);
        return b;
    }

    /**
     * Builds the POP3 fetcher's builder from {@code securemail.pop3.*}.
     *
     * @return the builder
     * @throws MailConfigurationException for a setting the starter refuses
     */
    public Pop3Fetcher.Builder pop3() {
        SecureMailProperties.Fetcher f = secure.getPop3();
        Pop3Fetcher.Builder b = apply("securemail.pop3.host", () -> SecureMail.pop3(f.getHost()));
        fetcher(b, "pop3", f);
        return b;
    }

    private void fetcher(MailClientBuilder<?> b, String name, SecureMailProperties.Fetcher f) {
        String prefix = "securemail." + name + ".";
        if (f.getMode() != null) {
            apply(prefix + "mode", () -> b.mode(f.getMode()));
        }
        if (f.getPort() != null) {
            apply(prefix + "port", () -> b.port(f.getPort()));
        }
        if (f.getUsername() == null || f.getUsername().isEmpty() || f.getPassword() == null) {
            throw new MailConfigurationException(prefix + "username", "and " + prefix + "password are required:"
                    + " mailbox access always logs in", "set both, or remove " + prefix + "host", null);
        }
        apply(prefix + "username", () -> b.credentials(Credentials.password(f.getUsername(),
                f.getPassword().toCharArray())));
        common(b, prefix + "ssl-bundle", f.getSslBundle(), prefix + "pins", f.getPins());
        check(prefix + "mode", b::buildSession);
    }

    private void common(MailClientBuilder<?> b, String bundleKey, String bundleName, String pinsKey,
                        List<String> pins) {
        TlsPolicy preset = preset();
        TlsPolicy.Builder policy = preset.toBuilder();
        boolean pinned = pins != null && !pins.isEmpty();
        if (pinned) {
            apply(pinsKey, () -> policy.trust(TrustSource.pinnedKeys(pins.toArray(new String[0]))));
        }
        if (bundleName != null && !bundleName.isBlank()) {
            SslBundle bundle = bundle(bundleKey, bundleName);
            KeyStore trust = bundle.getStores() == null ? null : bundle.getStores().getTrustStore();
            if (trust != null) {
                if (pinned) {
                    throw new MailConfigurationException(pinsKey, "are set together with the trust store of "
                            + bundleKey + " \"" + bundleName + "\"",
                            "choose one: pins replace certificate-authority trust", null);
                }
                apply(bundleKey, () -> policy.trust(TrustSource.keyStore(trust)));
            }
            KeyStore keys = bundle.getStores() == null ? null : bundle.getStores().getKeyStore();
            if (keys != null) {
                apply(bundleKey, () -> policy.clientCertificate(clientCertificate(bundle, keys)));
            }
        }
        TlsPolicy built = apply("securemail.policy", policy::build);
        b.policy(built);
        Timeouts t = Timeouts.DEFAULT;
        SecureMailProperties.TimeoutSettings s = secure.getTimeouts();
        try {
            t = s.getConnect() == null ? t : t.withConnect(s.getConnect());
            t = s.getRead() == null ? t : t.withRead(s.getRead());
            t = s.getWrite() == null ? t : t.withWrite(s.getWrite());
            t = s.getOperation() == null ? t : t.withOperation(s.getOperation());
        } catch (IllegalArgumentException e) {
            throw new MailConfigurationException("securemail.timeouts", "are not accepted: " + e.getMessage(),
                    "set each timeout between 1 ms and about 24 days", e);
        }
        b.timeouts(t);
        listeners.forEach(b::listener);
    }

    private static ClientCertificate clientCertificate(SslBundle bundle, KeyStore keys) {
        String alias = bundle.getKey() == null ? null : bundle.getKey().getAlias();
        String password = bundle.getKey() != null && bundle.getKey().getPassword() != null
                ? bundle.getKey().getPassword() : bundle.getStores().getKeyStorePassword();
        try {
            if (alias == null) {
                for (String a : Collections.list(keys.aliases())) {
                    if (keys.isKeyEntry(a)) {
                        alias = a;
                        break;
                    }
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("the key store is not loaded", e);
        }
        if (alias == null) {
            throw new IllegalArgumentException("the key store holds no private key for a client certificate");
        }
        return ClientCertificate.fromKeyStore(keys, alias, password == null ? new char[0] : password.toCharArray());
    }

    private SslBundle bundle(String key, String name) {
        SslBundles all = bundles.get();
        if (all == null) {
            throw new MailConfigurationException(key, "names the SSL bundle \"" + name + "\", but the application"
                    + " has no SSL bundles", "define it under spring.ssl.bundle.pem." + name + " or"
                    + " spring.ssl.bundle.jks." + name, null);
        }
        try {
            return all.getBundle(name);
        } catch (RuntimeException e) {
            throw new MailConfigurationException(key, "names the SSL bundle \"" + name + "\", which does not exist",
                    "define it under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
                    + "; defined: " + all.getBundleNames(), e);
        }
    }

    private TlsPolicy preset() {
        String name = secure.getPolicy() == null ? "MODERN" : secure.getPolicy().trim().toUpperCase(Locale.ROOT);
        switch (name) {
            case "MODERN":
                return TlsPolicy.MODERN;
            case "RESTRICTED":
                return TlsPolicy.RESTRICTED;
            case "COMPATIBLE":
                return TlsPolicy.COMPATIBLE;
            default:
                throw new MailConfigurationException("securemail.policy", "is \"" + secure.getPolicy() + "\", which"
                        + " is not a SecureMail policy preset", "use MODERN (the default), RESTRICTED (TLS 1.3"
                        + " only) or COMPATIBLE (legacy relays)", null);
        }
    }

    private SecurityMode smtpMode(MailProperties boot) {
        String protocol = boot.getProtocol() == null ? "smtp" : boot.getProtocol().trim().toLowerCase(Locale.ROOT);
        if (!protocol.equals("smtp") && !protocol.equals("smtps")) {
            throw new MailConfigurationException("spring.mail.protocol", "is \"" + boot.getProtocol() + "\", but"
                    + " the SecureMail JavaMailSender sends with SMTP", "use smtp (STARTTLS, required) or smtps"
                    + " (implicit TLS)", null);
        }
        SecurityMode configured = secure.getSmtp().getMode();
        if (configured != null) {
            return configured;
        }
        boolean implicit = protocol.equals("smtps") || boot.getSsl().isEnabled()
                || "true".equalsIgnoreCase(boot.getProperties().getOrDefault("mail.smtp.ssl.enable", "").trim());
        return implicit ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED;
    }

    private static void property(SmtpSender.Builder b, String key, String value, SecurityMode mode,
                                 boolean credentials) {
        String k = key.toLowerCase(Locale.ROOT);
        boolean yes = "true".equalsIgnoreCase(value == null ? "" : value.trim());
        boolean redundant = yes && ((mode == SecurityMode.STARTTLS_REQUIRED
                && (k.equals("mail.smtp.starttls.enable") || k.equals("mail.smtp.starttls.required")))
                || (mode == SecurityMode.IMPLICIT_TLS && k.equals("mail.smtp.ssl.enable"))
                || (credentials && k.equals("mail.smtp.auth"))
                || k.equals("mail.smtp.ssl.checkserveridentity"));
        redundant |= k.equals("mail.transport.protocol") && "smtp".equalsIgnoreCase(String.valueOf(value).trim());
        if (redundant) {
            LOG.debug("spring.mail.properties.{}={} asks for what SecureMail always does in mode {}; ignored", key,
                    value, mode);
            return;
        }
        try {
            b.property(key, value == null ? "" : value);
        } catch (IllegalArgumentException e) {
            throw new MailConfigurationException("spring.mail.properties." + key, "is refused: " + e.getMessage(),
                    bootAction(k), e);
        }
    }

    /** What a Boot user sets instead of a Jakarta Mail property SecureMail refuses. */
    static String bootAction(String key) {
        String rest = key.replaceFirst("^mail\\.smtps?\\.", "");
        if (rest.startsWith("ssl.trust") || rest.contains("socketfactory")) {
            return "trust your own CA with spring.mail.ssl.bundle (a trust store defined under spring.ssl.bundle.*),"
                    + " or pin the server's public key with securemail.smtp.pins";
        }
        if (rest.startsWith("ssl.protocols") || rest.startsWith("ssl.ciphersuites")) {
            return "choose the TLS policy with securemail.policy=MODERN, RESTRICTED or COMPATIBLE; none allows TLS"
                    + " below 1.2 or a suite without forward secrecy";
        }
        if (rest.startsWith("starttls")) {
            return "remove it: STARTTLS is always required (securemail.smtp.mode=STARTTLS_REQUIRED, the default); for"
                    + " implicit TLS set spring.mail.ssl.enabled=true";
        }
        if (rest.startsWith("ssl.enable")) {
            return "choose implicit TLS with spring.mail.ssl.enabled=true or securemail.smtp.mode=IMPLICIT_TLS";
        }
        if (rest.startsWith("ssl.checkserveridentity") || rest.startsWith("ssl.hostnameverifier")) {
            return "remove it: host names are always verified; pin a key with securemail.smtp.pins if the"
                    + " certificate names another host";
        }
        if (rest.startsWith("auth") || rest.startsWith("user") || rest.startsWith("sasl")) {
            return "set spring.mail.username and spring.mail.password; they are sent only inside authenticated TLS";
        }
        if (rest.startsWith("connectiontimeout") || rest.startsWith("timeout") || rest.startsWith("writetimeout")) {
            return "set securemail.timeouts.connect, securemail.timeouts.read and securemail.timeouts.write";
        }
        if (rest.equals("host") || rest.equals("port")) {
            return "set spring.mail." + rest;
        }
        if (rest.startsWith("localhost")) {
            return "set securemail.smtp.helo-name";
        }
        if (key.startsWith("mail.debug")) {
            return "log the dialogue with logging.level.org.securemail.transport.smtp.dialogue=DEBUG (credentials"
                    + " redacted)";
        }
        return "remove it; spring.mail.properties.* may carry only formatting options (mail.mime.*) and the SMTP"
                + " options SecureMail accepts (docs/migrating-from-jakarta-mail-properties.md)";
    }

    /** Runs a builder call, turning its refusal into a startup failure that names the key. */
    private static <T> T apply(String key, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            if (e instanceof MailConfigurationException) {
                throw e;
            }
            throw new MailConfigurationException(key, "is not accepted: " + e.getMessage(), "correct " + key
                    + " (docs/spring-boot.md lists every key)", e);
        }
    }

    private static void apply(String key, Runnable call) {
        apply(key, () -> {
            call.run();
            return null;
        });
    }

    private static void check(String key, Supplier<?> build) {
        apply(key, build);
    }
}
