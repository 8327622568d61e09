package org.securemail.transport.internal;

/**
 * How much a server may make a client read, enforced by {@link ReplyBounds} below the protocol code. Before TLS the
 * limits are tight: a greeting, a capability list and the STARTTLS reply are all a legitimate server sends there, and
 * an on-path attacker without any certificate must not be able to make the client allocate more than a few
 * kilobytes. After TLS, the server has proved its identity; the limits still stop a broken or malicious one from
 * exhausting the heap.
 *
 * @param maxLine the longest line, in octets, without its line ending
 * @param maxReplyLines the most lines of one SMTP reply (continuation lines, {@code 250-...}); 0 for no limit
 * @param maxTotal the most octets in all; 0 for no limit
 * @param maxLiteral the largest IMAP literal, in octets; -1 when a literal is not allowed at all
 */
public record Limits(long maxLine, int maxReplyLines, long maxTotal, long maxLiteral) {
    /** Before TLS, every protocol: 4 KiB lines, 100 lines per reply, 64 KiB in all, no literal. */
    public static final Limits BEFORE_TLS = new Limits(4096, 100, 64 * 1024, -1);
    /** SMTP inside TLS: 64 KiB lines, 1,000 lines per reply. */
    public static final Limits SMTP_TLS = new Limits(64 * 1024, 1000, 0, -1);
    /** POP3 inside TLS: 64 KiB lines (message lines included). */
    public static final Limits POP3_TLS = new Limits(64 * 1024, 0, 0, -1);
    /** The default largest IMAP literal (and response line) inside TLS: 16 MiB. */
    public static final long DEFAULT_MAX_LITERAL = 16L * 1024 * 1024;

    /**
     * IMAP inside TLS.
     *
     * @param maxLiteral the largest literal and the longest line, in octets
     * @return the limits
     */
    public static Limits imapTls(long maxLiteral) {
        return new Limits(maxLiteral, 0, 0, maxLiteral);
    }
}
