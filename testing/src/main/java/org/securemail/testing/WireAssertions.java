package org.securemail.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Assertions on what a {@link RecordingServer} received, in cleartext and under TLS: the proof, at the wire, that a
 * credential or a message never arrived where it must not, and that a message arrived exactly once. Each failure is
 * an {@link AssertionError} that names what arrived and where.
 */
public final class WireAssertions {
    private static final String[] CREDENTIAL_VERBS = {"AUTH", "LOGIN", "AUTHENTICATE", "USER", "PASS", "APOP"};

    private WireAssertions() {
    }

    /**
     * Returns every form in which a user's secret can travel: as typed, in base64, in a SASL PLAIN response and in an
     * XOAUTH2 response. Pass them to the assertions as the forbidden texts.
     *
     * @param user the user name
     * @param secret the password or token
     * @return the forms
     * @throws NullPointerException if an argument is null
     */
    public static List<String> secretForms(String user, String secret) {
        Objects.requireNonNull(user, "user");
        byte[] s = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        forms.add(Base64.getEncoder().encodeToString(s));
        forms.add(Base64.getEncoder().encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        forms.add(Base64.getEncoder().encodeToString(("user=" + user + "\001auth=Bearer " + secret + "\001\001")
                .getBytes(StandardCharsets.UTF_8)));
        return forms;
    }

    /**
     * Asserts that nothing but the protocol's harmless opening commands arrived in cleartext (SMTP: EHLO, HELO,
     * STARTTLS, QUIT; IMAP: CAPABILITY, STARTTLS, LOGOUT, NOOP; POP3: CAPA, STLS, QUIT) and that none of the given
     * texts is among the cleartext bytes. So no credential, no mail transaction, no mailbox command and no message
     * line travelled in cleartext.
     *
     * @param server the server
     * @param forbidden texts that must not appear in the cleartext bytes: the {@link #secretForms secret forms}, the
     *     message's subject and body
     * @throws AssertionError naming the first command or text that arrived in cleartext
     */
    public static void assertNothingSentInCleartext(RecordingServer<?> server, Iterable<String> forbidden) {
        for (RecordingServer.Line l : server.lines()) {
            if (!l.tls && !server.commandsBeforeTls().contains(l.verb())) {
                throw new AssertionError("the server received " + l.verb() + " in cleartext (connection "
                        + l.connection + "); only " + sorted(server.commandsBeforeTls()) + " may come before TLS");
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
     * did: the client withheld the credentials.
     *
     * @param server the server
     * @param forbidden texts that must not have arrived, such as the {@link #secretForms secret forms}
     * @throws AssertionError naming the first credential command or text that arrived, and whether under TLS
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

    /**
     * Asserts that exactly one message the server received whole contains the text, a Message-ID or a subject, say:
     * the message was neither lost nor sent twice (by a retry after a dropped connection, for instance).
     *
     * @param server the server
     * @param text text that identifies the message, e.g. {@code "Message-ID: <42@example.test>"}
     * @throws AssertionError saying how many messages contained the text
     */
    public static void assertDeliveredOnce(HostileSmtpServer server, String text) {
        Objects.requireNonNull(text, "text");
        List<String> messages = server.messages();
        long n = messages.stream().filter(m -> m.contains(text)).count();
        if (n != 1) {
            throw new AssertionError("expected the server to receive one message containing \"" + text + "\" but it"
                    + " received " + n + " (of " + messages.size() + " messages)");
        }
    }

    /**
     * Asserts that the server received no message whole: the client stopped before the end of the data, or never
     * began it.
     *
     * @param server the server
     * @throws AssertionError giving the number of messages received
     */
    public static void assertNothingDelivered(HostileSmtpServer server) {
        List<String> messages = server.messages();
        if (!messages.isEmpty()) {
            throw new AssertionError("expected the server to receive no message but it received " + messages.size());
        }
    }

    private static List<String> sorted(Iterable<String> words) {
        List<String> r = new ArrayList<>();
        words.forEach(r::add);
        r.sort(null);
        return r;
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
