package org.securemail.transport.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.securemail.transport.MailSecurityException;

/**
 * Passes a server's bytes through to the protocol code only while they stay within {@link Limits}: line length,
 * lines per SMTP reply, octets in all, and IMAP literals (none before TLS, none above the maximum after it). Angus
 * Mail reads a reply line or literal into memory whole, with no limit of its own (an endless line, or the 24-byte
 * greeting {@code * OK {2147483000}}, would exhaust the heap), so the check runs on each chunk before Angus sees it:
 * bytes that break a limit are never returned, the connection is closed, and a {@link GuardException} names what the
 * server did. See docs/angus-behaviours.md.
 */
final class ReplyBounds extends FilterInputStream {
    private static final int TAIL = 24;

    private final CleartextRules protocol;
    private final Limits limits;
    private final String phase;
    private final Runnable breakConnection;
    private final byte[] head = new byte[4];
    private final byte[] tail = new byte[TAIL];
    private long lineLength;
    private int replyLines;
    private long total;
    private long literalLeft;
    private byte last;

    /**
     * Creates the filter.
     *
     * @param in the stream from the server
     * @param protocol the protocol, for reply and literal syntax
     * @param limits the limits
     * @param phase "before TLS" or "inside TLS", for messages
     * @param breakConnection closes the connection when a limit is broken
     */
    ReplyBounds(InputStream in, CleartextRules protocol, Limits limits, String phase, Runnable breakConnection) {
        super(in);
        this.protocol = protocol;
        this.limits = limits;
        this.phase = phase;
        this.breakConnection = breakConnection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            check(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be checked like read ones.
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(byte[] b, int off, int n) throws IOException {
        total += n;
        if (limits.maxTotal() > 0 && total > limits.maxTotal()) {
            throw refuse("sent more than " + limits.maxTotal() + " octets " + phase);
        }
        int end = off + n;
        int i = off;
        while (i < end) {
            if (literalLeft > 0) {
                int take = (int) Math.min(literalLeft, end - i);
                literalLeft -= take;
                i += take;
                continue;
            }
            int nl = i;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            int segment = nl - i;
            if (segment > 0) {
                // The line so far: its first octets (SMTP continuation), its last ones (an IMAP literal), its length.
                if (lineLength < head.length) {
                    System.arraycopy(b, i, head, (int) lineLength, (int) Math.min(head.length - lineLength, segment));
                }
                if (protocol == CleartextRules.IMAP) {
                    int from = Math.max(i, nl - TAIL);
                    int slot = (int) ((lineLength + from - i) % TAIL);
                    for (int j = from; j < nl; j++) {
                        tail[slot] = b[j];
                        if (++slot == TAIL) {
                            slot = 0;
                        }
                    }
                }
                last = b[nl - 1];
                lineLength += segment;
                if (lineLength > limits.maxLine() + 1) { // + 1: the CR of a CRLF is counted until its LF arrives
                    throw refuse("sent a line longer than " + limits.maxLine() + " octets " + phase);
                }
            }
            if (nl == end) {
                return;
            }
            i = nl + 1;
            endOfLine();
        }
    }

    private void endOfLine() throws IOException {
        long length = lineLength;
        if (length > 0 && last == '\r') {
            length--;
        }
        if (protocol == CleartextRules.SMTP) {
            boolean continuation = lineLength >= 4 && head[3] == '-';
            replyLines = continuation ? replyLines + 1 : 0;
            if (limits.maxReplyLines() > 0 && replyLines >= limits.maxReplyLines()) {
                throw refuse("sent a reply of more than " + limits.maxReplyLines() + " lines " + phase);
            }
        } else if (protocol == CleartextRules.IMAP) {
            long literal = literalAtEnd(length);
            if (literal >= 0) {
                if (limits.maxLiteral() < 0) {
                    throw refuse("announced an IMAP literal of " + literal + " octets " + phase
                            + ", where a server has no reason to send one");
                }
                if (literal > limits.maxLiteral()) {
                    throw refuse("announced an IMAP literal of " + literal + " octets " + phase + ", more than the"
                            + " maximum of " + limits.maxLiteral());
                }
                literalLeft = literal;
            }
        } else if (limits.maxReplyLines() > 0) {
            if (++replyLines >= limits.maxReplyLines()) {
                throw refuse("sent more than " + limits.maxReplyLines() + " lines " + phase);
            }
        }
        lineLength = 0;
        last = 0;
    }

    private byte tailByte(long index) {
        return tail[(int) (index % TAIL)];
    }

    /** Returns N when the line (without CRLF) ends with an IMAP literal {@code {N}} or {@code {N+}}, else -1. */
    private long literalAtEnd(long length) {
        if (length < 3 || tailByte(length - 1) != '}') {
            return -1;
        }
        long i = length - 2;
        if (tailByte(i) == '+') {
            i--;
        }
        long value = 0;
        int digits = 0;
        while (i >= 0 && length - i < TAIL && tailByte(i) >= '0' && tailByte(i) <= '9') {
            i--;
            digits++;
        }
        if (digits == 0 || i < 0 || tailByte(i) != '{' || length - i >= TAIL) {
            return -1;
        }
        for (long j = i + 1; j < i + 1 + digits; j++) {
            value = value * 10 + (tailByte(j) - '0');
            if (value > Long.MAX_VALUE / 20) {
                return Long.MAX_VALUE;
            }
        }
        return value;
    }

    private GuardException refuse(String what) {
        breakConnection.run();
        return new GuardException(MailSecurityException.Reason.OVERSIZED_REPLY, what,
                "the connection was closed before SecureMail read it"
                        + (phase.startsWith("before") ? "; a mail server never needs that much before TLS, so something"
                        + " between it and this machine may be trying to exhaust memory" : ""));
    }
}
