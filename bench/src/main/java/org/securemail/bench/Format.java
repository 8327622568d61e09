package org.securemail.bench;

import java.util.Locale;

/** Number formatting for the tables. */
final class Format {
    private Format() {
    }

    /** A duration given in microseconds, in µs, ms or s with three significant digits. */
    static String time(double micros) {
        if (Double.isNaN(micros)) {
            return "–";
        }
        if (micros < 1_000) {
            return sig(micros) + " µs";
        }
        if (micros < 1_000_000) {
            return sig(micros / 1_000) + " ms";
        }
        return sig(micros / 1_000_000) + " s";
    }

    /** Three significant digits (at least the integer part). */
    static String sig(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "–";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A ratio such as {@code 1.39×}. */
    static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v);
    }

    /** A byte count in MB (10^6), as the issue states heap growth. */
    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%+.1f MB", bytes / 1e6);
    }
}
