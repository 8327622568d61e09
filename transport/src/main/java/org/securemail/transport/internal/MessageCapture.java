package org.securemail.transport.internal;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.LineOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import org.securemail.transport.InvalidMessageException;

/**
 * Turns a message into the exact bytes that will be sent, in one pass that checks them as they are written: the
 * message is serialized once ({@code writeTo}, as {@code Transport.send} would), every byte is scanned and captured
 * into a {@link SpillBuffer}, and the SMTP transaction sends those bytes. What is checked is therefore what is sent:
 * content that can be read only once is read once, and content that changes between two reads cannot slip past.
 *
 * <p>Checks, before a byte goes out (each failure an {@link InvalidMessageException} that says where and how to fix
 * it):
 * <ul>
 *   <li>every header line of the message and of every MIME part it holds, as {@link HeaderLines} describes;</li>
 *   <li>the serialized header block of the message and of every MIME part: each line is a field name and colon, or a
 *       continuation beginning with a space or tab; the message's block has exactly as many fields as the message has
 *       header lines (so no line break, however encoded, added or hid one); 8-bit octets in headers only as UTF-8
 *       from a message whose session allows it;</li>
 *   <li>no NUL octet, and no line longer than 998 octets (RFC 5321 section 4.5.3.1.6), anywhere.</li>
 * </ul>
 * Line breaks are judged as the SMTP data stream will send them: CR, LF and CRLF each end a line.
 */
public final class MessageCapture {
    /** What SMTP never transmits: Bcc must not be seen by recipients, Content-Length is meaningless in SMTP. */
    static final String[] IGNORED_HEADERS = {"Bcc", "Content-Length"};

    private static final byte[] CRLF = {'\r', '\n'};

    private MessageCapture() {
    }

    /**
     * Checks and captures a message.
     *
     * @param message the message; one the caller has not saved is saved by Jakarta Mail as it is written, and checked as saved
     * @return the captured bytes and what the transaction needs to know of them; close it after the send
     * @throws InvalidMessageException if the message breaks a rule; nothing is captured
     * @throws MessagingException if the message cannot be read or written
     */
    public static CapturedMessage capture(Message message) throws MessagingException {
        if (!(message instanceof MimeMessage)) {
            throw new InvalidMessageException("message is a " + (message == null ? "null"
                    : message.getClass().getName()) + ", not a MimeMessage; SMTP sends MIME messages only");
        }
        MimeMessage mime = (MimeMessage) message;
        boolean utf8 = allowsUtf8(mime.getSession());
        boolean nonAsciiHeaders = checkPart(mime, "message", utf8, true);
        int expectedFields = headerLines(mime);
        SpillBuffer bytes = new SpillBuffer();
        Scanner scanner = new Scanner(bytes, utf8);
        boolean done = false;
        try {
            try {
                // Jakarta Mail writes a line or less at a time: let the scanner see larger pieces.
                OutputStream pieces = new Lines(scanner, utf8);
                mime.writeTo(pieces, IGNORED_HEADERS);
                pieces.flush();
                scanner.end();
                bytes.finish();
            } catch (Violation v) {
                throw new InvalidMessageException(v.getMessage());
            } catch (IOException e) {
                throw new MessagingException("cannot serialize the message: " + e.getMessage(), e);
            }
            if (scanner.topFields != expectedFields) {
                // Transport.sendMessage without saveChanges(): writeTo saved the message first, adding the headers
                // Jakarta generates (Message-ID, Date, MIME-Version, Content-Type...). Check them as they now are.
                nonAsciiHeaders |= checkPart(mime, "message", utf8, true);
                expectedFields = headerLines(mime);
            }
            if (scanner.topFields != expectedFields) {
                throw new InvalidMessageException("message header block was written with " + scanner.topFields
                        + " field(s) where the message has " + expectedFields + " header line(s): a header value holds"
                        + " a line break (or a character written as one) that added a header or ended the header"
                        + " block early; remove line breaks and non-ASCII characters from header values");
            }
            done = true;
            return new CapturedMessage(bytes, mime.getMessageID(), nonAsciiHeaders || scanner.headers8bit,
                    scanner.body8bit);
        } finally {
            if (!done) {
                bytes.close();
            }
        }
    }

    private static int headerLines(MimeMessage mime) throws MessagingException {
        int n = 0;
        Enumeration<String> lines = mime.getNonMatchingHeaderLines(IGNORED_HEADERS);
        while (lines.hasMoreElements()) {
            lines.nextElement();
            n++;
        }
        return n;
    }

    static boolean allowsUtf8(Session session) {
        if (session == null) {
            return false;
        }
        Object v = session.getProperties().get("mail.mime.allowutf8");
        return v instanceof Boolean ? (Boolean) v : v instanceof String && Boolean.parseBoolean((String) v);
    }

    /** Checks a part's header lines, then its sub-parts'; returns whether any held non-ASCII text. */
    private static boolean checkPart(Part part, String where, boolean utf8, boolean top) throws MessagingException {
        boolean nonAscii = false;
        Enumeration<String> lines = part instanceof MimePart ? ((MimePart) part).getAllHeaderLines() : null;
        if (lines == null) {
            throw new InvalidMessageException(where + " is a " + part.getClass().getName() + ", not a MIME part");
        }
        while (lines.hasMoreElements()) {
            nonAscii |= HeaderLines.check(lines.nextElement(), where, utf8);
        }
        if (!part.isMimeType("multipart/*")) {
            return nonAscii;
        }
        Object content;
        try {
            content = part.getContent();
        } catch (IOException e) {
            throw new MessagingException("cannot read the " + where + " multipart content: " + e.getMessage(), e);
        }
        if (content instanceof Multipart) {
            Multipart mp = (Multipart) content;
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                nonAscii |= checkPart(bp, (top ? "message" : where) + " part " + (i + 1), utf8, false);
            }
        }
        return nonAscii;
    }

    /**
     * The stream {@code writeTo} writes into: a buffer that is also Jakarta Mail's {@link LineOutputStream}, so that
     * {@code MimeBodyPart.writeTo} writes header lines through it instead of looking up a {@code StreamProvider} service
     * for a stream of its own, a class-path scan that cost a third of a small message's send (docs/angus-behaviours.md,
     * AB-18). Its lines are the bytes Angus Mail's own line stream writes: UTF-8 where the session allows UTF-8
     * headers, else the low byte of each character (any character above U+007F was refused before, by
     * {@link HeaderLines}), then CRLF; the scanner checks them as it checks everything else.
     */
    static final class Lines extends OutputStream implements LineOutputStream {
        private final OutputStream out;
        private final boolean utf8;
        private final byte[] buffer = new byte[8 * 1024];
        private int count;

        Lines(OutputStream out, boolean utf8) {
            this.out = out;
            this.utf8 = utf8;
        }

        /**
         * One octet. Not synchronized, unlike {@code BufferedOutputStream}: Jakarta's stream for 7bit, 8bit and binary
         * content passes a text body to it one octet at a time, and a lock per octet was a sixth of a small message's
         * send.
         */
        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                drain();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buffer.length) {
                drain();
                out.write(b, off, len);
                return;
            }
            if (len > buffer.length - count) {
                drain();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        @Override
        public void writeln(String line) throws IOException {
            byte[] bytes;
            if (utf8) {
                bytes = line.getBytes(StandardCharsets.UTF_8);
            } else {
                bytes = new byte[line.length()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) line.charAt(i);
                }
            }
            write(bytes, 0, bytes.length);
            write(CRLF, 0, 2);
        }

        @Override
        public void writeln() throws IOException {
            write(CRLF, 0, 2);
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        /** A content handler may close the stream it was given: the buffer is passed on, and writing goes on. */
        @Override
        public void close() throws IOException {
            flush();
        }

        private void drain() throws IOException {
            if (count > 0) {
                out.write(buffer, 0, count);
                count = 0;
            }
        }
    }

    /** A rule broken in the serialized bytes. */
    static final class Violation extends IOException {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }

    /**
     * Scans the serialized message as it is written and passes every byte to the capture. Tracks the header block of
     * the message, the MIME boundaries of multipart bodies, and the header block of every part they delimit.
     */
    static final class Scanner extends OutputStream {
        private static final int KEEP = 1000;

        /** Eight octets of an array read as one long (the order does not matter to {@link #ordinaryRunEnd}). */
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);

        private final OutputStream out;
        private final boolean utf8;
        private final byte[] line = new byte[KEEP];
        private final Deque<String> boundaries = new ArrayDeque<>();
        private int length;
        private long lineNo = 1;
        private boolean lastCr;
        private boolean inHeaders = true;
        private boolean topBlock = true;
        private int blockLines;
        private String contentType;
        private boolean collectingContentType;
        private int topFields;
        private boolean headers8bit;
        private boolean body8bit;
        private int partNo;

        Scanner(OutputStream out, boolean utf8) {
            this.out = out;
            this.utf8 = utf8;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /**
         * Checks the bytes and writes them as they go on the wire inside DATA: every line ending as CRLF, and a line
         * that begins with a dot with one more (RFC 5321 section 4.5.2), so that sending is a plain copy.
         */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int end = off + len;
            int run = off;
            for (int i = off; i < end; i++) {
                byte c = b[i];
                if (c > '\r') {
                    // Most octets: not a line end, not a NUL, not 8-bit. Take the whole run of them at once: the
                    // loop that finds its end is all a base64 attachment costs per octet.
                    int j = ordinaryRunEnd(b, i + 1, end);
                    lastCr = false;
                    if (length == 0 && c == '.') {
                        out.write(b, run, i - run);
                        out.write('.');
                        run = i;
                    }
                    int n = j - i;
                    if (length < KEEP) {
                        if (inHeaders || (length == 0 ? c == '-' : line[0] == '-')) {
                            System.arraycopy(b, i, line, length, Math.min(n, KEEP - length));
                        } else if (length == 0) {
                            // A body line is kept only if it may be a MIME boundary: its first octet says it is not.
                            line[0] = c;
                        }
                    }
                    length += n;
                    if (length > HeaderLines.MAX_LINE) {
                        throw tooLong();
                    }
                    i = j - 1;
                    continue;
                }
                if (c == '\n' && lastCr) {
                    lastCr = false;
                    run = i + 1;
                    continue;
                }
                if (c == '\r' && i + 1 < end && b[i + 1] == '\n') {
                    // A CRLF already: it goes out as it is.
                    i++;
                    lastCr = false;
                    endLine();
                    continue;
                }
                if (c == '\r' || c == '\n') {
                    out.write(b, run, i - run);
                    out.write(CRLF);
                    run = i + 1;
                    lastCr = c == '\r';
                    endLine();
                    continue;
                }
                lastCr = false;
                if (length == 0 && c == '.') {
                    out.write(b, run, i - run);
                    out.write('.');
                    run = i;
                }
                if (c == 0) {
                    throw new Violation("message contains a NUL octet on line " + lineNo + " of " + where()
                            + "; NUL is not allowed in SMTP data: encode binary content as base64 (an attachment)");
                }
                if (c < 0) {
                    if (inHeaders) {
                        headers8bit = true;
                    } else {
                        body8bit = true;
                    }
                }
                if (length < KEEP) {
                    line[length] = c;
                }
                if (++length > HeaderLines.MAX_LINE) {
                    throw tooLong();
                }
            }
            out.write(b, run, end - run);
        }

        /**
         * Returns the index of the first octet from {@code from} on (before {@code end}) that is not an ordinary one
         * (14 to 127: no line end, no NUL, no 8-bit octet), or {@code end}. Eight octets are tested at once: with every
         * octet below 0x80, subtracting 0x0E from each borrows into an octet's top bit exactly where an octet is below
         * 0x0E, and no borrow crosses an octet before the first such one; an octet of 0x80 or more has its top bit set.
         */
        static int ordinaryRunEnd(byte[] b, int from, int end) {
            int i = from;
            while (i + 8 <= end) {
                long v = (long) LONGS.get(b, i);
                if ((((v - 0x0E0E0E0E0E0E0E0EL) | v) & 0x8080808080808080L) != 0) {
                    break;
                }
                i += 8;
            }
            while (i < end && b[i] > '\r') {
                i++;
            }
            return i;
        }

        private Violation tooLong() {
            return new Violation("message line " + lineNo + " of " + where() + " is longer than "
                    + HeaderLines.MAX_LINE + " octets (RFC 5321 section 4.5.3.1.6); use quoted-printable or"
                    + " base64 Content-Transfer-Encoding for long lines");
        }

        private String where() {
            if (inHeaders) {
                return partNo == 0 ? "its header" : "the header of its MIME part " + partNo;
            }
            return "its body";
        }

        private void endLine() throws IOException {
            if (inHeaders) {
                headerLine();
            } else {
                bodyLine();
            }
            length = 0;
            lineNo++;
        }

        private void headerLine() throws IOException {
            if (length == 0) {
                inHeaders = false;
                collectingContentType = false;
                if (topBlock) {
                    topBlock = false;
                }
                String boundary = boundaryOf(contentType);
                if (boundary != null) {
                    boundaries.push(boundary);
                }
                contentType = null;
                lineNo = 0;
                return;
            }
            int n = Math.min(length, KEEP);
            boolean continuation = line[0] == ' ' || line[0] == '\t';
            if (continuation) {
                if (blockLines == 0) {
                    throw new Violation("message " + where() + " begins with a continuation line");
                }
                boolean blank = true;
                for (int i = 0; i < n; i++) {
                    if (line[i] != ' ' && line[i] != '\t') {
                        blank = false;
                        break;
                    }
                }
                if (blank) {
                    throw new Violation("message " + where() + " has a blank folded line (line " + lineNo
                            + "), which some servers"
                            + " read as the end of the header block; remove line breaks from header values");
                }
                if (collectingContentType) {
                    contentType += new String(line, 0, n, StandardCharsets.ISO_8859_1);
                }
            } else {
                int colon = -1;
                for (int i = 0; i < n; i++) {
                    if (line[i] == ':') {
                        colon = i;
                        break;
                    }
                    if (line[i] <= 32 || line[i] >= 127) {
                        break;
                    }
                }
                if (colon <= 0) {
                    throw new Violation("message line " + lineNo + " of " + where()
                            + " is neither a header field (a name and a"
                            + " colon) nor a folded continuation (beginning with a space or tab): \""
                            + HeaderLines.shown(new String(line, 0, n, StandardCharsets.ISO_8859_1)) + "\"; a header"
                            + " value holds a line break, or a character written as one");
                }
                if (topBlock) {
                    topFields++;
                }
                String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1);
                collectingContentType = name.equalsIgnoreCase("Content-Type");
                if (collectingContentType) {
                    contentType = new String(line, colon + 1, n - colon - 1, StandardCharsets.ISO_8859_1);
                }
            }
            if (headers8bit && !utf8) {
                throw new Violation("message " + where()
                        + " contains 8-bit octets, but the message's session does not allow UTF-8"
                        + " headers; encode the text (MimeUtility.encodeText)");
            }
            blockLines++;
        }

        private void bodyLine() {
            if (boundaries.isEmpty() || length < 3 || line[0] != '-' || line[1] != '-') {
                return;
            }
            String text = new String(line, 2, Math.min(length, KEEP) - 2, StandardCharsets.ISO_8859_1).stripTrailing();
            for (String b : boundaries) {
                if (text.equals(b + "--")) {
                    while (!boundaries.isEmpty() && !boundaries.pop().equals(b)) {
                        // close the inner multiparts left open
                    }
                    return;
                }
                if (text.equals(b)) {
                    while (!boundaries.peek().equals(b)) {
                        boundaries.pop();
                    }
                    inHeaders = true;
                    blockLines = 0;
                    partNo++;
                    lineNo = 0;
                    return;
                }
            }
        }

        /** Called after the last byte: a message without the empty line that ends its header block is refused. */
        void end() throws IOException {
            if (length > 0) {
                out.write(CRLF);
            }
            if (length > 0 || lastCr) {
                endLine();
            }
            if (topBlock) {
                throw new Violation("the message header block does not end with an empty line");
            }
        }

        private static String boundaryOf(String contentType) {
            if (contentType == null) {
                return null;
            }
            try {
                ContentType ct = new ContentType(contentType.trim());
                if (!ct.getPrimaryType().equalsIgnoreCase("multipart")) {
                    return null;
                }
                return ct.getParameter("boundary");
            } catch (ParseException e) {
                return null;
            }
        }
    }
}
