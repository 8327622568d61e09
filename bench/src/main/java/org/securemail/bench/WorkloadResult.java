package org.securemail.bench;

import java.util.ArrayList;
import java.util.List;

/** What one workload reports: its setup, a table per contender, ratios, notes, and its row of the summary. */
final class WorkloadResult {
    final String id;
    final String title;
    final List<String> setup = new ArrayList<>();
    final List<Table> tables = new ArrayList<>();
    final List<String> ratios = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    String measured = "";
    String target = "";
    String verdict = "";

    WorkloadResult(String id, String title) {
        this.id = id;
        this.title = title;
    }

    static WorkloadResult skipped(String id, String title, String target, String reason) {
        WorkloadResult r = new WorkloadResult(id, title);
        r.measured = "skipped: " + reason;
        r.target = target;
        r.verdict = "not run";
        return r;
    }

    static WorkloadResult failed(String id, String title, String target, Exception e) {
        WorkloadResult r = new WorkloadResult(id, title);
        r.measured = "FAILED: " + e.getMessage();
        r.target = target;
        r.verdict = "failed";
        return r;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append('\n').append(id).append("  ").append(title).append('\n');
        for (String s : setup) {
            if (!s.isEmpty()) {
                b.append("  ").append(s).append('\n');
            }
        }
        for (Table t : tables) {
            b.append(t.text("  "));
        }
        for (String r : ratios) {
            b.append("  ").append(r).append('\n');
        }
        for (String n : notes) {
            b.append("  note: ").append(n).append('\n');
        }
        b.append("  => ").append(measured).append("  [target: ").append(target).append("; ").append(verdict)
                .append("]\n");
        return b.toString();
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("\n### ").append(id).append(": ").append(title).append("\n\n");
        for (String s : setup) {
            if (!s.isEmpty()) {
                b.append("- ").append(s).append('\n');
            }
        }
        b.append('\n');
        for (Table t : tables) {
            b.append(t.markdown()).append('\n');
        }
        for (String r : ratios) {
            b.append("- ").append(r).append('\n');
        }
        for (String n : notes) {
            b.append("- note: ").append(n).append('\n');
        }
        b.append("\n**").append(measured).append("** (target: ").append(target).append("; ").append(verdict)
                .append(")\n");
        return b.toString();
    }
}
