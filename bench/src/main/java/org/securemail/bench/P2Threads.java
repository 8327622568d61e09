package org.securemail.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * P2: four threads sending at once. SecureMail's {@code SmtpSender} shared by the four (its pool opens up to four
 * connections) against raw Angus as shipped with a connection per message, and against raw Angus with identical
 * TLS and one connection per thread (the best a hand-written setup does). Only the JVM's CPU time is meaningful
 * here.
 */
final class P2Threads implements Workload {
    static final int THREADS = 4;

    @Override
    public String id() {
        return "P2";
    }

    @Override
    public String title() {
        return THREADS + " threads, pooled SmtpSender, vs raw Angus connect-per-message and one-connection-per-thread";
    }

    @Override
    public String target() {
        return "≥ 10× raw connect-per-message; ≥ 0.9× raw one-connection-per-thread";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        int warmups = o.pick(2, 1, 0);
        int rounds = o.rounds(10, 3, 1);
        // Raw Angus as shipped connects per message and waits for Nagle: fewer messages keep its rounds as long.
        int slowOps = o.pick(100, 20, 4);
        int ops = o.pick(2000, 200, 4);
        SmtpTarget t = run.target();
        Mail mail = Mail.small();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread th = new Thread(r, "bench-sender");
            th.setDaemon(true);
            return th;
        });
        List<SmtpClient> perThread = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            perThread.add(RawAngusClients.reusedConnection(t));
        }
        List<Contender> cs = List.of(
                Contenders.parallel("raw Angus as shipped, Transport.send per message",
                        Collections.nCopies(THREADS, RawAngusClients.asShipped(t)), mail, threads),
                Contenders.parallel("raw Angus, identical TLS, one connection per thread", perThread, mail, threads),
                Contenders.parallel("SecureMail SmtpSender shared (pool of 4)",
                        Collections.nCopies(THREADS, SecureMailClients.pooledSender(t)), mail, threads));
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add(rounds + " rounds of " + ops + " messages per contender (" + slowOps + " for raw Angus as shipped),"
                + " spread over the " + THREADS + " threads, after " + warmups + " warm-up rounds; 2 KB text message; time until the last thread is done");
        Alternation.Result r;
        try {
            r = Alternation.run(cs, warmups, rounds, new int[] {slowOps, ops, ops}, 1, run.sink(), run.log());
        } finally {
            Contenders.closeAll(cs);
            threads.shutdownNow();
        }
        w.tables.add(Contenders.table(r, "msg"));
        w.setup.add(r.negotiated());
        Stats vsConnect = Ratios.time(r.of(0), r.of(2));
        Stats vsPerThread = Ratios.time(r.of(1), r.of(2));
        Stats cpuVsPerThread = Ratios.processCpu(r.of(2), r.of(1));
        w.ratios.add("SmtpSender throughput vs raw connect-per-message (raw time ÷ SecureMail time): "
                + Ratios.describe(vsConnect));
        w.ratios.add("SmtpSender throughput vs raw one-connection-per-thread: " + Ratios.describe(vsPerThread));
        w.ratios.add("SmtpSender JVM CPU per message vs raw one-connection-per-thread (lower is better): "
                + Ratios.describe(cpuVsPerThread));
        w.notes.addAll(r.problems());
        w.measured = Format.ratio(vsConnect.median()) + " raw connect-per-message (Q1 " + Format.ratio(vsConnect.q1())
                + "); " + Format.ratio(vsPerThread.median()) + " raw one-connection-per-thread (Q1 "
                + Format.ratio(vsPerThread.q1()) + ")";
        w.target = target();
        w.verdict = vsConnect.median() >= 10 && vsPerThread.median() >= 0.9 ? "met" : "not met";
        return w;
    }
}
