package org.securemail.bench;

import java.util.ArrayList;
import java.util.List;

/** A table printed aligned on the console and as Markdown in the report file. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row needs " + headers.size() + " cells: " + List.of(cells));
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Figures are right-aligned, text left: a column is a figure column when every cell starts like a number. */
    private boolean numeric(int column) {
        if (column == 0) {
            return false;
        }
        for (List<String> r : rows) {
            String c = r.get(column);
            if (!c.isEmpty() && !(Character.isDigit(c.charAt(0)) || c.charAt(0) == '+' || c.charAt(0) == '-'
                    || c.charAt(0) == '–')) {
                return false;
            }
        }
        return true;
    }

    String text(String indent) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        boolean[] right = new boolean[headers.size()];
        for (int i = 0; i < right.length; i++) {
            right[i] = numeric(i);
        }
        StringBuilder b = new StringBuilder();
        line(b, indent, headers, width, right);
        StringBuilder rule = new StringBuilder(indent);
        for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        b.append(rule).append('\n');
        for (List<String> r : rows) {
            line(b, indent, r, width, right);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String indent, List<String> cells, int[] width, boolean[] right) {
        StringBuilder l = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            l.append(i == 0 ? "" : "  ");
            if (!right[i]) {
                l.append(c).append(" ".repeat(width[i] - c.length()));
            } else {
                l.append(" ".repeat(width[i] - c.length())).append(c);
            }
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", headers)).append(" |\n|");
        for (int i = 0; i < headers.size(); i++) {
            b.append(numeric(i) ? "---:|" : "---|");
        }
        b.append('\n');
        for (List<String> r : rows) {
            b.append("| ").append(String.join(" | ", r).replace("\n", " ")).append(" |\n");
        }
        return b.toString();
    }
}
