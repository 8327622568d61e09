package org.securemail.transport.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The Jakarta Mail properties a SecureMail session may carry. SecureMail sets every property that touches security,
 * timeouts, authentication or the choice of provider itself; a user may add only properties on an allow-list (MIME
 * formatting, DSN options, IMAP fetch sizes, ...). Anything else is refused with a message naming the property and
 * what to use instead. At every connection, the session's properties are compared with what SecureMail set, so a
 * property slipped in later is refused too.
 */
public final class MailProperties {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "smtp", Set.of("dsn.notify", "dsn.ret", "allow8bitmime", "submitter", "mailextension", "from",
                    "quitwait", "quitonsessionreject", "noop.strict", "userset", "localaddress", "localport"),
            // Not "partialfetch": without it a message body is fetched whole into memory.
            "imap", Set.of("fetchsize", "peek", "appendbuffersize", "connectionpoolsize",
                    "connectionpooltimeout", "separatestoreconnection", "statuscachetimeout", "minidletime",
                    "throwsearchexception", "ignorebodystructuresize", "enableimapevents", "closefoldersonstorefailure",
                    "localaddress", "localport", "referralexception", "compress.enable", "compress.level",
                    "compress.strategy", "reusetagprefix"),
            // Not "disablecapa": without CAPA no STLS can be seen, and nothing learned inside TLS can be used.
            "pop3", Set.of("rsetbeforequit", "disabletop", "forgettopheaders", "cachewriteto", "filecache.enable",
                    "filecache.dir", "keepmessagecontent", "finalizecleanclose", "localaddress", "localport"));

    /** Hints for the properties users set most often, by the part after {@code mail.<protocol>.}. */
    private static final Map<String, String> HINTS = new LinkedHashMap<>();

    static {
        HINTS.put("ssl.trust", "it turns certificate checks off; trust your own CA with"
                + " TlsPolicy.builder().trust(TrustSource.pem(...)), or pin a self-signed relay with"
                + " TrustSource.pinnedKeys(...)");
        HINTS.put("ssl.protocols", "set TLS versions with TlsPolicy.builder().minimumVersion(...)");
        HINTS.put("ssl.ciphersuites", "set cipher suites with TlsPolicy.builder().cipherSuites(...)");
        HINTS.put("ssl.enable", "choose implicit TLS with mode(SecurityMode.IMPLICIT_TLS)");
        HINTS.put("starttls.", "choose STARTTLS with mode(SecurityMode.STARTTLS_REQUIRED); it is always required");
        HINTS.put("ssl.checkserveridentity", "host names are always verified (RFC 9525)");
        HINTS.put("ssl.hostnameverifier", "host names are always verified (RFC 9525)");
        HINTS.put("ssl.socketfactory", "SecureMail supplies its own socket factories; configure TLS with TlsPolicy");
        HINTS.put("socketfactory", "SecureMail supplies its own socket factories (and never falls back to the JVM's"
                + " default); configure TLS with TlsPolicy");
        HINTS.put("class", "SecureMail installs its own hardened provider and refuses substitutes");
        HINTS.put("auth", "set credentials with credentials(Credentials.password(...)) or"
                + " credentials(Credentials.oauth2(...))");
        HINTS.put("sasl", "set credentials with credentials(...); SecureMail uses PLAIN, LOGIN or XOAUTH2 inside TLS");
        HINTS.put("user", "set credentials with credentials(...)");
        HINTS.put("connectiontimeout", "set timeouts with timeouts(Timeouts.of(connect, read, write))");
        HINTS.put("timeout", "set timeouts with timeouts(Timeouts.of(connect, read, write))");
        HINTS.put("writetimeout", "set timeouts with timeouts(Timeouts.of(connect, read, write))");
        HINTS.put("executor", "SecureMail manages write timeouts itself");
        HINTS.put("host", "the host is the argument of SecureMail.smtp(host), imap(host) or pop3(host)");
        HINTS.put("port", "set the port with port(...)");
        HINTS.put("localhost", "set the EHLO name with heloName(...)");
        HINTS.put("proxy", "proxies are not supported: SecureMail connects directly");
        HINTS.put("socks", "proxies are not supported: SecureMail connects directly");
        HINTS.put("usesocketchannels", "not supported: SecureMail's sockets enforce the policy");
        HINTS.put("chunksize", "BDAT is not used: SecureMail sends with DATA, dot-stuffed");
        HINTS.put("ehlo", "EHLO is always used: without it STARTTLS cannot be negotiated");
        HINTS.put("reportsuccess", "per-recipient results are in the DeliveryReport that send(...) returns");
        HINTS.put("sendpartial", "per-recipient results are in the DeliveryReport that send(...) returns");
        HINTS.put("starttls", "STARTTLS is set by the mode and always required");
    }

    private MailProperties() {
    }

    /**
     * Checks a property a user wants to add to a session.
     *
     * @param protocol {@code "smtp"}, {@code "imap"} or {@code "pop3"}
     * @param key the property name
     * @param value its value
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if SecureMail does not accept the property; the message says what to use
     */
    public static void checkUserProperty(String protocol, String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (isAllowed(protocol, key)) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("property " + key + " value contains a line break");
            }
            return;
        }
        throw new IllegalArgumentException("property " + key + " is not accepted: " + hint(protocol, key)
                + " (see docs/migrating-from-jakarta-mail-properties.md)");
    }

    static boolean isAllowed(String protocol, String key) {
        if (key.startsWith("mail.mime.")) {
            return true;
        }
        String prefix = "mail." + protocol + ".";
        return key.startsWith(prefix) && ALLOWED.getOrDefault(protocol,
                Set.of()).contains(key.substring(prefix.length()));
    }

    private static String hint(String protocol, String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        for (String other : new String[] {"smtps", "imaps", "pop3s", "smtp", "imap", "pop3"}) {
            String prefix = "mail." + other + ".";
            if (!lower.startsWith(prefix)) {
                continue;
            }
            if (!other.equals(protocol)) {
                return "this session speaks " + protocol.toUpperCase(java.util.Locale.ROOT) + " and reads only"
                        + " mail." + protocol + ".* properties; implicit TLS is chosen with"
                        + " mode(SecurityMode.IMPLICIT_TLS), not with an 's' protocol";
            }
            String rest = lower.substring(prefix.length());
            for (Map.Entry<String, String> h : HINTS.entrySet()) {
                if (rest.startsWith(h.getKey())) {
                    return h.getValue();
                }
            }
            return "SecureMail sets the connection's security, timeouts and authentication itself and accepts only"
                    + " formatting and protocol options";
        }
        if (lower.startsWith("mail.debug")) {
            return "SecureMail logs the protocol dialogue through SLF4J at DEBUG, with credentials redacted";
        }
        if (lower.startsWith("mail.transport.protocol") || lower.startsWith("mail.store.protocol")) {
            return "SecureMail registers its own hardened providers for this session";
        }
        return "SecureMail sets the connection's security, timeouts and authentication itself and accepts only"
                + " formatting and protocol options";
    }

    /**
     * Compares a session's properties now with those SecureMail set, so that a property added or changed later
     * (a trust-all, another socket factory, a provider class) is refused before it is used.
     *
     * @param protocol the session's protocol
     * @param expected the properties SecureMail set
     * @param actual the session's properties now
     * @return null when nothing unsafe changed, otherwise the first offending key
     */
    public static String firstUnsafeChange(String protocol, Properties expected, Properties actual) {
        for (Object k : actual.keySet()) {
            String key = String.valueOf(k);
            Object now = actual.get(k);
            Object then = expected.get(k);
            if (Objects.equals(now, then) || (then == null && isAllowed(protocol, key))) {
                continue;
            }
            if (then != null && isAllowed(protocol, key)) {
                continue;
            }
            return key;
        }
        for (Object k : expected.keySet()) {
            if (!actual.containsKey(k)) {
                return String.valueOf(k);
            }
        }
        return null;
    }
}
