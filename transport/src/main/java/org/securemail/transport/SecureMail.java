package org.securemail.transport;

/**
 * Entry point: builders for sending (SMTP) and, in later versions, fetching mail under a TLS policy.
 *
 * <pre>{@code
 * SmtpSender sender = SecureMail.smtp("smtp.example.com")      // STARTTLS required on 587 by default
 *         .credentials(Credentials.password("me@example.com", password))
 *         .build();
 * }</pre>
 */
public final class SecureMail {
    private SecureMail() {
    }

    /**
     * Starts building an SMTP sender (or a drop-in Jakarta Mail session) for a server.
     *
     * @param host the server's host name, verified against its certificate
     * @return a builder; the default mode is {@link org.securemail.policy.SecurityMode#STARTTLS_REQUIRED} on port 587
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or contains whitespace
     */
    public static SmtpSender.Builder smtp(String host) {
        return SmtpSender.builder(host);
    }
}
