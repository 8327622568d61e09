package org.securemail.cli;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies one message from the server to standard output or a file, in pieces: never the whole message in memory.
 * Tells the three ways it can go wrong apart: the connection broke (exit code 4), the server ended the message before
 * the size it announced (exit code 1, {@code TRUNCATED}), the output could not be written (exit code 1).
 */
final class MessageCopy {
    private MessageCopy() {
    }

    /**
     * Copies a message stream to a sink.
     *
     * @param in the message, as the server sends it
     * @param out where it goes
     * @param announced the size the server announced, or -1 when it announced none
     * @param what "message 1001 of INBOX", for the error messages
     * @param host the server, for the error messages
     * @return the number of bytes copied
     */
    static long copy(InputStream in, CountingSink out, long announced, String what, String host)
            throws IOException, Outcomes.ConnectionLostException, Outcomes.TruncatedMessageException {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                throw new Outcomes.ConnectionLostException(host + " lost the connection while sending " + what
                        + ", after " + total + " bytes: " + e + "; retry later", e);
            }
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            total += n;
        }
        if (announced >= 0 && total < announced) {
            throw new Outcomes.TruncatedMessageException(host + " ended " + what + " early: " + total + " of the "
                    + announced + " bytes it announced (RFC822.SIZE) arrived, so the copy is incomplete; try again,"
                    + " and if it happens again the server's copy of the message is damaged");
        }
        return total;
    }

    /**
     * Writes the message into a temporary file next to {@code target} (readable by its owner only, where the file
     * system has POSIX permissions), then moves it to {@code target}: a failure leaves no partial file behind.
     */
    static long toFile(Path target, FetchCommand.MessageWriter writer, String what) throws Exception {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temporary;
        try {
            temporary = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new Outcomes.OutputException("cannot save " + what + " to " + target + ": cannot create a file in "
                    + dir + " (" + e + ")", e);
        }
        boolean done = false;
        try {
            long n;
            try (CountingSink sink = new CountingSink(new BufferedOutputStream(Files.newOutputStream(temporary),
                    16 * 1024))) {
                n = writer.write(sink);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return n;
        } catch (IOException e) {
            throw outputFailure(e, what, target.toString());
        } finally {
            if (!done) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** A failure of the sink, wherever it surfaced (the library passes it on inside its own exception), or else e. */
    static Exception outputFailure(IOException e, String what, String where) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SinkException) {
                Throwable why = t.getCause();
                return new Outcomes.OutputException("cannot write " + what + " to " + where + ": " + why, why);
            }
        }
        if (e instanceof java.nio.file.FileSystemException) {
            return new Outcomes.OutputException("cannot save " + what + " to " + where + ": " + e, e);
        }
        return e;
    }

    /** Counts what passes, and marks its own write failures so that they are not taken for the server's. */
    static final class CountingSink extends FilterOutputStream {
        private long count;

        CountingSink(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new SinkException(e);
            }
            count += len;
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new SinkException(e);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
            try {
                out.close();
            } catch (IOException e) {
                throw new SinkException(e);
            }
        }
    }

    /** A failure to write the output. */
    static final class SinkException extends IOException {
        private static final long serialVersionUID = 1L;

        SinkException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
