package org.securemail.transport;

/**
 * What every SecureMail failure says, whether sending or fetching: where it happened, and whether the same call may
 * simply be retried later. Implemented by {@link MailSecurityException}, {@link DeliveryException} (and its transient,
 * permanent and ambiguous kinds), {@link MailConnectionException} and {@link CredentialsRejectedException}; catch
 * {@code MessagingException} and test for this interface to handle them alike.
 */
public interface MailFailure {
    /**
     * Returns where the failure happened and how the connection was protected.
     *
     * @return the endpoint
     */
    MailEndpoint endpoint();

    /**
     * Tells whether retrying the same call later may succeed and cannot do harm: true for a temporary failure (a 4xx
     * reply, a lost connection before anything was accepted, a timeout); false when it will fail again as it is (a
     * security refusal, rejected credentials, a 5xx reply, a configuration error) or when a retry could deliver a
     * message twice ({@link AmbiguousDeliveryException}).
     *
     * @return whether to retry later
     */
    boolean isRetryable();
}
