package org.securemail.transport.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The exact bytes of a message, captured once: in memory up to a threshold, beyond it in a temporary file readable
 * only by this process's user, so that a 100 MB attachment never sits in the heap. {@link #close()} deletes the file;
 * the sender calls it after every send, failed ones included.
 *
 * <p>Above the threshold the file is written by a thread of its own ({@code securemail-spill}), so that the capture
 * (serializing and checking, on the caller's thread) and the file writes overlap instead of adding up; at most
 * {@value #CHUNKS} chunks of {@value #CHUNK} bytes wait for it. Where the file system allows it (POSIX), the file's name
 * is removed as soon as it is open: no other process can open it from then on, and its bytes are freed when the buffer
 * is closed or the JVM ends, even a JVM that is killed. Freeing a large file's blocks takes tens of milliseconds, so
 * the spill thread closes it after {@link #close()} has returned. docs/PERFORMANCE.md has the measurements.
 */
public final class SpillBuffer extends OutputStream {
    /** Messages up to this size stay in memory. */
    static final int DEFAULT_THRESHOLD = 1024 * 1024;
    /** Bytes handed to the spill thread at once. */
    static final int CHUNK = 256 * 1024;
    /** Chunks in flight at most: the heap this buffer holds once spilled. */
    static final int CHUNKS = 4;

    private final int threshold;
    private byte[] memory = new byte[4096];
    private int count;
    private long size;
    private Spill spill;
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
        if (spill != null) {
            spill.write(b, off, len);
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
        spill = new Spill();
        spill.write(memory, 0, count);
        memory = null;
        count = 0;
        spill.write(b, off, len);
    }

    /**
     * Ends writing and waits until every byte is in the file; the bytes can then be read with
     * {@link #writeTo(OutputStream)}.
     *
     * @throws IOException if the file could not be written
     */
    void finish() throws IOException {
        if (spill != null) {
            spill.finish();
        }
    }

    /** @return the number of bytes captured */
    public long size() {
        return size;
    }

    /** @return whether the bytes are in a temporary file */
    boolean spilled() {
        return spill != null;
    }

    /** @return the temporary file's name while it has one (where the file system cannot remove it early), or null */
    Path visibleFile() {
        return spill == null ? null : spill.named;
    }

    /**
     * Writes the captured bytes, as often as needed, after {@link #finish()}.
     *
     * @param out where to
     * @throws IOException if writing or reading the file fails
     */
    public void writeTo(OutputStream out) throws IOException {
        if (closed) {
            throw new IOException("the captured message was already released");
        }
        if (spill == null) {
            out.write(memory, 0, count);
            return;
        }
        spill.writeTo(out);
    }

    /** Releases the bytes: the temporary file, if any, is deleted (its blocks freed by the spill thread). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory = null;
        if (spill != null) {
            spill.release();
        }
    }

    /** The temporary file and the thread that writes it. */
    private static final class Spill implements Runnable {
        /** Tells the spill thread that no more bytes come. */
        private static final Chunk END = new Chunk(new byte[0], 0);
        /** Tells the spill thread to close the file and stop. */
        private static final Chunk CLOSE = new Chunk(new byte[0], 0);

        private final FileChannel channel;
        /** The file's name while it has one: where the file system does not let an open file lose its name. */
        private volatile Path named;
        private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 2);
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
        private final CountDownLatch written = new CountDownLatch(1);
        private final Thread thread;
        private volatile IOException failure;
        private volatile boolean abandoned;
        private byte[] current;
        private int fill;
        private int chunksMade;
        private boolean finished;

        Spill() throws IOException {
            Path file;
            try {
                file = Files.createTempFile("securemail-", ".eml",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                file = Files.createTempFile("securemail-", ".eml");
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            try {
                Files.delete(file); // POSIX: the open channel keeps the bytes, the name is gone
                named = null;
            } catch (IOException stillOpen) {
                named = file; // e.g. Windows: deleted when closed
            }
            current = new byte[CHUNK];
            chunksMade = 1;
            thread = new Thread(this, "securemail-spill");
            thread.setDaemon(true);
            thread.start();
        }

        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, CHUNK - fill);
                System.arraycopy(b, off, current, fill, n);
                fill += n;
                off += n;
                len -= n;
                if (fill == CHUNK) {
                    handOff();
                }
            }
        }

        private void handOff() throws IOException {
            IOException f = failure;
            if (f != null) {
                throw new IOException("cannot write the message's temporary file: " + f.getMessage(), f);
            }
            put(new Chunk(current, fill));
            fill = 0;
            byte[] next = free.poll();
            if (next == null && chunksMade < CHUNKS) {
                chunksMade++;
                next = new byte[CHUNK];
            }
            while (next == null) {
                try {
                    next = free.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the message was written to its temporary file");
                }
                if (next == null && !thread.isAlive()) {
                    throw new IOException("the thread writing the message's temporary file ended unexpectedly");
                }
            }
            current = next;
        }

        private void put(Chunk c) throws IOException {
            try {
                full.put(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the message was written to its temporary file");
            }
        }

        void finish() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            if (fill > 0) {
                put(new Chunk(current, fill));
                fill = 0;
            }
            current = null;
            put(END);
            try {
                while (!written.await(1, TimeUnit.SECONDS)) {
                    if (!thread.isAlive()) {
                        throw new IOException("the thread writing the message's temporary file ended unexpectedly");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the message was written to its temporary file");
            }
            IOException f = failure;
            if (f != null) {
                throw new IOException("cannot write the message's temporary file: " + f.getMessage(), f);
            }
        }

        void writeTo(OutputStream out) throws IOException {
            if (!finished || written.getCount() > 0) {
                throw new IOException("the captured message is not complete");
            }
            byte[] chunk = new byte[64 * 1024];
            ByteBuffer view = ByteBuffer.wrap(chunk);
            long position = 0;
            long end = channel.size();
            while (position < end) {
                view.clear();
                int n = channel.read(view, position);
                if (n < 0) {
                    throw new IOException("the message's temporary file ended early, at byte " + position + " of "
                            + end);
                }
                out.write(chunk, 0, n);
                position += n;
            }
        }

        /**
         * Called once: the spill thread closes the file (freeing it) and ends. Nothing waits for it, unless the file
         * still has a name, which must be gone when this returns.
         */
        void release() {
            abandoned = true;
            full.clear(); // chunks not yet written need not be: the producer is done
            if (!full.offer(CLOSE)) {
                closeNow();
                return;
            }
            if (named != null) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeNow();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Chunk c = full.take();
                    if (c == CLOSE) {
                        break;
                    }
                    if (c == END) {
                        written.countDown();
                        continue;
                    }
                    if (failure == null && !abandoned) {
                        try {
                            ByteBuffer b = ByteBuffer.wrap(c.bytes, 0, c.length);
                            while (b.hasRemaining()) {
                                channel.write(b);
                            }
                        } catch (IOException e) {
                            failure = e;
                        }
                    }
                    free.offer(c.bytes);
                }
            } catch (InterruptedException e) {
                failure = new InterruptedIOException("the thread writing the file was interrupted");
            } catch (RuntimeException | Error e) {
                failure = new IOException(e.toString(), e);
            } finally {
                written.countDown();
                closeNow();
            }
        }

        private void closeNow() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file is being deleted anyway
            }
            Path n = named;
            if (n != null) {
                try {
                    Files.deleteIfExists(n);
                    named = null;
                } catch (IOException e) {
                    n.toFile().deleteOnExit();
                }
            }
        }
    }

    /** Bytes for the spill thread. */
    private static final class Chunk {
        final byte[] bytes;
        final int length;

        Chunk(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }
    }
}
