package org.securemail.core.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host name verification per RFC 9525: subjectAltName only (the subject common name is never used), DNS names
 * compared case-insensitively as A-labels, a wildcard only as the complete left-most label of a name with at least
 * three labels, IP addresses only against iPAddress entries.
 */
public final class HostNames {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]*:[0-9a-fA-F:.]*");
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostNames() {
    }

    /**
     * Normalises a host name for matching and SNI: lower case, A-labels, no trailing dot, no IPv6 brackets.
     *
     * @param host the host as the caller gave it
     * @return the normalised form
     */
    public static String normalize(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!isIpLiteral(h)) {
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                // not a valid IDN: keep as given, it will not match anything
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /**
     * Tells whether a host is an IPv4 or IPv6 literal.
     *
     * @param host a normalised host
     * @return true for an address literal
     */
    public static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
    }

    /**
     * Matches a certificate against a host.
     *
     * @param certificate the server's leaf certificate
     * @param host a normalised host name or address literal
     * @return true when a subjectAltName entry matches
     */
    public static boolean matches(X509Certificate certificate, String host) {
        boolean ip = isIpLiteral(host);
        byte[] address = ip ? address(host) : null;
        for (List<?> entry : subjectAltNames(certificate)) {
            int type = (Integer) entry.get(0);
            Object value = entry.get(1);
            if (!(value instanceof String)) {
                continue;
            }
            if (ip && type == SAN_IP) {
                byte[] other = address((String) value);
                if (other != null && Arrays.equals(address, other)) {
                    return true;
                }
            } else if (!ip && type == SAN_DNS && matchesDns((String) value, host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lists the certificate's subjectAltName entries for an error message, e.g. {@code [DNS:a.example, IP:10.0.0.1]}.
     *
     * @param certificate the certificate
     * @return a printable list
     */
    public static List<String> describe(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> entry : subjectAltNames(certificate)) {
            int type = (Integer) entry.get(0);
            if (type == SAN_DNS) {
                names.add("DNS:" + entry.get(1));
            } else if (type == SAN_IP) {
                names.add("IP:" + entry.get(1));
            }
        }
        return names;
    }

    static boolean matchesDns(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (p.indexOf('*') < 0) {
            return p.equals(host);
        }
        // RFC 9525 section 6.3: '*' only as the whole left-most label, and never on its own above a public suffix:
        // require at least two labels after it.
        if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0) {
            return false;
        }
        String suffix = p.substring(1);
        if (suffix.chars().filter(c -> c == '.').count() < 2) {
            return false;
        }
        if (!host.endsWith(suffix)) {
            return false;
        }
        String first = host.substring(0, host.length() - suffix.length());
        return !first.isEmpty() && first.indexOf('.') < 0;
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static byte[] address(String literal) {
        if (!isIpLiteral(literal)) {
            return null;
        }
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
