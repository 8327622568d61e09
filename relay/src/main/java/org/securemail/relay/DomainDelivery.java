package org.securemail.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.transport.DeliveryReport;

/**
 * What became of one recipient domain's share of a message: which MX took it and under what TLS policy, or why none
 * did. Immutable.
 */
public final class DomainDelivery {

    /** The outcome for the domain's recipients. */
    public enum Status {
        /** An MX accepted the message (see {@link #report()} for recipients it rejected). */
        DELIVERED,
        /** No MX will take it: a null MX, no such domain, a 5xx reply, REQUIRETLS unmet. Do not retry. */
        FAILED_PERMANENTLY,
        /** No MX took it this time (unreachable, a 4xx reply, a TLS policy failure, a DNS failure): retry later. */
        FAILED_TEMPORARILY,
        /** The connection was lost after the whole message was sent: it may have been delivered. */
        AMBIGUOUS
    }

    private final String domain;
    private final List<InternetAddress> recipients;
    private final Status status;
    private final String mxHost;
    private final InetAddress address;
    private final MxSecurity security;
    private final DeliveryReport report;
    private final List<String> attempts;
    private final MessagingException failure;

    DomainDelivery(String domain, List<InternetAddress> recipients, Status status, String mxHost, InetAddress address,
                   MxSecurity security, DeliveryReport report, List<String> attempts, MessagingException failure) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.recipients = List.copyOf(recipients);
        this.status = Objects.requireNonNull(status, "status");
        this.mxHost = mxHost;
        this.address = address;
        this.security = security;
        this.report = report;
        this.attempts = List.copyOf(attempts);
        this.failure = failure;
    }

    /**

     * Returns the recipient domain, in A-label form, lower case.

     *

     * @return the recipient domain, in A-label form, lower case

     */
    public String domain() {
        return domain;
    }

    /**

     * Returns the message's recipients in this domain.

     *

     * @return the message's recipients in this domain

     */
    public List<InternetAddress> recipients() {
        return recipients;
    }

    /**

     * Returns the outcome.

     *

     * @return the outcome

     */
    public Status status() {
        return status;
    }

    /**

     * Returns the MX host that took the message, when delivered.

     *

     * @return the MX host that took the message, when delivered

     */
    public Optional<String> mxHost() {
        return Optional.ofNullable(mxHost);
    }

    /**

     * Returns the address of that MX host that was connected to, when delivered.

     *

     * @return the address of that MX host that was connected to, when delivered

     */
    public Optional<InetAddress> address() {
        return Optional.ofNullable(address);
    }

    /**

     * Returns the policy the delivery ran under, when delivered.

     *

     * @return the policy the delivery ran under, when delivered

     */
    public Optional<MxSecurity> security() {
        return Optional.ofNullable(security);
    }

    /**

     * Returns the SMTP delivery report (handshake, accepted and rejected recipients), when delivered.

     *

     * @return the SMTP delivery report (handshake, accepted and rejected recipients), when delivered

     */
    public Optional<DeliveryReport> report() {
        return Optional.ofNullable(report);
    }

    /**
     * Returns one line per MX host and address tried or passed over, in order, each saying what happened: for the
     * log, and to tell a domain's administrator what their servers did.
     *
     * @return the attempts
     */
    public List<String> attempts() {
        return attempts;
    }

    /**

     * Returns the last failure, when not delivered.

     *

     * @return the last failure, when not delivered

     */
    public Optional<MessagingException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        if (status == Status.DELIVERED) {
            return domain + ": delivered to " + mxHost + " [" + address.getHostAddress() + "] under " + security
                    + report.endpoint().handshake().map(h -> " (" + h.tlsVersion() + ", " + h.cipherSuite() + ")")
                    .orElse(" (cleartext)");
        }
        return domain + ": " + status + (failure == null ? "" : ": " + failure.getMessage());
    }
}
