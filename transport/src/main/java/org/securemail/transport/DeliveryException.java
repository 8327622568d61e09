package org.securemail.transport;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;

/**
 * A message could not be sent, or it is not known whether it was: the common type of
 * {@link TransientDeliveryException} (retry later), {@link PermanentDeliveryException} (do not retry as is) and
 * {@link AmbiguousDeliveryException} (the server may or may not have accepted it).
 *
 * <p>It extends {@link SendFailedException}, so code written for Jakarta Mail keeps catching it. The message follows
 * the form {@code <host>:<port> <what happened>: <server reply> (mode <MODE>); <what to do>}.
 */
public abstract class DeliveryException extends SendFailedException {
    private static final long serialVersionUID = 1L;
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final int replyCode;
    private final String serverReply;
    private final transient Handshake handshake;

    /**
     * Creates the exception.
     *
     * @param host the server's host
     * @param port the server's port
     * @param mode the connection's mode
     * @param what what happened
     * @param replyCode the server's reply code, or -1 when there was no reply
     * @param serverReply the server's reply text, or null
     * @param fix what to do
     * @param handshake the connection's TLS handshake, or null
     * @param cause the underlying exception, or null
     * @param validUnsent addresses that were valid but not sent to, or null
     * @param invalid addresses the server rejected, or null
     */
    protected DeliveryException(String host, int port, SecurityMode mode, String what, int replyCode,
                                String serverReply, String fix, Handshake handshake, Exception cause,
                                Address[] validUnsent, Address[] invalid) {
        super(host + ":" + port + " " + what + (serverReply == null ? "" : ": " + oneLine(serverReply))
                + " (mode " + mode + ")" + (fix == null ? "" : "; " + fix), cause, null, validUnsent, invalid);
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.replyCode = replyCode;
        this.serverReply = serverReply == null ? null : serverReply.trim();
        this.handshake = handshake;
    }

    static String oneLine(String reply) {
        return reply.trim().replaceAll("\\s*\\r?\\n\\s*", " | ");
    }

    /**

     * Returns the server's host.

     *

     * @return the server's host

     */
    public String host() {
        return host;
    }

    /**

     * Returns the server's port.

     *

     * @return the server's port

     */
    public int port() {
        return port;
    }

    /**

     * Returns the connection's security mode.

     *

     * @return the connection's security mode

     */
    public SecurityMode mode() {
        return mode;
    }

    /**

     * Returns the server's reply code, or -1 when the failure was not a reply (a timeout, a lost connection).

     *

     * @return the server's reply code, or -1 when the failure was not a reply (a timeout, a lost connection)

     */
    public int replyCode() {
        return replyCode;
    }

    /**

     * Returns the server's reply, when there was one.

     *

     * @return the server's reply, when there was one

     */
    public Optional<String> serverReply() {
        return Optional.ofNullable(serverReply);
    }

    /**

     * Returns the RFC 3463 enhanced status code of the reply (e.g. {@code 5.7.1}), when the server sent one.

     *

     * @return the RFC 3463 enhanced status code of the reply (e.g. {@code 5.7.1}), when the server sent one

     */
    public Optional<String> enhancedStatus() {
        if (serverReply == null) {
            return Optional.empty();
        }
        Matcher m = ENHANCED.matcher(serverReply);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**

     * Returns the TLS handshake of the connection, when it was TLS.

     *

     * @return the TLS handshake of the connection, when it was TLS

     */
    public Optional<Handshake> handshake() {
        return Optional.ofNullable(handshake);
    }
}
