package org.securemail.transport.internal;

import java.util.Locale;
import java.util.Set;

/**
 * What a mail protocol may say in cleartext before TLS: the commands allowed, the STARTTLS command, how a reply ends,
 * and how a server announces STARTTLS. Used by {@link GuardedSocket} to stop everything else at the wire.
 */
public enum CleartextRules {
    /** SMTP (RFC 5321, RFC 3207). */
    SMTP("STARTTLS", Set.of("EHLO", "HELO", "STARTTLS", "QUIT", "RSET", "NOOP"), Set.of("AUTH")),
    /** IMAP (RFC 9051); commands are tagged. */
    IMAP("STARTTLS", Set.of("CAPABILITY", "STARTTLS", "LOGOUT", "NOOP"), Set.of("LOGIN", "AUTHENTICATE")),
    /** POP3 (RFC 1939, RFC 2595, RFC 5034). */
    POP3("STLS", Set.of("CAPA", "STLS", "QUIT"), Set.of("USER", "PASS", "APOP", "AUTH"));

    private final String startTls;
    private final Set<String> allowed;
    private final Set<String> credentials;

    CleartextRules(String startTls, Set<String> allowed, Set<String> credentials) {
        this.startTls = startTls;
        this.allowed = allowed;
        this.credentials = credentials;
    }

    /** @return the public protocol these rules are for */
    public org.securemail.transport.MailProtocol protocol() {
        return org.securemail.transport.MailProtocol.valueOf(name());
    }

    /** Returns the part of a hint that names this protocol's STARTTLS port, for a client that chose the wrong mode. */
    String startTlsPortHint() {
        switch (this) {
            case SMTP:
                return ", or port 587 with STARTTLS";
            case IMAP:
                return ", or port 143 with STARTTLS";
            default:
                return ", or port 110 with STLS";
        }
    }

    /** Tells whether a command verb (from {@link #verb}) carries a credential: a user name, password or token. */
    boolean carriesCredentials(String verb) {
        return credentials.contains(verb);
    }

    /** Returns the command verb of a line, upper case; for IMAP the word after the tag. */
    String verb(String line) {
        String l = line.trim();
        if (this == IMAP) {
            int sp = l.indexOf(' ');
            l = sp < 0 ? "" : l.substring(sp + 1);
        }
        int end = l.indexOf(' ');
        return (end < 0 ? l : l.substring(0, end)).toUpperCase(Locale.ROOT);
    }

    /** Returns the IMAP tag of a command line, or null for the other protocols. */
    String tag(String line) {
        if (this != IMAP) {
            return null;
        }
        int sp = line.indexOf(' ');
        return sp < 0 ? line.trim() : line.substring(0, sp);
    }

    boolean allowedBeforeTls(String line) {
        return allowed.contains(verb(line));
    }

    boolean isStartTls(String line) {
        return verb(line).equals(startTls);
    }

    String startTlsCommand() {
        return startTls;
    }

    /**
     * Tells whether a reply line ends the reply to the STARTTLS command (SMTP: a final "ddd " line; IMAP: the tagged
     * line; POP3: the status line).
     */
    boolean endsStartTlsReply(String line, String tag) {
        switch (this) {
            case SMTP:
                return line.length() >= 3 && Character.isDigit(line.charAt(0))
                        && (line.length() == 3 || line.charAt(3) == ' ');
            case IMAP:
                return tag != null && line.startsWith(tag + " ");
            default:
                return line.startsWith("+OK") || line.startsWith("-ERR");
        }
    }

    /** Tells whether the reply line that ended the STARTTLS reply is a go-ahead. */
    boolean isGoAhead(String line, String tag) {
        switch (this) {
            case SMTP:
                return line.startsWith("220");
            case IMAP:
                return line.toUpperCase(Locale.ROOT).startsWith((tag + " OK").toUpperCase(Locale.ROOT));
            default:
                return line.startsWith("+OK");
        }
    }

    /** Tells whether a cleartext reply line announces STARTTLS. */
    boolean announcesStartTls(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        switch (this) {
            case SMTP:
                return upper.matches("250[- ]\\s*STARTTLS\\s*");
            case IMAP:
                return upper.contains("CAPABILITY") && upper.matches(".*[ \\[]STARTTLS([ \\]].*)?");
            default:
                return upper.trim().equals("STLS");
        }
    }
}
