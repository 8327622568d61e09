package org.securemail.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.securemail.policy.TrustSource;

/**
 * P5: summaries (UID, From, To, subject, dates, flags, size) of the newest 10,000 messages of a folder on the interop
 * environment's Dovecot, over implicit TLS: SecureMail's {@code ImapFetcher.openFolder(..).newest(10000)} against
 * raw Angus with identical TLS and the ideal FetchProfile (ENVELOPE, FLAGS, UID for all messages in one FETCH).
 * Each operation connects, logs in, opens the folder read-only, fetches, and closes.
 */
final class P5ImapSummaries implements Workload {
    static final String FOLDER = "securemail-bench-newest";
    static final int COUNT = 10_000;

    @Override
    public String id() {
        return "P5";
    }

    @Override
    public String title() {
        return "IMAP, summaries of the newest " + COUNT + " messages from Dovecot, vs raw Angus with an ideal"
                + " FetchProfile";
    }

    @Override
    public String target() {
        return "≥ 0.97× raw throughput";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        if (o.interop.isEmpty()) {
            return WorkloadResult.skipped(id(), title(), target(), "no Dovecot (give --interop"
                    + " WORKDIR/interop.properties of a running interop environment)");
        }
        Path file = o.interop.get();
        if (!Files.isReadable(file)) {
            return WorkloadResult.skipped(id(), title(), target(), "no Dovecot (" + file + " is not readable)");
        }
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            env.load(r);
        }
        ImapTarget t = new ImapTarget(env.getProperty("host"), Integer.parseInt(env.getProperty("imap.implicit.port")),
                TrustSource.pemFile(Path.of(env.getProperty("ca.file"))).certificates().get(0),
                env.getProperty("user"), env.getProperty("password").toCharArray());
        Path maildir = Path.of(env.getProperty("maildir"));
        long t0 = System.nanoTime();
        boolean written;
        try {
            written = MaildirFolder.fill(maildir, FOLDER, COUNT);
        } catch (IOException e) {
            throw new IOException("cannot write " + COUNT + " messages into " + maildir + "/." + FOLDER + " (" + e
                    + "); run the harness as root, as the interop environment itself is", e);
        }
        int warmups = o.pick(1, 1, 1);
        int rounds = o.rounds(5, 2, 1);
        int ops = o.pick(3, 1, 1);
        MailboxReader raw = RawAngusClients.imap(t);
        MailboxReader secure = SecureMailClients.imap(t);
        List<List<MailboxReader.Summary>> last = new ArrayList<>(List.of(List.of(), List.of()));
        List<Contender> cs = List.of(fetches("raw Angus, identical TLS, ideal FetchProfile", raw, last, 0),
                fetches("SecureMail ImapFetcher, newest(" + COUNT + ")", secure, last, 1));
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add("Dovecot of the interop environment (" + file + "), " + t.host() + ":" + t.port()
                + " implicit TLS; folder " + FOLDER + " with " + COUNT + " generated messages (" + (written
                ? "written in " + (System.nanoTime() - t0) / 1_000_000 + " ms" : "already there") + ")");
        w.setup.add(rounds + " rounds of " + ops + (ops == 1 ? " fetch" : " fetches") + " of " + COUNT
                + " summaries per contender, after " + warmups
                + " warm-up round (Dovecot indexes the folder and caches the envelopes then)");
        Alternation.Result r = Alternation.run(cs, warmups, rounds, ops, 0, Sink.NONE, run.log());
        Table t1 = new Table("contender", "fetch min", "median", "max", "summaries/s", "CPU thread", "CPU JVM");
        for (int i = 0; i < cs.size(); i++) {
            List<Sample> s = r.of(i);
            Stats time = Stats.of(s.stream().mapToDouble(Sample::microsPerOp).toArray());
            Stats cpu = Stats.of(s.stream().mapToDouble(x -> x.threadCpuNanos() / 1e3 / x.ops()).toArray());
            Stats jvm = Stats.of(s.stream().mapToDouble(x -> x.processCpuNanos() / 1e3 / x.ops()).toArray());
            t1.row(r.names().get(i), Format.time(time.min()), Format.time(time.median()), Format.time(time.max()),
                    Format.sig(COUNT * 1e6 / time.median()), Format.time(cpu.median()), Format.time(jvm.median()));
        }
        w.tables.add(t1);
        if (!last.get(0).equals(last.get(1))) {
            w.notes.add("the two contenders did not return the same summaries (" + last.get(0).size() + " and "
                    + last.get(1).size() + "); first differing: " + firstDifference(last.get(0), last.get(1)));
        } else {
            w.setup.add("both contenders returned the same " + last.get(0).size() + " summaries, field by field");
        }
        Stats ratio = Ratios.time(r.of(0), r.of(1));
        w.ratios.add("SecureMail throughput vs raw (raw time ÷ SecureMail time): " + Ratios.describe(ratio));
        w.ratios.add("SecureMail thread CPU vs raw (lower is better): " + Ratios.describe(Ratios.threadCpu(r.of(1),
                r.of(0))));
        w.measured = Format.ratio(ratio.median()) + " raw (Q1 " + Format.ratio(ratio.q1()) + ")";
        w.target = target();
        w.verdict = ratio.median() >= 0.97 ? "met" : "not met";
        return w;
    }

    private static String firstDifference(List<MailboxReader.Summary> a, List<MailboxReader.Summary> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return a.get(i) + " vs " + b.get(i);
            }
        }
        return "lengths differ";
    }

    private static Contender fetches(String name, MailboxReader reader, List<List<MailboxReader.Summary>> last,
                                     int slot) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Sample round(int ops, long first) throws Exception {
                List<List<MailboxReader.Summary>> got = new ArrayList<>();
                Sample s = Sample.measure(ops, true, () -> {
                    for (int i = 0; i < ops; i++) {
                        got.add(reader.newest(FOLDER, COUNT));
                    }
                });
                List<MailboxReader.Summary> result = got.get(got.size() - 1);
                if (result.size() != COUNT) {
                    throw new IOException(name + " returned " + result.size() + " summaries, " + COUNT + " expected");
                }
                last.set(slot, result);
                return s;
            }
        };
    }
}
