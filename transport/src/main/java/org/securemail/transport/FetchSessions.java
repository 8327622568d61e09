package org.securemail.transport;

import jakarta.mail.Provider;
import jakarta.mail.Session;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.transport.internal.CleartextRules;
import org.securemail.transport.internal.HardenedImapStore;
import org.securemail.transport.internal.HardenedPop3Store;
import org.securemail.transport.internal.MailWiring;
import org.slf4j.Logger;

/** Builds the Jakarta Mail sessions behind IMAP and POP3 fetchers, and checks what their builders share. */
final class FetchSessions {
    private FetchSessions() {
    }

    static String checkHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("host must be a host name or address without spaces: \"" + host + "\"");
        }
        return host;
    }

    static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
        }
        return port;
    }

    static SecurityMode checkMode(SecurityMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (mode == SecurityMode.STARTTLS_OPPORTUNISTIC) {
            throw new IllegalArgumentException("mode STARTTLS_OPPORTUNISTIC is for relaying between mail servers;"
                    + " mailbox access always carries credentials, which travel only inside TLS: use"
                    + " mode(SecurityMode.IMPLICIT_TLS) (the default) or mode(SecurityMode.STARTTLS_REQUIRED)");
        }
        if (mode == SecurityMode.INSECURE_CLEARTEXT) {
            throw new IllegalArgumentException("mode INSECURE_CLEARTEXT is not set through mode(...); call"
                    + " insecureCleartextForLocalDevelopment() if you really mean an unencrypted server on this"
                    + " machine");
        }
        return mode;
    }

    /**
     * Refuses, at build time, an insecure cleartext client for an address literal that is not this machine's. A host
     * name is judged when the connection is made, by the address it resolves to (the guarded socket refuses any
     * address that is not a loopback one).
     */
    static void checkInsecureHost(String host, String protocol) {
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
    static void warnIfPortContradictsMode(Logger log, String protocol, String host, int port, SecurityMode mode) {
        boolean implicitPort = port == 465 || port == 993 || port == 995;
        boolean cleartextFirstPort = port == 25 || port == 587 || port == 143 || port == 110;
        if (implicitPort && (mode == SecurityMode.STARTTLS_REQUIRED || mode == SecurityMode.STARTTLS_OPPORTUNISTIC)) {
            log.warn("SecureMail {} client for {}:{} uses {}, but port {} is the implicit-TLS port: the server will"
                    + " wait for a TLS handshake and send no greeting; use mode(SecurityMode.IMPLICIT_TLS)",
                    protocol.toUpperCase(Locale.ROOT), host, port, mode, port);
        } else if (cleartextFirstPort && mode == SecurityMode.IMPLICIT_TLS) {
            log.warn("SecureMail {} client for {}:{} uses IMPLICIT_TLS, but port {} speaks cleartext first; use"
                    + " mode(SecurityMode.STARTTLS_REQUIRED)", protocol.toUpperCase(Locale.ROOT), host, port, port);
        }
    }

    /** The checks both fetcher builders run in build(), and the spec they build from. */
    static SessionFactory.Spec spec(String protocol, String host, SecurityMode mode, int port, int implicitPort,
                                    int startTlsPort, Credentials credentials, TlsPolicy policy, TlsEngine engine,
                                    Timeouts timeouts, Map<String, String> properties, Logger log) {
        String upper = protocol.toUpperCase(Locale.ROOT);
        if (credentials == null) {
            throw new IllegalStateException("credentials are required: mailbox access always authenticates; set"
                    + " credentials(Credentials.password(...)) or credentials(Credentials.oauth2(...))");
        }
        if (mode == SecurityMode.INSECURE_CLEARTEXT) {
            checkInsecureHost(host, protocol);
        }
        SessionFactory.Spec s = new SessionFactory.Spec();
        s.protocol = protocol;
        s.host = host;
        s.mode = mode;
        s.port = port != 0 ? port : mode == SecurityMode.IMPLICIT_TLS ? implicitPort : startTlsPort;
        s.credentials = credentials;
        s.policy = policy;
        s.engine = engine != null ? engine : TlsEngine.create();
        s.timeouts = timeouts;
        s.userProperties = Map.copyOf(properties);
        warnIfPortContradictsMode(log, protocol, host, s.port, mode);
        if (mode == SecurityMode.INSECURE_CLEARTEXT) {
            log.warn("SecureMail {} fetcher for {}:{} is INSECURE_CLEARTEXT: the password and the mail travel"
                    + " unencrypted; use it only with a development server on this machine", upper, host, s.port);
        }
        return s;
    }

    static Session imap(SessionFactory.Spec spec) {
        MailWiring wiring = SessionFactory.wiring(spec, CleartextRules.IMAP);
        Properties p = SessionFactory.common(spec, wiring, "imap");
        p.put("mail.store.protocol", "imap");
        p.put("mail.imap.auth.mechanisms",
                spec.credentials.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN");
        // A search the server cannot run must fail, not turn into a client-side search that fetches every message.
        p.put("mail.imap.throwsearchexception", "true");
        Session session = Session.getInstance(p);
        SessionFactory.register(session, Provider.Type.STORE, HardenedImapStore.class, "imap", "imaps");
        wiring.expect(session.getProperties());
        return session;
    }

    static Session pop3(SessionFactory.Spec spec) {
        MailWiring wiring = SessionFactory.wiring(spec, CleartextRules.POP3);
        Properties p = SessionFactory.common(spec, wiring, "pop3");
        p.put("mail.store.protocol", "pop3");
        p.put("mail.pop3.auth.mechanisms",
                spec.credentials.kind() == Credentials.Kind.OAUTH2 ? "XOAUTH2" : "PLAIN LOGIN");
        p.put("mail.pop3.apop.enable", "false");
        Session session = Session.getInstance(p);
        SessionFactory.register(session, Provider.Type.STORE, HardenedPop3Store.class, "pop3", "pop3s");
        wiring.expect(session.getProperties());
        return session;
    }
}
