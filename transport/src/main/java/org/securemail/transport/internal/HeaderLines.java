package org.securemail.transport.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.securemail.transport.InvalidMessageException;

/**
 * Checks one header field exactly as it will be written: the whole line, name and value, as
 * {@code getAllHeaderLines()} gives it and as {@code writeTo} writes it. (Checking {@code Header.getValue()} is not
 * enough: it drops the spaces, tabs and line breaks that follow the colon, so a value that starts with
 * {@code "\r\nReply-To: ..."} would pass and still write a second header; see docs/angus-behaviours.md.)
 * <ul>
 *   <li>the first physical line is a field name of printable ASCII without a colon, then a colon;</li>
 *   <li>every further physical line begins with a space or a tab and is not blank (a folded continuation), and the
 *       lines are separated by CRLF only: no line break can start a new field or end the header block;</li>
 *   <li>no NUL or other control character but tab; no physical line over 998 octets;</li>
 *   <li>only ASCII, unless the message's session allows UTF-8 headers ({@code mail.mime.allowutf8}, RFC 6532): any
 *       other character would be written as its low byte alone, and U+010A, for one, would become a line feed.</li>
 * </ul>
 */
final class HeaderLines {
    static final int MAX_LINE = 998;

    private HeaderLines() {
    }

    /**
     * Checks a header line.
     *
     * @param line the line as it will be written (without the final CRLF)
     * @param where "message" or "message part 2", for the message
     * @param utf8 whether UTF-8 header text is allowed
     * @return whether the line holds non-ASCII characters (which need SMTPUTF8)
     * @throws InvalidMessageException if a rule is broken
     */
    static boolean check(String line, String where, boolean utf8) throws InvalidMessageException {
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        int firstBreak = indexOfBreak(line, 0);
        if (colon < 0 || (firstBreak >= 0 && firstBreak < colon) || colon == 0) {
            throw new InvalidMessageException(where + " has a header line that is not \"Name: value\": \""
                    + shown(line) + "\"; set headers with setHeader(name, value)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127) {
                throw new InvalidMessageException(where + " has a header name with a forbidden character: \""
                        + shown(name) + "\"; header names are printable ASCII without ':' or spaces");
            }
        }
        boolean nonAscii = false;
        int physical = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\r' || c == '\n') {
                boolean crlf = c == '\r' && i + 1 < line.length() && line.charAt(i + 1) == '\n';
                int next = crlf ? i + 2 : i + 1;
                if (!crlf || next >= line.length() || (line.charAt(next) != ' ' && line.charAt(next) != '\t')) {
                    throw new InvalidMessageException(where + " header " + name + " contains a line break that is"
                            + " not folding (CRLF followed by a space or tab), which would start a new header line"
                            + " or end the header block; remove the line break from the value");
                }
                if (blankUntilBreak(line, next)) {
                    throw new InvalidMessageException(where + " header " + name + " contains a folded line that is"
                            + " blank, which some servers read as the end of the header block; remove the line break"
                            + " from the value");
                }
                physical = 0;
                i = next - 1;
                continue;
            }
            if (c == 0) {
                throw new InvalidMessageException(where + " header " + name + " contains a NUL character; remove it");
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                throw new InvalidMessageException(where + " header " + name + " contains the control character "
                        + String.format(Locale.ROOT, "U+%04X", (int) c) + "; remove it");
            }
            if (c >= 0x80) {
                if (!utf8) {
                    throw new InvalidMessageException(where + " header " + name + " contains the non-ASCII character "
                            + String.format(Locale.ROOT, "U+%04X", line.codePointAt(i)) + ", which would be written"
                            + " as a different byte; encode the text (setSubject(text, \"UTF-8\"),"
                            + " MimeUtility.encodeText(...)), or create the message with a session whose"
                            + " mail.mime.allowutf8 is true for a server that offers SMTPUTF8");
                }
                if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < line.length()
                        && Character.isLowSurrogate(line.charAt(i + 1)))) {
                    throw new InvalidMessageException(where + " header " + name + " contains an unpaired surrogate;"
                            + " remove it");
                }
                nonAscii = true;
                physical += new String(Character.toChars(line.codePointAt(i))).getBytes(StandardCharsets.UTF_8).length;
                if (Character.isHighSurrogate(c)) {
                    i++;
                }
            } else {
                physical++;
            }
            if (physical > MAX_LINE) {
                throw new InvalidMessageException(where + " header " + name + " has a line longer than " + MAX_LINE
                        + " octets (RFC 5322 section 2.1.1); shorten or fold the value");
            }
        }
        return nonAscii;
    }

    private static int indexOfBreak(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\r' || s.charAt(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean blankUntilBreak(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    static String shown(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return SmtpAddress.printable(cut);
    }
}
