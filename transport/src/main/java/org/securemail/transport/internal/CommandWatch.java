package org.securemail.transport.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Sees every command line a client writes, before it leaves: each line is held until its line feed arrives, shown to
 * a {@link Check} (which may refuse it, and then no byte of it is written), and only then written. Message content is
 * not a command: SMTP data (while the connection says it is sending content) and IMAP literals that follow a line
 * ending in {@code {N}} pass through unparsed.
 *
 * <p>The lines accepted from one {@code write} go out in one write below, so that commands a client pipelines (SMTP
 * MAIL, RCPT and DATA, or the end of a message and its closing dot) share one TLS record instead of one each.
 */
final class CommandWatch extends OutputStream {

    /** Decides on one command line. */
    interface Check {
        /**
         * Looks at a command line about to be written.
         *
         * @param line the line, without its line ending, decoded as ISO-8859-1
         * @throws IOException to refuse the line; nothing of it is written
         */
        void command(String line) throws IOException;
    }

    private final OutputStream out;
    private final CleartextRules protocol;
    private final Check check;
    private final BooleanSupplier content;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(128);
    /** Bytes accepted during the current write, not yet passed on. */
    private final ByteArrayOutputStream accepted = new ByteArrayOutputStream(512);
    private long literalLeft;

    /**
     * Creates the watch.
     *
     * @param out where accepted bytes go
     * @param protocol the protocol, for IMAP literals
     * @param check decides on each command line
     * @param content true while the client is writing SMTP message content
     */
    CommandWatch(OutputStream out, CleartextRules protocol, Check check, BooleanSupplier content) {
        this.out = out;
        this.protocol = protocol;
        this.check = check;
        this.content = content;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        try {
            watch(b, off, len);
        } finally {
            // What was accepted before a refused line still goes out, as it would have without batching.
            if (accepted.size() > 0) {
                byte[] bytes = accepted.toByteArray();
                accepted.reset();
                out.write(bytes);
            }
        }
    }

    private void watch(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (literalLeft > 0) {
                int take = (int) Math.min(literalLeft, end - i);
                accepted.write(b, i, take);
                literalLeft -= take;
                i += take;
                continue;
            }
            if (pending.size() == 0 && content.getAsBoolean()) {
                if (accepted.size() == 0) {
                    out.write(b, i, end - i);
                } else {
                    accepted.write(b, i, end - i);
                }
                return;
            }
            int start = i;
            while (i < end && b[i] != '\n') {
                i++;
            }
            if (i == end) {
                pending.write(b, start, end - start);
                return;
            }
            i++; // include the line feed
            pending.write(b, start, i - start);
            byte[] line = pending.toByteArray();
            pending.reset();
            String text = new String(line, StandardCharsets.ISO_8859_1);
            text = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.substring(0, text.length() - 1);
            check.command(text);
            accepted.write(line, 0, line.length);
            if (protocol == CleartextRules.IMAP) {
                literalLeft = literalAtEnd(text);
            }
        }
    }

    /** Returns N when an IMAP command line ends with a literal {@code {N}} or {@code {N+}}, else 0. */
    static long literalAtEnd(String line) {
        if (!line.endsWith("}")) {
            return 0;
        }
        int open = line.lastIndexOf('{');
        if (open < 0) {
            return 0;
        }
        String n = line.substring(open + 1, line.length() - 1);
        if (n.endsWith("+")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return Long.parseLong(n);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
