package org.securemail.testing;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * What the three hostile servers ({@link HostileSmtpServer}, {@link HostileImapServer}, {@link HostilePop3Server})
 * can all be scripted to do: TLS from the first byte or after the protocol's STARTTLS command, STARTTLS stripped from
 * the capabilities, bytes injected right after the STARTTLS go-ahead, the greeting, the replies to authentication,
 * stalls, dropped connections and {@link Attack attacks}. Each protocol's builder adds its own replies.
 *
 * <p>Setters may be called in any order; the last call wins. {@link #start()} binds a new server on 127.0.0.1, port 0.
 *
 * @param <B> the protocol's builder
 * @param <S> the protocol's server
 */
public abstract class HostileServerBuilder<B extends HostileServerBuilder<B, S>, S extends RecordingServer<?>> {
    final SSLContext tls;
    boolean implicitTls;
    boolean stripStartTls;
    String greeting;
    String afterGoAhead = "";
    String authReply;
    List<String> authReplies = List.of();
    String stallOn;
    String dropOn;
    int dropOnOccurrence = 1;
    String attackWhen;
    Boolean attackInsideTls;
    Attack attack;
    /** Told of each server this builder started (the extension closes them after the test). */
    Consumer<RecordingServer<?>> onStart = s -> { };

    HostileServerBuilder(SSLContext tls, String greeting, String authReply) {
        this.tls = tls;
        this.greeting = greeting;
        this.authReply = authReply;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Runs TLS from the first byte (SMTPS on 465, IMAPS on 993, POP3S on 995) instead of after STARTTLS.
     *
     * @param v true for implicit TLS
     * @return this builder
     */
    public B implicitTls(boolean v) {
        implicitTls = v;
        return self();
    }

    /**
     * Leaves STARTTLS (STLS for POP3) out of the capabilities announced before TLS, as a network device that strips
     * it makes a server look. A client that sends the command anyway gets the scripted reply (a go-ahead unless
     * changed), as it would through such a device.
     *
     * @return this builder
     */
    public B stripStartTls() {
        stripStartTls = true;
        return self();
    }

    /**
     * Sets the greeting line the server sends first (inside TLS with {@link #implicitTls(boolean)}).
     *
     * @param line the whole line without its line end, e.g. {@code "220 mail.test ESMTP"} or
     *     {@code "* PREAUTH [CAPABILITY IMAP4rev1] welcome"}
     * @return this builder
     * @throws NullPointerException if the line is null
     */
    public B greeting(String line) {
        greeting = Objects.requireNonNull(line, "line");
        return self();
    }

    /**
     * Sends bytes in cleartext right after the STARTTLS go-ahead, in the same write: injected replies that a client
     * must never read as if they had come from inside TLS.
     *
     * @param data the bytes as text, with {@code \r\n} line ends
     * @return this builder
     * @throws NullPointerException if the data is null
     */
    public B afterGoAhead(String data) {
        afterGoAhead = Objects.requireNonNull(data, "data");
        return self();
    }

    /**
     * Sets the final reply to authentication (SMTP AUTH, IMAP LOGIN and AUTHENTICATE without the tag, POP3 PASS and
     * AUTH), given to every attempt after those of {@link #authReplies(String...)}.
     *
     * @param reply e.g. {@code "535 5.7.8 Authentication credentials invalid"}, {@code "NO [AUTHENTICATIONFAILED]"},
     *     {@code "-ERR invalid"}
     * @return this builder
     * @throws NullPointerException if the reply is null
     */
    public B authReply(String reply) {
        authReply = Objects.requireNonNull(reply, "reply");
        return self();
    }

    /**
     * Sets successive replies to authentication, one per attempt over all connections; then
     * {@link #authReply(String)} applies.
     *
     * @param replies the replies, in order
     * @return this builder
     */
    public B authReplies(String... replies) {
        authReplies = List.of(replies);
        return self();
    }

    /**
     * Stops answering, with the connection left open, when a command arrives: the client must give up by its own
     * read timeout.
     *
     * @param verb the command, e.g. {@code "MAIL"}, {@code "SELECT"}, {@code "RETR"}; {@code "GREETING"} stalls
     *     before the greeting; SMTP also knows {@code "DATA-BODY"} (stops reading after the 354 reply) and
     *     {@code "DATA-END"} (says nothing after the whole message)
     * @return this builder
     */
    public B stallOn(String verb) {
        stallOn = verb.toUpperCase(Locale.ROOT);
        return self();
    }

    /**
     * Closes the connection, without a reply, when a command first arrives.
     *
     * @param verb the command, e.g. {@code "RCPT"}
     * @return this builder
     */
    public B dropOn(String verb) {
        return dropOn(verb, 1);
    }

    /**
     * Closes the connection, without a reply, when the n-th occurrence of a command arrives, counted over all
     * connections: a retry on a new connection gets through.
     *
     * @param verb the command
     * @param occurrence 1 for the first
     * @return this builder
     * @throws IllegalArgumentException if the occurrence is below 1
     */
    public B dropOn(String verb, int occurrence) {
        if (occurrence < 1) {
            throw new IllegalArgumentException("occurrence must be 1 or more: " + occurrence);
        }
        dropOn = verb.toUpperCase(Locale.ROOT);
        dropOnOccurrence = occurrence;
        return self();
    }

    /**
     * Runs an attack instead of the greeting or of the reply to a command.
     *
     * @param when {@code "GREETING"} or a command verb
     * @param insideTls true to attack only inside TLS, false only before it, null either way
     * @param attack the attack
     * @return this builder
     */
    public B attack(String when, Boolean insideTls, Attack attack) {
        this.attackWhen = when;
        this.attackInsideTls = insideTls;
        this.attack = attack;
        return self();
    }

    /**
     * Binds the server on 127.0.0.1, port 0, and starts accepting connections.
     *
     * @return the started server; close it when the test ends
     * @throws IllegalStateException if the listener cannot be bound
     */
    public abstract S start();
}
