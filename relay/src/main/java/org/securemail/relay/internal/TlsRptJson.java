package org.securemail.relay.internal;

import java.util.List;
import java.util.Locale;

/**
 * A minimal JSON writer for TLS reports (RFC 8460 §4.4): objects, arrays, strings and integers, strings escaped per
 * RFC 8259 §7. The caller writes the structure; the writer inserts commas.
 */
public final class TlsRptJson {
    private final StringBuilder out = new StringBuilder(1024);
    private boolean needComma;

    /** Creates an empty writer. */
    public TlsRptJson() {
    }

    /**
     * Opens an object, as a member value when a name is given.
     *
     * @param name the member name, or null for an array element or the top level
     * @return this writer
     */
    public TlsRptJson beginObject(String name) {
        prefix(name);
        out.append('{');
        needComma = false;
        return this;
    }

    /**
     * Closes the innermost object.
     *
     * @return this writer
     */
    public TlsRptJson endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    /**
     * Opens an array member.
     *
     * @param name the member name
     * @return this writer
     */
    public TlsRptJson beginArray(String name) {
        prefix(name);
        out.append('[');
        needComma = false;
        return this;
    }

    /**
     * Closes the innermost array.
     *
     * @return this writer
     */
    public TlsRptJson endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    /**
     * Writes a string member, or an array element when the name is null.
     *
     * @param name the member name, or null
     * @param value the value
     * @return this writer
     */
    public TlsRptJson string(String name, String value) {
        prefix(name);
        quote(value);
        needComma = true;
        return this;
    }

    /**
     * Writes an array of strings as a member.
     *
     * @param name the member name
     * @param values the values
     * @return this writer
     */
    public TlsRptJson strings(String name, List<String> values) {
        beginArray(name);
        for (String v : values) {
            string(null, v);
        }
        return endArray();
    }

    /**
     * Writes an integer member.
     *
     * @param name the member name
     * @param value the value
     * @return this writer
     */
    public TlsRptJson number(String name, long value) {
        prefix(name);
        out.append(value);
        needComma = true;
        return this;
    }

    private void prefix(String name) {
        if (needComma) {
            out.append(',');
        }
        if (name != null) {
            quote(name);
            out.append(':');
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            && !validSurrogatePair(s, i)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogatePair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
