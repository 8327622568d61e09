package org.securemail.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy as a domain publishes it at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (RFC 8461 §3.2): a mode, the MX host patterns mail may go to, and how long the policy may be cached.
 *
 * <p>An immutable value. {@link #parse(String)} accepts exactly what the RFC's grammar allows, tolerating only LF
 * line ends besides CRLF, blank lines and trailing white space; keys it does not know are ignored as the RFC requires.
 * {@link #text()} gives the policy back as it was parsed, so an application that persists its
 * {@link MtaStsPolicyCache} can store the text and parse it again.
 *
 * <p>What a policy protects against: in {@link MtaStsMode#ENFORCE} mode, delivery to an MX the domain did not name,
 * and STARTTLS stripping or a forged certificate on the way to one it did. What it does not: an attacker who controls
 * the policy host's certificate under a trusted CA, or who blocks the very first policy fetch.
 */
public final class MtaStsPolicy {

    /** The largest {@code max_age} RFC 8461 §3.2 allows: 31,557,600 seconds (about a year). */
    public static final long MAX_AGE_LIMIT_SECONDS = 31_557_600L;

    /** The longest policy text accepted, in characters (RFC 8461 §3.3 advises senders to bound the size, 64 KiB). */
    public static final int MAX_TEXT_LENGTH = 64 * 1024;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    private final MtaStsMode mode;
    private final List<String> mxPatterns;
    private final Duration maxAge;
    private final String text;
    private final List<String> lines;

    private MtaStsPolicy(MtaStsMode mode, List<String> mxPatterns, Duration maxAge, String text, List<String> lines) {
        this.mode = mode;
        this.mxPatterns = List.copyOf(mxPatterns);
        this.maxAge = maxAge;
        this.text = text;
        this.lines = List.copyOf(lines);
    }

    /**
     * Parses a policy file.
     *
     * @param text the body of the policy file, decoded as UTF-8
     * @return the policy
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if the text is not a valid STSv1 policy; the message names the line and the
     *     rule it breaks
     */
    public static MtaStsPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("MTA-STS policy must be at most " + MAX_TEXT_LENGTH
                    + " characters: it has " + text.length());
        }
        String version = null;
        MtaStsMode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        Set<String> seenMx = new HashSet<>();
        List<String> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (i == raw.length - 1 && line.isEmpty()) {
                break; // the text ended with a line terminator
            }
            lines.add(line);
            String content = stripTrailingWhiteSpace(line);
            if (content.isEmpty()) {
                continue;
            }
            int n = i + 1;
            for (int k = 0; k < content.length(); k++) {
                char c = content.charAt(k);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw invalid(n, "must not contain control characters", line);
                }
            }
            int colon = content.indexOf(':');
            if (colon < 0) {
                throw invalid(n, "must be \"key: value\"", line);
            }
            String key = content.substring(0, colon);
            String value = content.substring(colon + 1).stripLeading();
            if (!KEY.matcher(key).matches()) {
                throw invalid(n, "key must be a letter or digit followed by up to 31 letters, digits, '_', '-' or '.'",
                        line);
            }
            if (value.isEmpty()) {
                throw invalid(n, "value must not be empty", line);
            }
            switch (key) {
                case "version":
                    if (version != null) {
                        throw invalid(n, "version must appear once", line);
                    }
                    if (!"STSv1".equals(value)) {
                        throw invalid(n, "version must be STSv1", line);
                    }
                    version = value;
                    break;
                case "mode":
                    if (mode != null) {
                        throw invalid(n, "mode must appear once", line);
                    }
                    mode = MtaStsMode.fromWireName(value).orElseThrow(
                            () -> invalid(n, "mode must be enforce, testing or none", line));
                    break;
                case "max_age":
                    if (maxAge != null) {
                        throw invalid(n, "max_age must appear once", line);
                    }
                    if (!DIGITS.matcher(value).matches()) {
                        throw invalid(n, "max_age must be 1 to 10 digits", line);
                    }
                    long seconds = Long.parseLong(value);
                    if (seconds > MAX_AGE_LIMIT_SECONDS) {
                        throw invalid(n, "max_age must be at most " + MAX_AGE_LIMIT_SECONDS, line);
                    }
                    maxAge = seconds;
                    break;
                case "mx":
                    String pattern = normalizeMxPattern(value)
                            .orElseThrow(() -> invalid(n, "mx must be a host name, or \"*.\" and a domain", line));
                    if (seenMx.add(pattern)) {
                        mx.add(pattern);
                    }
                    break;
                default:
                    break; // RFC 8461 §3.2: unknown keys are ignored
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("MTA-STS policy must have a \"version: STSv1\" line: none found");
        }
        if (mode == null) {
            throw new IllegalArgumentException("MTA-STS policy must have a \"mode\" line: none found");
        }
        if (maxAge == null) {
            throw new IllegalArgumentException("MTA-STS policy must have a \"max_age\" line: none found");
        }
        if (mx.isEmpty() && mode != MtaStsMode.NONE) {
            throw new IllegalArgumentException("MTA-STS policy in mode " + mode.wireName()
                    + " must have at least one \"mx\" line: none found");
        }
        return new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge), text, lines);
    }

    private static IllegalArgumentException invalid(int lineNumber, String rule, String line) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new IllegalArgumentException("MTA-STS policy line " + lineNumber + " " + rule + ": \""
                + escape(shown) + "\"");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String stripTrailingWhiteSpace(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static java.util.Optional<String> normalizeMxPattern(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        boolean wildcard = v.startsWith("*.");
        String domain = wildcard ? v.substring(2) : v;
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!isHostName(domain)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(wildcard ? "*." + domain : domain);
    }

    private static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether an MX host name matches one of the policy's {@code mx} patterns (RFC 8461 §4.1): equal to a
     * pattern, or, for a pattern {@code *.example.com}, exactly one label followed by {@code .example.com}. The
     * comparison ignores case and one trailing dot.
     *
     * <p>{@code *.example.com} matches {@code mx1.example.com}, but neither {@code example.com} nor
     * {@code a.b.example.com}.
     *
     * @param mxHost the MX host name, as the MX record gives it
     * @return true when the host matches a pattern; always false for a policy in mode {@link MtaStsMode#NONE} with
     *     no patterns
     * @throws NullPointerException if {@code mxHost} is null
     */
    public boolean matches(String mxHost) {
        Objects.requireNonNull(mxHost, "mxHost");
        String host = mxHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            return false;
        }
        for (String pattern : mxPatterns) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1); // ".example.com"
                if (host.length() > suffix.length() && host.endsWith(suffix)) {
                    String first = host.substring(0, host.length() - suffix.length());
                    if (first.indexOf('.') < 0) {
                        return true;
                    }
                }
            } else if (pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the policy's mode.
     *
     * @return the mode
     */
    public MtaStsMode mode() {
        return mode;
    }

    /**
     * Returns the {@code mx} patterns, lower case, without a trailing dot, duplicates removed, in file order.
     *
     * @return the patterns; empty only in mode {@link MtaStsMode#NONE}
     */
    public List<String> mxPatterns() {
        return mxPatterns;
    }

    /**
     * Returns how long the policy may be cached after it was fetched ({@code max_age}).
     *
     * @return 0 to {@value #MAX_AGE_LIMIT_SECONDS} seconds
     */
    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Returns the policy text as it was parsed.
     *
     * @return the text, which {@link #parse(String)} turns into an equal policy
     */
    public String text() {
        return text;
    }

    /**
     * Returns the policy's lines without their line terminators, as a TLS report's {@code policy-string} carries
     * them (RFC 8460 §4.4).
     *
     * @return the lines
     */
    public List<String> lines() {
        return lines;
    }

    /**
     * Compares the policy text: two policies are equal when they were parsed from the same text.
     *
     * @param o another object
     * @return true for a policy with the same text
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof MtaStsPolicy && ((MtaStsPolicy) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "MtaStsPolicy{mode=" + mode.wireName() + ", mx=" + mxPatterns + ", max_age=" + maxAge.getSeconds() + "}";
    }
}
