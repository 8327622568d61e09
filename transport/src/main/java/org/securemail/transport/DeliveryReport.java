package org.securemail.transport;

import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of one message the server accepted: who it was accepted for, who was rejected and why, the server's
 * final reply and queue id, how the connection was protected, and how long it took. A report exists only after the
 * server's 250 reply to the end of the message.
 *
 * <p>Immutable. {@link #toString()} holds no secret.
 */
public final class DeliveryReport {
    private static final Pattern[] QUEUE_ID = {
        Pattern.compile("queued as ([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE),
        Pattern.compile("\\bid=([A-Za-z0-9._@<>-]+)", Pattern.CASE_INSENSITIVE),
        Pattern.compile("InternalId=([0-9]+)"),
        Pattern.compile("^250[ -]2\\.0\\.0 ([A-Za-z0-9]{8,}) Message accepted"),
    };

    private final MailEndpoint endpoint;
    private final List<InternetAddress> accepted;
    private final Map<InternetAddress, String> rejected;
    private final String finalReply;
    private final String messageId;
    private final boolean connectionReused;
    private final Duration connectDuration;
    private final Duration transactionDuration;

    DeliveryReport(MailEndpoint endpoint, List<InternetAddress> accepted, Map<InternetAddress, String> rejected,
                   String finalReply, String messageId, boolean connectionReused, Duration connectDuration,
                   Duration transactionDuration) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.accepted = List.copyOf(accepted);
        this.rejected = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
        this.finalReply = Objects.requireNonNull(finalReply, "finalReply").trim();
        this.messageId = messageId;
        this.connectionReused = connectionReused;
        this.connectDuration = connectDuration;
        this.transactionDuration = transactionDuration;
    }

    /**
     * Returns the server the message went to and how the connection was protected: protocol, host, port, mode and
     * the TLS handshake (empty for a cleartext connection: opportunistic mode without STARTTLS, or the insecure
     * development mode).
     *
     * @return the endpoint
     */
    public MailEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Tells whether the message travelled inside TLS.
     *
     * @return whether a TLS handshake protected the connection
     */
    public boolean isEncrypted() {
        return endpoint.isEncrypted();
    }

    /**
     * Returns the recipients the server accepted the message for.
     *
     * @return the recipients the server accepted the message for
     */
    public List<InternetAddress> accepted() {
        return accepted;
    }

    /**
     * Returns the recipients the server rejected, each with its reply; empty when all were accepted.
     *
     * @return the recipients the server rejected, each with its reply; empty when all were accepted
     */
    public Map<InternetAddress, String> rejected() {
        return rejected;
    }

    /**
     * Returns the server's reply to the end of the message, e.g. {@code 250 2.0.0 Ok: queued as 4XyZ}.
     *
     * @return the server's reply to the end of the message, e.g. {@code 250 2.0.0 Ok: queued as 4XyZ}
     */
    public String finalReply() {
        return finalReply;
    }

    /**
     * Returns the server's queue id for the message, when its final reply carries one in a known form (Postfix
     * "queued as", Sendmail, Exchange "InternalId", "id=").
     *
     * @return the queue id, or empty
     */
    public Optional<String> queueId() {
        for (Pattern p : QUEUE_ID) {
            Matcher m = p.matcher(finalReply);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the Message-ID header of the message sent, when it has one.
     *
     * @return the Message-ID header of the message sent, when it has one
     */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /**
     * Returns whether the message went over a pooled connection that was already open.
     *
     * @return whether the message went over a pooled connection that was already open
     */
    public boolean isConnectionReused() {
        return connectionReused;
    }

    /**
     * Returns how long connecting (TCP, TLS, EHLO, AUTH) took; zero for a reused connection.
     *
     * @return how long connecting (TCP, TLS, EHLO, AUTH) took; zero for a reused connection
     */
    public Duration connectDuration() {
        return connectDuration;
    }

    /**
     * Returns how long the transaction took, from MAIL FROM to the final reply.
     *
     * @return how long the transaction took, from MAIL FROM to the final reply
     */
    public Duration transactionDuration() {
        return transactionDuration;
    }

    @Override
    public String toString() {
        return "DeliveryReport{" + endpoint + (endpoint.isEncrypted() ? "" : " cleartext")
                + ", accepted=" + accepted + (rejected.isEmpty() ? "" : ", rejected=" + rejected.keySet())
                + ", reply=\"" + finalReply + "\"" + queueId().map(q -> ", queueId=" + q).orElse("")
                + ", connect=" + connectDuration.toMillis() + " ms" + (connectionReused ? " (reused)" : "")
                + ", transaction=" + transactionDuration.toMillis() + " ms}";
    }
}
