package org.securemail.transport;

/**
 * Entry point: builders for sending (SMTP) and fetching (IMAP, POP3) mail under a TLS policy.
 *
 * <pre>{@code
 * SmtpSender sender = SecureMail.smtp("smtp.example.com")      // STARTTLS required on 587 by default
 *         .credentials(Credentials.password("me@example.com", password))
 *         .build();
 * ImapFetcher imap = SecureMail.imap("imap.example.com")       // implicit TLS on 993 by default
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

    /**
     * Starts building an IMAP fetcher (or a drop-in Jakarta Mail session for {@code Store}) for a server.
     *
     * @param host the server's host name, verified against its certificate
     * @return a builder; the default mode is {@link org.securemail.policy.SecurityMode#IMPLICIT_TLS} on port 993
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or contains whitespace
     */
    public static ImapFetcher.Builder imap(String host) {
        return ImapFetcher.builder(host);
    }

    /**
     * Starts building a POP3 fetcher (or a drop-in Jakarta Mail session for {@code Store}) for a server.
     *
     * @param host the server's host name, verified against its certificate
     * @return a builder; the default mode is {@link org.securemail.policy.SecurityMode#IMPLICIT_TLS} on port 995
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or contains whitespace
     */
    public static Pop3Fetcher.Builder pop3(String host) {
        return Pop3Fetcher.builder(host);
    }
}
