package org.securemail.transport.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A message as {@link MessageCapture} checked and captured it: the exact bytes that go on the wire between DATA's 354
 * reply and the closing dot (lines end in CRLF, the last one included; lines that begin with a dot carry one more), and
 * what the SMTP transaction needs to know of them. Close it after the send (it may hold a temporary file).
 */
public final class CapturedMessage implements AutoCloseable {
    private final SpillBuffer bytes;
    private final String messageId;
    private final boolean utf8Headers;
    private final boolean eightBitBody;

    CapturedMessage(SpillBuffer bytes, String messageId, boolean utf8Headers, boolean eightBitBody) {
        this.bytes = bytes;
        this.messageId = messageId;
        this.utf8Headers = utf8Headers;
        this.eightBitBody = eightBitBody;
    }

    /** @return the size in octets as sent (after dot-stuffing): what SIZE announces, at most a few octets high */
    public long size() {
        return bytes.size();
    }

    /** @return the Message-ID header, or null */
    public String messageId() {
        return messageId;
    }

    /** @return whether the headers hold UTF-8 text, which needs SMTPUTF8 (RFC 6531, RFC 6532) */
    public boolean utf8Headers() {
        return utf8Headers;
    }

    /** @return whether the body holds 8-bit octets (BODY=8BITMIME where the server offers it, RFC 6152) */
    public boolean eightBitBody() {
        return eightBitBody;
    }

    /**
     * Writes the captured bytes, ready for the wire: no further line-ending or dot handling is needed.
     *
     * @param out where to
     * @throws IOException if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        bytes.writeTo(out);
    }

    /** @return whether the bytes were spilled to a temporary file */
    boolean spilled() {
        return bytes.spilled();
    }

    @Override
    public void close() {
        bytes.close();
    }
}
