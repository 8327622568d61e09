package org.securemail.bench;

import java.util.List;

/**
 * P1: one connection, reused for every message, one thread: SecureMail's pooled {@code SmtpSender} (and its drop-in
 * session with one {@code Transport} kept connected) against raw Angus with identical TLS keeping one
 * {@code Transport} connected. Only SecureMail's own per-message overhead differs.
 */
final class P1ReusedConnection implements Workload {
    @Override
    public String id() {
        return "P1";
    }

    @Override
    public String title() {
        return "one reused connection, one thread, vs raw Angus with identical TLS";
    }

    @Override
    public String target() {
        return "time ≤ 1.03×, CPU per message ≤ 1.05×";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        int warmups = o.pick(3, 1, 0);
        int rounds = o.rounds(10, 3, 1);
        int ops = o.pick(1000, 200, 2);
        SmtpTarget t = run.target();
        Mail mail = Mail.small();
        List<Contender> cs = List.of(
                Contenders.sequential("raw Angus, identical TLS, one Transport reused",
                        RawAngusClients.reusedConnection(t), mail),
                Contenders.sequential("SecureMail SmtpSender (pooled)", SecureMailClients.pooledSender(t), mail),
                Contenders.sequential("SecureMail drop-in, one Transport reused", SecureMailClients.dropInReused(t),
                        mail));
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add(rounds + " rounds of " + ops + " messages per contender, after " + warmups
                + " warm-up rounds; 2 KB text message; each contender connects once (in the first warm-up) and keeps"
                + " its connection");
        Alternation.Result r;
        try {
            r = Alternation.run(cs, warmups, rounds, ops, 1, run.sink(), run.log());
        } finally {
            Contenders.closeAll(cs);
        }
        w.tables.add(Contenders.table(r, "msg"));
        w.setup.add(r.negotiated());
        Stats time = Ratios.time(r.of(1), r.of(0));
        Stats cpu = Ratios.threadCpu(r.of(1), r.of(0));
        Stats jvm = Ratios.processCpu(r.of(1), r.of(0));
        Stats dropInTime = Ratios.time(r.of(2), r.of(0));
        w.ratios.add("SmtpSender time vs raw (SecureMail ÷ raw, lower is better): " + Ratios.describe(time));
        w.ratios.add("SmtpSender thread CPU per message vs raw: " + Ratios.describe(cpu));
        w.ratios.add("SmtpSender JVM CPU per message vs raw: " + Ratios.describe(jvm));
        w.ratios.add("drop-in, one Transport reused, time vs raw: " + Ratios.describe(dropInTime));
        w.notes.addAll(r.problems());
        Stats rawCpu = cpuPerMessage(r.of(0));
        Stats smCpu = cpuPerMessage(r.of(1));
        w.measured = Format.ratio(time.median()) + " (Q1 " + Format.ratio(time.q1()) + ", Q3 "
                + Format.ratio(time.q3()) + "); CPU " + Format.sig(smCpu.median()) + " vs "
                + Format.sig(rawCpu.median()) + " µs per message (" + Format.ratio(cpu.median()) + ")";
        w.target = target();
        w.verdict = time.median() <= 1.03 && cpu.median() <= 1.05 ? "met" : "not met";
        return w;
    }

    static Stats cpuPerMessage(List<Sample> s) {
        return Stats.of(s.stream().mapToDouble(x -> x.threadCpuNanos() / 1e3 / x.ops()).toArray());
    }
}
