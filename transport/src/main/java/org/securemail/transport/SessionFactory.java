package org.securemail.transport;

import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.CleartextRules;
import org.securemail.transport.internal.HardenedSmtpTransport;
import org.securemail.transport.internal.Limits;
import org.securemail.transport.internal.MailWiring;
import org.securemail.transport.internal.OtherProtocols;

/** Builds the Jakarta Mail sessions behind senders and fetchers: every property that matters is set here. */
final class SessionFactory {
    static final String VERSION = org.securemail.transport.internal.BuildInfo.version();

    private SessionFactory() {
    }

    /** The settings shared by all protocols. */
    static final class Spec {
        String protocol;
        String host;
        int port;
        SecurityMode mode;
        Credentials credentials;
        TlsPolicy policy;
        TlsEngine engine;
        Timeouts timeouts;
        Map<String, String> userProperties;
        String heloName;
        long maxLiteral = Limits.DEFAULT_MAX_LITERAL;
    }

    static Session smtp(Spec spec) {
        MailWiring wiring = wiring(spec, CleartextRules.SMTP);
        Properties p = common(spec, wiring, "smtp");
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.ehlo", "true");
        p.put("mail.smtp.sendpartial", "true");
        if (spec.credentials != null) {
            p.put("mail.smtp.auth.mechanisms",
                    spec.credentials.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN");
        }
        if (spec.heloName != null) {
            p.put("mail.smtp.localhost", spec.heloName);
        }
        Session session = Session.getInstance(p);
        register(session, Provider.Type.TRANSPORT, HardenedSmtpTransport.class, "smtp", "smtps");
        wiring.expect(session.getProperties());
        return session;
    }

    /**
     * Installs SecureMail's provider for the protocols, which also sets {@code mail.<protocol>.class}, so neither a
     * provider found on the class path nor a property can substitute another implementation; every other protocol
     * the session knows is refused.
     */
    static void register(Session session, Provider.Type type, Class<?> implementation, String... protocols) {
        for (String protocol : protocols) {
            try {
                session.setProvider(new Provider(type, protocol, implementation.getName(), "SecureMail", VERSION));
            } catch (NoSuchProviderException e) {
                throw new IllegalStateException("cannot register SecureMail's " + protocol + " provider", e);
            }
        }
        OtherProtocols.refuseAllBut(session, Set.of(protocols));
    }

    static MailWiring wiring(Spec spec, CleartextRules rules) {
        Limits tlsLimits = rules == CleartextRules.SMTP ? Limits.SMTP_TLS : rules == CleartextRules.POP3
                ? Limits.POP3_TLS : Limits.imapTls(spec.maxLiteral);
        MailWiring wiring = new MailWiring(rules, spec.mode,
                spec.mode == SecurityMode.INSECURE_CLEARTEXT ? null : spec.engine.connector(spec.policy),
                spec.timeouts, tlsLimits);
        if (spec.credentials != null) {
            Credentials c = spec.credentials;
            wiring.credentials(c.user(), c.kind() == Credentials.Kind.OAUTH2, c::secret);
        }
        return wiring;
    }

    static Properties common(Spec spec, MailWiring wiring, String protocol) {
        Properties p = new Properties();
        spec.userProperties.forEach(p::setProperty);
        String prefix = "mail." + protocol + ".";
        p.put(prefix + "host", spec.host);
        p.put(prefix + "port", Integer.toString(spec.port));
        boolean tls = spec.mode != SecurityMode.INSECURE_CLEARTEXT;
        boolean startTls = spec.mode == SecurityMode.STARTTLS_REQUIRED
                || spec.mode == SecurityMode.STARTTLS_OPPORTUNISTIC;
        p.put(prefix + "ssl.enable", Boolean.toString(spec.mode == SecurityMode.IMPLICIT_TLS));
        p.put(prefix + "starttls.enable", Boolean.toString(startTls));
        p.put(prefix + "starttls.required", Boolean.toString(spec.mode == SecurityMode.STARTTLS_REQUIRED));
        p.put(prefix + "socketFactory", wiring.plainFactory());
        p.put(prefix + "socketFactory.fallback", "false");
        if (tls) {
            p.put(prefix + "ssl.socketFactory", wiring.tlsFactory());
            p.put(prefix + "ssl.checkserveridentity", "true");
            p.put(prefix + "ssl.hostnameverifier", wiring.hostnameVerifier());
        }
        p.put(prefix + "connectiontimeout", millis(spec.timeouts.connect()));
        p.put(prefix + "timeout", millis(spec.timeouts.read()));
        // No writetimeout: Angus would schedule a task per write; SecureMail's Watchdog ends blocked writes.
        p.put(prefix + "auth", Boolean.toString(spec.credentials != null));
        p.put(prefix + "sasl.enable", "false");
        if (spec.credentials != null) {
            p.put(prefix + "user", spec.credentials.user());
        }
        p.put("mail.debug", "false");
        p.put("mail.debug.auth", "false");
        p.put(MailWiring.PROPERTY, wiring);
        return p;
    }

    private static String millis(java.time.Duration d) {
        return Long.toString(d.toMillis());
    }

    static HardenedSmtpTransport smtpTransport(Session session) {
        try {
            return (HardenedSmtpTransport) session.getTransport("smtp");
        } catch (NoSuchProviderException e) {
            throw new IllegalStateException("SecureMail's SMTP provider is missing from its own session", e);
        }
    }
}
