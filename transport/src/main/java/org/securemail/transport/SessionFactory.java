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
        MailWiring wiring = smtpWiring(s);
        Session session = Session.getInstance(smtpProperties(s, wiring));
        register(session, Provider.Type.TRANSPORT, HardenedSmtpTransport.class, "smtp", "smtps");
        wiring.expect(session.getProperties());
        return session;
    }

    /** The wiring of one SMTP client: its credentials, listeners, timeouts and policy connector. */
    static MailWiring smtpWiring(ClientSettings s) {
        return wiring(s, CleartextRules.SMTP, Limits.SMTP_TLS);
    }

    /**
     * Returns the session behind an {@link SmtpSender}'s own connections, shared by every sender whose settings give
     * the same properties: building a Jakarta Mail {@code Session} reads the provider resources of every jar on the
     * class path, which an application that builds a sender per message would pay for each message
     * (docs/PERFORMANCE.md). The shared session holds no credentials and no client's wiring: its socket factories
     * act for the wiring that opens the connection ({@link MailWiring#routingPlainFactory()}), and the transports
     * are given their wiring directly. It is never handed out, so nobody can change its properties.
     *
     * @param s the settings
     * @param wiring the sender's wiring, told which properties to expect
     * @return the shared session
     */
    static Session sharedSmtp(ClientSettings s, MailWiring wiring) {
        Properties p = smtpProperties(s, null);
        Map<Object, Object> key = Map.copyOf(p);
        Session session;
        synchronized (SHARED_SMTP) {
            session = SHARED_SMTP.get(key);
            if (session == null) {
                session = Session.getInstance(p);
                register(session, Provider.Type.TRANSPORT, HardenedSmtpTransport.class, "smtp", "smtps");
                SHARED_SMTP.put(key, session);
            }
        }
        wiring.expect(session.getProperties());
        return session;
    }

    /** How many shared SMTP sessions are kept: one per distinct server and settings, the least recently used go. */
    static final int SHARED_SESSIONS = 32;

    private static final Map<Map<Object, Object>, Session> SHARED_SMTP =
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Map<Object, Object>, Session> eldest) {
                    return size() > SHARED_SESSIONS;
                }
            };

    /** The SMTP properties; with a null wiring, the routing factories and no wiring (a shared session's). */
    private static Properties smtpProperties(ClientSettings s, MailWiring wiring) {
        Properties p = common(s, wiring);
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.ehlo", "true");
        p.put("mail.smtp.sendpartial", "true");
        s.credentials().ifPresent(c -> p.put("mail.smtp.auth.mechanisms",
                c.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN"));
        s.heloName().ifPresent(h -> p.put("mail.smtp.localhost", h));
        return p;
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
        p.put(prefix + "socketFactory", wiring == null ? MailWiring.routingPlainFactory() : wiring.plainFactory());
        p.put(prefix + "socketFactory.fallback", "false");
        if (tls) {
            p.put(prefix + "ssl.socketFactory", wiring == null ? MailWiring.routingTlsFactory() : wiring.tlsFactory());
            p.put(prefix + "ssl.checkserveridentity", "true");
            p.put(prefix + "ssl.hostnameverifier", wiring == null ? MailWiring.routingHostnameVerifier()
                    : wiring.hostnameVerifier());
        }
        p.put(prefix + "connectiontimeout", millis(s.timeouts().connect()));
        p.put(prefix + "timeout", millis(s.timeouts().read()));
        // No writetimeout: Angus would schedule a task per write; SecureMail's Watchdog ends blocked writes.
        p.put(prefix + "auth", Boolean.toString(s.credentials().isPresent()));
        p.put(prefix + "sasl.enable", "false");
        s.credentials().ifPresent(c -> p.put(prefix + "user", c.user()));
        p.put("mail.debug", "false");
        p.put("mail.debug.auth", "false");
        if (wiring != null) {
            p.put(MailWiring.PROPERTY, wiring);
        }
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
