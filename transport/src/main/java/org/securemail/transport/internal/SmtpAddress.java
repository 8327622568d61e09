package org.securemail.transport.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.securemail.transport.InvalidMessageException;

/**
 * Checks that an envelope address is an SMTP mailbox (RFC 5321 section 4.1.2; RFC 6531 when it may go as UTF-8), so
 * that the bytes written after {@code MAIL FROM:<} or {@code RCPT TO:<} are exactly the address that was checked and
 * a server parses them as that one address: a dot-string or quoted local part, {@code @}, and a domain of LDH labels
 * or an address literal. Without SMTPUTF8 every character is printable ASCII (Angus Mail would otherwise keep only the
 * low byte of each character: U+0140 would become {@code @}, U+013E {@code >}); with it, non-ASCII characters are
 * allowed where RFC 6531 allows them, never controls, and are sent as UTF-8.
 */
final class SmtpAddress {
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private SmtpAddress() {
    }

    /**
     * Checks an address.
     *
     * @param address the address, as {@code InternetAddress.getAddress()} gives it
     * @param role "sender" or "recipient", for the message
     * @param utf8 whether non-ASCII characters may go (SMTPUTF8)
     * @throws InvalidMessageException if it is not a mailbox; the message says where and why
     */
    static void check(String address, String role, boolean utf8) throws InvalidMessageException {
        if (address == null || address.isEmpty()) {
            throw invalid(role, address == null ? "" : address, "it is empty", null);
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c >= 0x80 && !utf8) {
                throw invalid(role, address, "it contains the non-ASCII character " + codePoint(address, i)
                        + " at position " + (i + 1), "SMTP sends envelope addresses in ASCII unless the message goes"
                        + " with SMTPUTF8: set property(\"mail.mime.allowutf8\", \"true\") for a server that offers"
                        + " it, or use the ASCII form of the address");
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                throw invalid(role, address, "it contains the control character " + codePoint(address, i)
                        + " at position " + (i + 1), null);
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < address.length()
                        && Character.isLowSurrogate(address.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw invalid(role, address, "it contains an unpaired surrogate at position " + (i + 1), null);
            }
            int type = Character.getType(c);
            if (c >= 0x80 && (type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SPACE_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE)) {
                throw invalid(role, address, "it contains the character " + codePoint(address, i) + " at position "
                        + (i + 1) + ", which has no place in an address", null);
            }
        }
        int at = localPartEnd(address, role);
        if (at >= address.length() || address.charAt(at) != '@') {
            throw invalid(role, address, "it has no @ after its local part", null);
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.getBytes(StandardCharsets.UTF_8).length > 64) {
            throw invalid(role, address, "its local part is longer than 64 octets (RFC 5321 section 4.5.3.1.1)", null);
        }
        checkDomain(address, domain, role, utf8);
    }

    /** Returns the index just after the local part (where the @ must be). */
    private static int localPartEnd(String a, String role) throws InvalidMessageException {
        if (a.charAt(0) == '"') {
            int i = 1;
            while (i < a.length()) {
                char c = a.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= a.length() || a.charAt(i + 1) < 0x20 || a.charAt(i + 1) == 0x7f) {
                        throw invalid(role, a, "its quoted local part has a backslash not followed by a printable"
                                + " character", null);
                    }
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    return i + 1;
                }
                i++;
            }
            throw invalid(role, a, "its quoted local part is not closed", null);
        }
        int i = 0;
        boolean atomStart = true;
        while (i < a.length() && a.charAt(i) != '@') {
            char c = a.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    throw invalid(role, a, "its local part has an empty part between dots (quote it if the server"
                            + " really uses such a name)", null);
                }
                atomStart = true;
            } else if (isAtext(c)) {
                atomStart = false;
            } else {
                throw invalid(role, a, "its local part contains '" + c + "' at position " + (i + 1)
                        + ", which is allowed only in a quoted local part", null);
            }
            i++;
        }
        if (i == 0 || atomStart) {
            throw invalid(role, a, "its local part is empty or ends with a dot", null);
        }
        return i;
    }

    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ATEXT_SPECIALS.indexOf(c) >= 0 || c >= 0x80;
    }

    private static void checkDomain(String a, String domain, String role, boolean utf8) throws InvalidMessageException {
        if (domain.isEmpty()) {
            throw invalid(role, a, "it has no domain after the @", null);
        }
        if (domain.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw invalid(role, a, "its domain is longer than 255 octets", null);
        }
        if (domain.startsWith("[")) {
            checkLiteral(a, domain, role);
            return;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw invalid(role, a, "its domain has an empty or over-long label", null);
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                throw invalid(role, a, "a label of its domain begins or ends with a hyphen", null);
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || (utf8 && c >= 0x80);
                if (!ok) {
                    throw invalid(role, a, "its domain contains '" + c + "', which a host name cannot contain", null);
                }
            }
        }
    }

    private static void checkLiteral(String a, String domain, String role) throws InvalidMessageException {
        if (!domain.endsWith("]")) {
            throw invalid(role, a, "its address literal is not closed with ]", null);
        }
        String inner = domain.substring(1, domain.length() - 1);
        if (inner.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
            return;
        }
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            if (v6.matches("[0-9A-Fa-f:.]{2,45}") && v6.contains(":")) {
                try {
                    java.net.InetAddress.getByName(v6); // a literal: parsed, never looked up
                    return;
                } catch (java.net.UnknownHostException e) {
                    // not an IPv6 address
                }
            }
        }
        throw invalid(role, a, "its address literal " + domain + " is neither [IPv4] nor [IPv6:...]", null);
    }

    private static String codePoint(String s, int i) {
        return String.format(Locale.ROOT, "U+%04X", s.codePointAt(i));
    }

    private static InvalidMessageException invalid(String role, String address, String why, String fix) {
        return new InvalidMessageException(role + " address \"" + printable(address)
                + "\" is not a valid SMTP mailbox: "
                + why + (fix == null ? "" : "; " + fix) + "; nothing was sent");
    }

    /** Shows an address with control and non-ASCII characters escaped, so that a message never carries them raw. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
