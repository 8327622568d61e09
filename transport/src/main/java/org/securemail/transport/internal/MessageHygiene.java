package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.securemail.transport.InvalidMessageException;

/**
 * Checks a message before a byte of it goes out, so that it cannot smuggle headers or SMTP commands:
 * <ul>
 *   <li>every header value (of the message and of every MIME part it was built with) may hold CR and LF only as
 *       folding, CRLF followed by a space or tab; no NUL; no physical line over 998 octets (RFC 5322 section 2.1.1);</li>
 *   <li>a sender (From, or an envelope sender) and the addresses are free of control characters;</li>
 *   <li>the serialized message has no NUL and no line over 998 octets.</li>
 * </ul>
 * Bare CR and LF in the body are not refused: the SMTP data stream turns every line ending into CRLF and dot-stuffs,
 * so no bare CR or LF reaches the wire.
 */
public final class MessageHygiene {
    static final int MAX_LINE = 998;

    private MessageHygiene() {
    }

    /**
     * Checks a message and returns the exact copy that will be sent.
     *
     * @param message the message as the caller built it
     * @return the checked copy
     * @throws InvalidMessageException if the message breaks a rule; the message says which and how to fix it
     * @throws MessagingException if the message cannot be read
     */
    public static PreparedMessage prepare(Message message) throws MessagingException {
        if (message instanceof PreparedMessage) {
            return (PreparedMessage) message;
        }
        if (!(message instanceof MimeMessage)) {
            throw new InvalidMessageException("message is a " + (message == null ? "null" : message.getClass().getName())
                    + ", not a MimeMessage; SMTP sends MIME messages only");
        }
        MimeMessage mime = (MimeMessage) message;
        checkHeaders(mime, "message");
        checkSender(mime);
        checkParts(mime, "message");
        return copy(mime, new LineScanner());
    }

    private static PreparedMessage copy(MimeMessage mime, LineScanner scanner) throws MessagingException {
        try {
            mime.writeTo(scanner);
        } catch (IOException e) {
            if (e instanceof LineScanner.Violation) {
                throw new InvalidMessageException(e.getMessage());
            }
            throw new MessagingException("cannot serialize the message: " + e.getMessage(), e);
        }
        return new PreparedMessage(mime, (int) Math.min(Integer.MAX_VALUE, scanner.octets));
    }

    /**
     * Checks the addresses a message is about to be sent to.
     *
     * @param addresses the envelope recipients
     * @throws InvalidMessageException if there is none, or one is not an Internet address or holds control characters
     */
    public static void checkRecipients(Address[] addresses) throws InvalidMessageException {
        if (addresses == null || addresses.length == 0) {
            throw new InvalidMessageException("message has no recipient: add To, Cc or Bcc addresses");
        }
        for (Address a : addresses) {
            checkAddress(a, "recipient");
        }
    }

    private static void checkSender(MimeMessage mime) throws MessagingException {
        String envelope = mime instanceof SMTPMessage ? ((SMTPMessage) mime).getEnvelopeFrom() : null;
        if (envelope != null && !envelope.isEmpty()) {
            checkText(envelope, "envelope sender");
            return;
        }
        Address[] from;
        try {
            from = mime.getFrom();
        } catch (MessagingException e) {
            throw new InvalidMessageException("message has an unparseable From header: " + e.getMessage()
                    + "; set it with setFrom(new InternetAddress(...))");
        }
        if (from == null || from.length == 0) {
            throw new InvalidMessageException("message has no sender: set it with setFrom(...)"
                    + " (SecureMail never guesses one from the local host name)");
        }
        checkAddress(from[0], "sender");
    }

    private static void checkAddress(Address a, String role) throws InvalidMessageException {
        if (!(a instanceof InternetAddress)) {
            throw new InvalidMessageException(role + " " + a + " is not an InternetAddress");
        }
        checkText(((InternetAddress) a).getAddress(), role + " address");
    }

    private static void checkText(String s, String what) throws InvalidMessageException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidMessageException(what + " contains the control character "
                        + String.format("0x%02x", (int) c) + "; addresses must not contain line breaks or NUL");
            }
        }
    }

    private static void checkParts(Part part, String where) throws MessagingException {
        if (!part.isMimeType("multipart/*")) {
            return;
        }
        Object content;
        try {
            content = part.getContent();
        } catch (IOException e) {
            throw new MessagingException("cannot read the " + where + " multipart content: " + e.getMessage(), e);
        }
        if (!(content instanceof Multipart)) {
            return;
        }
        Multipart mp = (Multipart) content;
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart bp = mp.getBodyPart(i);
            String name = where + " part " + (i + 1);
            checkHeaders(bp, name);
            checkParts(bp, name);
        }
    }

    private static void checkHeaders(Part part, String where) throws MessagingException {
        Enumeration<Header> headers = part.getAllHeaders();
        while (headers.hasMoreElements()) {
            Header h = headers.nextElement();
            checkHeader(h.getName(), h.getValue(), where);
        }
    }

    static void checkHeader(String name, String value, String where) throws InvalidMessageException {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127 || c == ':') {
                throw new InvalidMessageException(where + " has a header name with a forbidden character: \""
                        + printable(name) + "\"; header names are printable ASCII without ':' or spaces");
            }
        }
        if (value == null) {
            return;
        }
        int lineLength = name.length() + 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new InvalidMessageException(where + " header " + name + " contains a NUL character;"
                        + " remove it");
            }
            if (c == '\r' || c == '\n') {
                boolean crlf = c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n';
                int next = crlf ? i + 2 : i + 1;
                boolean folded = crlf && next < value.length()
                        && (value.charAt(next) == ' ' || value.charAt(next) == '\t');
                if (!folded) {
                    throw new InvalidMessageException(where + " header " + name + " contains a line break that is"
                            + " not folding (CR or LF not part of CRLF followed by a space or tab), which would"
                            + " start a new header line; remove the line break from the value");
                }
                lineLength = 0;
                i = next - 1;
                continue;
            }
            lineLength++;
            if (lineLength > MAX_LINE) {
                throw new InvalidMessageException(where + " header " + name + " has a line longer than " + MAX_LINE
                        + " octets (RFC 5322 section 2.1.1); shorten or fold the value");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 32 || c >= 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /** Counts octets and checks every line of the serialized message. */
    private static final class LineScanner extends OutputStream {
        private long octets;
        private long line = 1;
        private int length;
        private boolean lastCr;
        private boolean inHeaders = true;

        static final class Violation extends IOException {
            private static final long serialVersionUID = 1L;

            Violation(String message) {
                super(message);
            }
        }

        @Override
        public void write(int b) throws IOException {
            octets++;
            if (b == 0) {
                throw new Violation("message contains a NUL octet on line " + line + " of its "
                        + (inHeaders ? "header" : "body") + "; NUL is not allowed in SMTP data: encode binary content"
                        + " as base64 (an attachment)");
            }
            if (b == '\n' || b == '\r') {
                if (b == '\n' && lastCr) {
                    lastCr = false;
                    return;
                }
                lastCr = b == '\r';
                if (length == 0 && inHeaders) {
                    inHeaders = false; // an empty line ends the header section; body lines count from 1
                    line = 1;
                    return;
                }
                length = 0;
                line++;
                return;
            }
            lastCr = false;
            if (++length > MAX_LINE) {
                throw new Violation("message line " + line + " of its " + (inHeaders ? "header" : "body")
                        + " is longer than " + MAX_LINE + " octets (RFC 5321 section 4.5.3.1.6); use"
                        + " quoted-printable or base64 Content-Transfer-Encoding for long lines");
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
