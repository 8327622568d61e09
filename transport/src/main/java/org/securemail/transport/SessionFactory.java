package org.securemail.transport;

import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.internal.BuildInfo;
import org.securemail.transport.internal.CleartextRules;
import org.securemail.transport.internal.HardenedImapStore;
import org.securemail.transport.internal.HardenedPop3Store;
import org.securemail.transport.internal.HardenedSmtpTransport;
import org.securemail.transport.internal.Limits;
import org.securemail.transport.internal.MailWiring;
import org.securemail.transport.internal.OtherProtocols;

/** Builds the Jakarta Mail sessions behind senders and fetchers: every property that matters is set here. */
final class SessionFactory {
    /** The version this build of SecureMail registers its providers under. */
    static final String VERSION = BuildInfo.version();

    private SessionFactory() {
    }

    /** Builds the session for the settings' protocol. */
    static Session session(ClientSettings s) {
        switch (s.protocol()) {
            case SMTP:
                return smtp(s);
            case IMAP:
                return imap(s);
            default:
                return pop3(s);
        }
    }

    private static Session smtp(ClientSettings s) {
        MailWiring wiring = wiring(s, CleartextRules.SMTP, Limits.SMTP_TLS);
        Properties p = common(s, wiring);
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.ehlo", "true");
        p.put("mail.smtp.sendpartial", "true");
        s.credentials().ifPresent(c -> p.put("mail.smtp.auth.mechanisms",
                c.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN"));
        s.heloName().ifPresent(h -> p.put("mail.smtp.localhost", h));
        Session session = Session.getInstance(p);
        register(session, Provider.Type.TRANSPORT, HardenedSmtpTransport.class, "smtp", "smtps");
        wiring.expect(session.getProperties());
        return session;
    }

    private static Session imap(ClientSettings s) {
        // A search the server cannot run must fail, not turn into a client-side search that fetches every message.
        return store(s, CleartextRules.IMAP, Limits.imapTls(s.maxLiteral()), HardenedImapStore.class,
                Map.of("mail.imap.throwsearchexception", "true"), "imap", "imaps");
    }

    private static Session pop3(ClientSettings s) {
        return store(s, CleartextRules.POP3, Limits.POP3_TLS, HardenedPop3Store.class,
                Map.of("mail.pop3.apop.enable", "false"), "pop3", "pop3s");
    }

    /** A session whose stores, under both names, are the hardened one; {@code names[0]} is the protocol. */
    private static Session store(ClientSettings s, CleartextRules rules, Limits limits, Class<?> store,
                                 Map<String, String> extra, String... names) {
        MailWiring wiring = wiring(s, rules, limits);
        Properties p = common(s, wiring);
        p.put("mail.store.protocol", names[0]);
        p.put("mail." + names[0] + ".auth.mechanisms", mechanisms(s));
        p.putAll(extra);
        Session session = Session.getInstance(p);
        register(session, Provider.Type.STORE, store, names);
        wiring.expect(session.getProperties());
        return session;
    }

    private static String mechanisms(ClientSettings s) {
        return s.credentials().map(c -> c.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN")
                .orElse("PLAIN LOGIN");
    }

    /**
     * Installs SecureMail's provider for the protocols, which also sets {@code mail.<protocol>.class}, so neither a
     * provider found on the class path nor a property can substitute another implementation; every other protocol
     * the session knows is refused.
     */
    private static void register(Session session, Provider.Type type, Class<?> implementation, String... protocols) {
        for (String protocol : protocols) {
            try {
                session.setProvider(new Provider(type, protocol, implementation.getName(), "SecureMail", VERSION));
            } catch (NoSuchProviderException e) {
                throw new IllegalStateException("cannot register SecureMail's " + protocol + " provider", e);
            }
        }
        OtherProtocols.refuseAllBut(session, Set.of(protocols));
    }

    private static MailWiring wiring(ClientSettings s, CleartextRules rules, Limits tlsLimits) {
        MailWiring wiring = new MailWiring(rules, s.mode(),
                s.mode() == SecurityMode.INSECURE_CLEARTEXT ? null : s.engine().connector(s.policy()), s.timeouts(),
                tlsLimits);
        s.credentials().ifPresent(c -> wiring.credentials(c.user(), c.kind() == Credentials.Kind.OAUTH2, c::secret,
                c::rejected));
        if (!s.listeners().isEmpty()) {
            wiring.events(new Listeners(s.listeners()));
        }
        s.address().ifPresent(wiring::connectTo);
        return wiring;
    }

    private static Properties common(ClientSettings s, MailWiring wiring) {
        Properties p = new Properties();
        s.properties().forEach(p::setProperty);
        String prefix = "mail." + s.protocol().name().toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "host", s.host());
        p.put(prefix + "port", Integer.toString(s.port()));
        SecurityMode mode = s.mode();
        boolean tls = mode != SecurityMode.INSECURE_CLEARTEXT;
        boolean startTls = mode == SecurityMode.STARTTLS_REQUIRED || mode == SecurityMode.STARTTLS_OPPORTUNISTIC;
        p.put(prefix + "ssl.enable", Boolean.toString(mode == SecurityMode.IMPLICIT_TLS));
        p.put(prefix + "starttls.enable", Boolean.toString(startTls));
        p.put(prefix + "starttls.required", Boolean.toString(mode == SecurityMode.STARTTLS_REQUIRED));
        p.put(prefix + "socketFactory", wiring.plainFactory());
        p.put(prefix + "socketFactory.fallback", "false");
        if (tls) {
            p.put(prefix + "ssl.socketFactory", wiring.tlsFactory());
            p.put(prefix + "ssl.checkserveridentity", "true");
            p.put(prefix + "ssl.hostnameverifier", wiring.hostnameVerifier());
        }
        p.put(prefix + "connectiontimeout", millis(s.timeouts().connect()));
        p.put(prefix + "timeout", millis(s.timeouts().read()));
        // No writetimeout: Angus would schedule a task per write; SecureMail's Watchdog ends blocked writes.
        p.put(prefix + "auth", Boolean.toString(s.credentials().isPresent()));
        p.put(prefix + "sasl.enable", "false");
        s.credentials().ifPresent(c -> p.put(prefix + "user", c.user()));
        p.put("mail.debug", "false");
        p.put("mail.debug.auth", "false");
        p.put(MailWiring.PROPERTY, wiring);
        return p;
    }

    private static String millis(Duration d) {
        return Long.toString(Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis())));
    }

    static HardenedSmtpTransport smtpTransport(Session session) {
        try {
            return (HardenedSmtpTransport) session.getTransport("smtp");
        } catch (NoSuchProviderException e) {
            throw new IllegalStateException("SecureMail's SMTP provider is missing from its own session", e);
        }
    }
}
