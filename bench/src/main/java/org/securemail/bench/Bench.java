package org.securemail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.securemail.policy.TrustSource;

/**
 * The benchmark harness: SecureMail against raw Angus Mail side by side in one run, contenders alternated round by
 * round, against an SMTP sink in its own JVM (and the interop environment's Dovecot for P5). Prints a table per
 * workload and a summary in the shape of the performance issue; {@code --out} also writes it as Markdown. Run it
 * with {@code bench/run.sh}; docs/PERFORMANCE.md explains every workload and contender.
 */
public final class Bench {
    static final String USER = "bench";

    private Bench() {
    }

    /**
     * Runs the harness and exits: 0 when every selected workload ran (or was skipped for want of Dovecot), 1 when one
     * failed, 2 for a bad command line.
     *
     * @param args see {@link Options#USAGE}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Bouncy Castle logs its reading of the JDK's security properties at INFO: kept quiet during the run. */
    private static final java.util.logging.Logger BOUNCY_CASTLE_LOG =
            java.util.logging.Logger.getLogger("org.bouncycastle");

    static List<Workload> workloads() {
        return List.of(new P0ConnectPerMessage(), new P1ReusedConnection(), new P2Threads(), new P3Resumption(),
                new P4BigMessage(), new P5ImapSummaries(), new PLatency());
    }

    static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                out.println("bench: " + e.getMessage());
            }
            out.println(Options.USAGE);
            return 2;
        }
        BOUNCY_CASTLE_LOG.setLevel(java.util.logging.Level.SEVERE);
        String machine = Machine.describe();
        String loadBefore = Machine.load();
        long started = System.nanoTime();
        out.println("SecureMail benchmark harness, " + options.mode.name().toLowerCase(java.util.Locale.ROOT)
                + " run of " + options.only);
        out.println("machine: " + machine);
        out.println("load before: " + loadBefore);
        List<WorkloadResult> results = new ArrayList<>();
        boolean failed = false;
        Path scratch = null;
        Thread cleanup = null;
        try {
            scratch = Files.createTempDirectory("securemail-bench-");
            // P4's attachment is 100 MiB: the scratch directory goes even when the run is interrupted (SIGTERM).
            Path dir = scratch;
            cleanup = new Thread(() -> delete(dir), "bench-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            char[] password = password();
            int rtt = options.only.contains("PL") ? (options.mode == Options.Mode.SMOKE ? 4 : options.rttMillis) : 0;
            try (SinkProcess sink = SinkProcess.start(scratch, USER, password, rtt, options.sinkNagle)) {
                SmtpTarget target = new SmtpTarget("localhost", sink.starttlsPort, sink.implicitPort,
                        TrustSource.pemFile(sink.caFile).certificates().get(0), sink.caFile, USER, password);
                out.println("sink: own JVM " + SinkProcess.JVM_OPTIONS + ", localhost STARTTLS port "
                        + sink.starttlsPort + ", implicit TLS port " + sink.implicitPort + (sink.proxyPort > 0
                        ? ", latency proxy port " + sink.proxyPort + " (" + rtt + " ms RTT)" : "")
                        + (options.sinkNagle ? ", Nagle on" : ", TCP_NODELAY"));
                Run run = new Run(options, sink, target, sink.proxyPort, rtt, scratch, out);
                for (Workload w : workloads()) {
                    if (!options.only.contains(w.id())) {
                        continue;
                    }
                    out.println();
                    out.println("== " + w.id() + " " + w.title());
                    String before = Machine.load();
                    WorkloadResult r;
                    try {
                        r = w.run(run);
                    } catch (Exception e) {
                        failed = true;
                        r = WorkloadResult.failed(w.id(), w.title(), w.target(), e);
                        e.printStackTrace(out);
                    }
                    r.setup.add("load before: " + before + "; after: " + Machine.load());
                    results.add(r);
                    out.print(r.text());
                    out.flush();
                }
                SinkCounters end = sink.counters();
                out.println();
                out.println("sink at the end: " + end.line());
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            out.println("bench: the run could not complete: " + e);
            e.printStackTrace(out);
        } finally {
            delete(scratch);
            if (cleanup != null) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
        String loadAfter = Machine.load() + "; the run took " + (System.nanoTime() - started) / 1_000_000_000 + " s";
        Table summary = new Table("workload", "measured (this run)", "target", "");
        for (WorkloadResult r : results) {
            summary.row(r.id + " " + r.title, r.measured, r.target, r.verdict);
        }
        out.println();
        out.println("load after: " + loadAfter);
        out.println();
        out.println("Summary (" + machine + ")");
        for (WorkloadResult r : results) {
            out.println(r.id + "  " + r.title);
            out.println("    measured: " + r.measured);
            out.println("    target:   " + r.target + " (" + r.verdict + ")");
        }
        if (options.out.isPresent()) {
            try {
                writeMarkdown(options, machine, loadBefore, loadAfter, summary, results);
                out.println("report written to " + options.out.get());
            } catch (IOException e) {
                out.println("bench: cannot write " + options.out.get() + ": " + e);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }

    private static void writeMarkdown(Options o, String machine, String loadBefore, String loadAfter, Table summary,
                                      List<WorkloadResult> results) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# SecureMail benchmark report (").append(o.mode.name().toLowerCase(java.util.Locale.ROOT))
                .append(" run)\n\n");
        b.append("- machine: ").append(machine).append('\n');
        b.append("- load before: ").append(loadBefore).append("; after: ").append(loadAfter).append("\n\n");
        b.append(summary.markdown());
        for (WorkloadResult r : results) {
            b.append(r.markdown());
        }
        Path file = o.out.get();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, b.toString());
    }

    private static char[] password() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e);
        }
    }
}
