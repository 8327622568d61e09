package org.securemail.transport.internal;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A message stream that must deliver the size the server announced (IMAP RFC822.SIZE): a server or a connection that
 * ends the message early makes the last read fail instead of ending a shorter copy that looks complete. Angus Mail
 * reads a message in partial FETCHes and takes a short piece for the end of the message.
 */
public final class SizeCheckedStream extends FilterInputStream {
    private final long announced;
    private final String what;
    private long count;

    /**
     * Wraps a stream.
     *
     * @param in the message stream
     * @param announced the size the server announced, in octets
     * @param what the message, for the error, e.g. "message 1003 of INBOX at imap.example.com:993"
     */
    public SizeCheckedStream(InputStream in, long announced, String what) {
        super(in);
        this.announced = announced;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            checkComplete();
        } else {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            checkComplete();
        } else {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += Math.max(0, skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void checkComplete() throws EOFException {
        if (count < announced) {
            throw new EOFException(what + " ended after " + count + " of the " + announced + " octets the server"
                    + " announced (RFC822.SIZE): the server or the connection cut it short; read it again");
        }
    }
}
