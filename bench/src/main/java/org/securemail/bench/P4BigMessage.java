package org.securemail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * P4: one message with a big attachment (100 MiB of random bytes, base64 on the wire), each contender in its own
 * JVM with a small heap ({@code -Xmx64m}, and {@code -Xmx1g} in a full run to see what a contender needs when it
 * does not fit), one JVM per contender and round, the contenders alternated. An {@link OutOfMemoryError} is a
 * result, not a failure of the harness.
 */
final class P4BigMessage implements Workload {
    /** The collector is fixed so that heap figures compare across machines. */
    static final String GC = "-XX:+UseG1GC";

    private static final String[] CONTENDERS = {"raw", "sender", "dropin"};
    private static final String[] NAMES = {"raw Angus, identical TLS, Transport.sendMessage",
        "SecureMail SmtpSender", "SecureMail drop-in session, Transport.send"};

    @Override
    public String id() {
        return "P4";
    }

    @Override
    public String title() {
        return "one message with a big attachment, each contender in a JVM with a small heap";
    }

    @Override
    public String target() {
        return "runs at -Xmx64m with heap growth ≤ 16 MB; throughput ≥ 0.9× raw";
    }

    /** One child's outcome. */
    record Outcome(String status, double seconds, double cpuSeconds, long bytes, long peakGrowth, long liveGrowth,
                   String detail) {
        boolean ok() {
            return status.equals("ok");
        }

        double mibPerSecond() {
            return bytes / 1048576.0 / seconds;
        }
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        int mib = o.p4Mib > 0 ? o.p4Mib : o.pick(100, 100, 1);
        int rounds = o.rounds(5, 1, 1);
        List<String> heaps = o.mode == Options.Mode.FULL ? List.of("64m", "1g") : List.of("64m");
        Path big = run.scratch().resolve("attachment-" + mib + "MiB.bin");
        Path warm = run.scratch().resolve("attachment-warm-up.bin");
        randomFile(big, (long) mib << 20);
        randomFile(warm, Math.min(1L << 20, (long) mib << 20));
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add("attachment " + mib + " MiB of random bytes (base64 on the wire: " + String.format(Locale.ROOT,
                "%.0f", mib * 4 / 3.0 * 78 / 76) + " MiB with line breaks); each JVM first sends a warm-up message with"
                + " a " + Files.size(warm) / 1024 + " KiB attachment");
        w.setup.add("client JVMs: " + GC + " -Xmx<heap>; " + rounds + " rounds per heap, contenders alternated; heap"
                + " growth = peak of the heap pools during the send (garbage included) minus the heap in use after"
                + " a baseline collection; live = most heap in use after any collection during the send, minus the"
                + " same baseline");
        String summary64 = "";
        String summaryOther = "";
        double throughput64 = Double.NaN;
        boolean fits64 = false;
        for (String heap : heaps) {
            List<List<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < CONTENDERS.length; i++) {
                outcomes.add(new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("    -Xmx" + heap + " round " + (r + 1) + "/" + rounds + ":");
                for (int k = 0; k < CONTENDERS.length; k++) {
                    int i = (r + k) % CONTENDERS.length;
                    SinkCounters before = run.sink().counters();
                    Outcome out = child(run, CONTENDERS[i], heap, warm, big);
                    SinkCounters after = run.sink().counters();
                    long expected = out.ok() ? 2 : out.status().equals("oom") ? 1 : -1;
                    long got = after.messages() - before.messages();
                    if (expected >= 0 && got != expected) {
                        w.notes.add(NAMES[i] + " -Xmx" + heap + " round " + (r + 1) + ": the sink counted " + got
                                + " messages, " + expected + " expected");
                    }
                    outcomes.get(i).add(out);
                }
                for (int i = 0; i < CONTENDERS.length; i++) {
                    Outcome out = outcomes.get(i).get(r);
                    line.append("  ").append(CONTENDERS[i]).append(' ').append(out.ok()
                            ? Format.sig(out.seconds()) + " s" : out.status());
                }
                run.log().println(line);
            }
            Table t = new Table("-Xmx" + heap, "result", "time min", "median", "max", "MiB/s", "JVM CPU", "heap growth",
                    "live growth");
            for (int i = 0; i < CONTENDERS.length; i++) {
                List<Outcome> os = outcomes.get(i);
                List<Outcome> ok = os.stream().filter(Outcome::ok).toList();
                long oks = ok.size();
                String result = oks == os.size() ? "ok" : oks == 0 ? describeFailure(os) : oks + " of " + os.size()
                        + " ok; " + describeFailure(os);
                Stats time = Stats.of(ok.stream().mapToDouble(Outcome::seconds).toArray());
                Stats cpu = Stats.of(ok.stream().mapToDouble(Outcome::cpuSeconds).toArray());
                Stats peak = Stats.of(ok.stream().mapToDouble(Outcome::peakGrowth).toArray());
                Stats live = Stats.of(ok.stream().filter(x -> x.liveGrowth() != Long.MIN_VALUE)
                        .mapToDouble(Outcome::liveGrowth).toArray());
                t.row(NAMES[i], result, Format.time(time.min() * 1e6), Format.time(time.median() * 1e6),
                        Format.time(time.max() * 1e6), Format.sig(ok.isEmpty() ? Double.NaN
                                : ok.stream().mapToDouble(Outcome::mibPerSecond).sorted().toArray()[ok.size() / 2]),
                        Format.time(cpu.median() * 1e6), ok.isEmpty() ? "–" : Format.mb((long) peak.median()),
                        live.isEmpty() ? "–" : Format.mb((long) live.median()));
            }
            w.tables.add(t);
            Map<String, Stats> ratios = new HashMap<>();
            for (int i = 1; i < CONTENDERS.length; i++) {
                List<Double> per = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    Outcome raw = outcomes.get(0).get(r);
                    Outcome sm = outcomes.get(i).get(r);
                    if (raw.ok() && sm.ok()) {
                        per.add(raw.seconds() / sm.seconds());
                    }
                }
                Stats s = Stats.of(per);
                ratios.put(CONTENDERS[i], s);
                w.ratios.add("-Xmx" + heap + ": " + NAMES[i] + " throughput vs raw (raw time ÷ SecureMail time): "
                        + (s.isEmpty() ? "– (not both ok in any round)" : Ratios.describe(s)));
            }
            StringBuilder m = new StringBuilder("-Xmx" + heap + ": ");
            for (int i = 0; i < CONTENDERS.length; i++) {
                List<Outcome> ok = outcomes.get(i).stream().filter(Outcome::ok).toList();
                m.append(i == 0 ? "raw " : i == 1 ? "; SmtpSender " : "; drop-in ");
                if (ok.size() < outcomes.get(i).size()) {
                    m.append(describeFailure(outcomes.get(i)));
                    if (!ok.isEmpty()) {
                        m.append(" in ").append(outcomes.get(i).size() - ok.size()).append(" of ")
                                .append(outcomes.get(i).size());
                    }
                }
                if (!ok.isEmpty()) {
                    Stats peak = Stats.of(ok.stream().mapToDouble(Outcome::peakGrowth).toArray());
                    m.append(ok.size() < outcomes.get(i).size() ? ", else " : "").append(Format.mb((long) peak.median()));
                    if (i > 0 && !ratios.get(CONTENDERS[i]).isEmpty()) {
                        m.append(", ").append(Format.ratio(ratios.get(CONTENDERS[i]).median())).append(" raw throughput");
                    }
                }
            }
            if (heap.equals("64m")) {
                summary64 = m.toString();
                List<Outcome> sender = outcomes.get(1);
                fits64 = sender.stream().allMatch(x -> x.ok() && x.peakGrowth() <= 16_000_000);
                throughput64 = ratios.get("sender").isEmpty() ? Double.NaN : ratios.get("sender").median();
            } else {
                summaryOther += "; " + m;
            }
        }
        w.measured = summary64 + summaryOther;
        w.target = target();
        w.verdict = fits64 && throughput64 >= 0.9 ? "met" : "not met";
        return w;
    }

    private static String describeFailure(List<Outcome> os) {
        return os.stream().filter(x -> !x.ok()).map(x -> x.status().equals("oom") ? "OutOfMemoryError"
                : x.status() + " " + x.detail()).distinct().reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static Outcome child(Run run, String contender, String heap, Path warm, Path big)
            throws IOException, InterruptedException {
        SmtpTarget t = run.target();
        List<String> cmd = new ArrayList<>(List.of(Jvm.java(), "-Xmx" + heap, GC,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", Jvm.classPath(),
                BigMessageChild.class.getName(), contender, t.host(), Integer.toString(t.port()),
                t.caFile().toString(), t.user(), warm.toString(), big.toString()));
        Path log = run.scratch().resolve("p4-" + contender + "-" + heap + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try (OutputStream stdin = p.getOutputStream();
             Writer w = new java.io.OutputStreamWriter(stdin, StandardCharsets.UTF_8)) {
            w.write(new String(t.password()) + "\n");
        }
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Outcome("timeout", 0, 0, 0, 0, 0, "no result in 10 minutes");
        }
        if (result == null) {
            String tail = Files.exists(log) ? Files.readString(log) : "";
            return new Outcome("crashed", 0, 0, 0, 0, 0, "exit " + p.exitValue() + " "
                    + tail.substring(Math.max(0, tail.length() - 300)).replace('\n', ' '));
        }
        Map<String, String> f = new HashMap<>();
        for (String kv : result.split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        String status = f.getOrDefault("status", "error");
        if (!status.equals("ok")) {
            return new Outcome(status, 0, 0, 0, 0, 0, f.getOrDefault("detail", "") + " (log " + log + ")");
        }
        String live = f.get("liveGrowth");
        return new Outcome(status, Double.parseDouble(f.get("seconds")), Double.parseDouble(f.get("cpuSeconds")),
                Long.parseLong(f.get("bytes")), Long.parseLong(f.get("peakGrowth")),
                live == null || live.equals("none") ? Long.MIN_VALUE : Long.parseLong(live), "");
    }

    private static void randomFile(Path file, long size) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) {
            return;
        }
        SplittableRandom random = new SplittableRandom(20261122L);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        chunk[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
    }
}
