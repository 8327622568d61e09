package org.securemail.transport;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import java.util.Objects;
import java.util.Optional;
import org.securemail.transport.internal.Failures;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message could not be sent, or it is not known whether it was: the common type of
 * {@link TransientDeliveryException} (retry later), {@link PermanentDeliveryException} (do not retry as is) and
 * {@link AmbiguousDeliveryException} (the server may or may not have accepted it).
 *
 * <p>It extends {@link SendFailedException}, so code written for Jakarta Mail keeps catching it. The message follows
 * the form {@code <host>:<port> <what happened>: <server reply> (mode <MODE>); <what to do>}.
 */
public abstract class DeliveryException extends SendFailedException implements MailFailure {
    private static final long serialVersionUID = 1L;
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    private final transient MailEndpoint endpoint;
    private final int replyCode;
    private final String serverReply;

    /**
     * Creates the exception.
     *
     * @param endpoint where, with the handshake when one completed
     * @param what what happened
     * @param replyCode the server's reply code, or -1 when there was no reply
     * @param serverReply the server's reply text, or null
     * @param fix what to do, or null
     * @param cause the underlying exception, or null
     * @param validUnsent addresses that were valid but not sent to, or null
     * @param invalid addresses the server rejected, or null
     * @throws NullPointerException if {@code endpoint} or {@code what} is null
     */
    protected DeliveryException(MailEndpoint endpoint, String what, int replyCode, String serverReply, String fix,
                                Exception cause, Address[] validUnsent, Address[] invalid) {
        super(endpoint.host() + ":" + endpoint.port() + " " + Objects.requireNonNull(what, "what")
                + (serverReply == null ? "" : ": " + Failures.oneLine(serverReply)) + " (mode " + endpoint.mode() + ")"
                + (fix == null ? "" : "; " + fix), cause, null, validUnsent, invalid);
        this.endpoint = endpoint;
        this.replyCode = replyCode;
        this.serverReply = serverReply == null ? null : serverReply.trim();
    }

    @Override
    public MailEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Returns the server's reply code, or -1 when the failure was not a reply (a timeout, a lost connection).
     *
     * @return the reply code, or -1
     */
    public int replyCode() {
        return replyCode;
    }

    /**
     * Returns the server's reply, when there was one.
     *
     * @return the reply, or empty
     */
    public Optional<String> serverReply() {
        return Optional.ofNullable(serverReply);
    }

    /**
     * Returns the RFC 3463 enhanced status code of the reply (e.g. {@code 5.7.1}), when the server sent one.
     *
     * @return the enhanced status code, or empty
     */
    public Optional<String> enhancedStatus() {
        if (serverReply == null) {
            return Optional.empty();
        }
        Matcher m = ENHANCED.matcher(serverReply);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
