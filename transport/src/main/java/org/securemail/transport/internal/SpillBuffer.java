package org.securemail.transport.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The exact bytes of a message, captured once: in memory up to a threshold, beyond it in a temporary file readable
 * only by this process's user, so that a 100 MB attachment never sits in the heap. {@link #close()} deletes the file;
 * the sender calls it after every send, failed ones included.
 */
public final class SpillBuffer extends OutputStream {
    /** Messages up to this size stay in memory. */
    static final int DEFAULT_THRESHOLD = 1024 * 1024;

    private final int threshold;
    private byte[] memory = new byte[4096];
    private int count;
    private long size;
    private Path file;
    private OutputStream fileOut;
    private boolean closed;

    SpillBuffer() {
        this(DEFAULT_THRESHOLD);
    }

    SpillBuffer(int threshold) {
        this.threshold = threshold;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the captured message was already released");
        }
        size += len;
        if (fileOut != null) {
            fileOut.write(b, off, len);
            return;
        }
        if (count + len <= threshold) {
            if (count + len > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min(threshold, Math.max(count + len,
                        (long) memory.length * 2)));
            }
            System.arraycopy(b, off, memory, count, len);
            count += len;
            return;
        }
        spill();
        fileOut.write(b, off, len);
    }

    private void spill() throws IOException {
        try {
            file = Files.createTempFile("securemail-", ".eml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            file = Files.createTempFile("securemail-", ".eml");
        }
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        fileOut.write(memory, 0, count);
        memory = null;
        count = 0;
    }

    /** Ends writing; the bytes can now be read with {@link #writeTo(OutputStream)}. */
    void finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
            fileOut = null;
        }
    }

    /** @return the number of bytes captured */
    public long size() {
        return size;
    }

    /** @return whether the bytes are in a temporary file */
    boolean spilled() {
        return file != null;
    }

    /**
     * Writes the captured bytes, as often as needed.
     *
     * @param out where to
     * @throws IOException if writing or reading the file fails
     */
    public void writeTo(OutputStream out) throws IOException {
        if (closed) {
            throw new IOException("the captured message was already released");
        }
        if (file == null) {
            out.write(memory, 0, count);
            return;
        }
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
        }
    }

    /** Releases the bytes: deletes the temporary file, if any. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory = null;
        try {
            if (fileOut != null) {
                fileOut.close();
            }
        } catch (IOException ignored) {
            // deleting it anyway
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                file.toFile().deleteOnExit();
            }
        }
    }
}
