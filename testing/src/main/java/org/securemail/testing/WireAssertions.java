package org.securemail.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Assertions on what a {@link RecordingServer} received, in cleartext and under TLS: the proof, at the wire, that a
 * credential or a message never arrived where it must not. Each failure is an {@link AssertionError} naming what
 * arrived and where.
 */
public final class WireAssertions {
    private static final String[] CREDENTIAL_VERBS = {"AUTH", "LOGIN", "AUTHENTICATE", "USER", "PASS", "APOP"};
    private static final String[] TRANSACTION_VERBS = {"MAIL", "RCPT", "DATA", "SELECT", "EXAMINE", "FETCH", "RETR",
        "LIST", "UIDL", "STAT", "TOP"};

    private WireAssertions() {
    }

    /**
     * Every form in which a user's secret can travel: as typed, in base64, in a SASL PLAIN response and in an
     * XOAUTH2 response.
     *
     * @param user the user name
     * @param secret the password or token
     * @return the forms
     */
    public static List<String> secretForms(String user, String secret) {
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        forms.add(Base64.getEncoder().encodeToString(s));
        forms.add(Base64.getEncoder().encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        forms.add(Base64.getEncoder().encodeToString(("user=" + user + "\001auth=Bearer " + secret + "\001\001")
                .getBytes(StandardCharsets.UTF_8)));
        return forms;
    }

    /**
     * Asserts that no credential command, no mail transaction command and none of the given texts arrived in
     * cleartext.
     *
     * @param server the server
     * @param forbidden texts that must not appear in the cleartext bytes (secret forms, message content)
     */
    public static void assertNothingSentInCleartext(RecordingServer<?> server, Iterable<String> forbidden) {
        for (String line : server.cleartextLines()) {
            String verb = verbOf(line);
            for (String v : CREDENTIAL_VERBS) {
                if (verb.equals(v)) {
                    throw new AssertionError("the server received " + v + " in cleartext: " + line);
                }
            }
            for (String v : TRANSACTION_VERBS) {
                if (verb.equals(v)) {
                    throw new AssertionError("the server received " + v + " in cleartext");
                }
            }
        }
        String clear = server.cleartextBytes();
        for (String f : forbidden) {
            if (!f.isEmpty() && clear.contains(f)) {
                throw new AssertionError("the server received \"" + f + "\" in cleartext");
            }
        }
    }

    /**
     * Asserts that none of the given texts arrived at all, in cleartext or under TLS, and that no credential command
     * did: the client withheld them.
     *
     * @param server the server
     * @param forbidden texts that must not have arrived
     */
    public static void assertNoCredentialsReceived(RecordingServer<?> server, Iterable<String> forbidden) {
        for (RecordingServer.Line l : server.lines()) {
            String verb = verbOf(l.text);
            for (String v : CREDENTIAL_VERBS) {
                if (verb.equals(v)) {
                    throw new AssertionError("the server received " + v + (l.tls ? " under TLS" : " in cleartext"));
                }
            }
            for (String f : forbidden) {
                if (!f.isEmpty() && l.text.contains(f)) {
                    throw new AssertionError("the server received \"" + f + "\"" + (l.tls ? " under TLS"
                            : " in cleartext"));
                }
            }
        }
        String clear = server.cleartextBytes();
        for (String f : forbidden) {
            if (!f.isEmpty() && clear.contains(f)) {
                throw new AssertionError("the server received \"" + f + "\" in cleartext");
            }
        }
    }

    /** The command verb of a line: its first word, or for an IMAP command the word after the tag. */
    private static String verbOf(String line) {
        String[] w = line.trim().split(" ");
        String first = w.length > 0 ? w[0].toUpperCase(Locale.ROOT) : "";
        if (w.length > 1 && first.matches("[A-Z]*[0-9]+[A-Z0-9]*")) {
            return w[1].toUpperCase(Locale.ROOT);
        }
        return first;
    }
}
