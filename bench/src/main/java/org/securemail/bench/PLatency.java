package org.securemail.bench;

import java.util.List;

/**
 * PL: P1's reused connection over a link with latency (the sink's latency proxy, 20 ms round trip by default), where
 * every round trip a client waits for costs the RTT. The baseline for SMTP PIPELINING (RFC 2920), which sends MAIL,
 * RCPT and DATA without waiting for each reply.
 */
final class PLatency implements Workload {
    @Override
    public String id() {
        return "PL";
    }

    @Override
    public String title() {
        return "one reused connection over a link with latency, vs raw Angus with identical TLS";
    }

    @Override
    public String target() {
        return "≥ 1.5× raw throughput (moonshot: PIPELINING)";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        if (run.proxyPort() == 0) {
            return WorkloadResult.skipped(id(), title(), target(), "no latency proxy");
        }
        Options o = run.options();
        int warmups = o.pick(1, 1, 0);
        int rounds = o.rounds(5, 2, 1);
        int ops = o.pick(20, 5, 2);
        SmtpTarget t = run.target().viaPort(run.proxyPort());
        Mail mail = Mail.small();
        List<Contender> cs = List.of(
                Contenders.sequential("raw Angus, identical TLS, one Transport reused",
                        RawAngusClients.reusedConnection(t), mail),
                Contenders.sequential("SecureMail SmtpSender (pooled)", SecureMailClients.pooledSender(t), mail));
        WorkloadResult w = new WorkloadResult(id(), title() + " (" + run.rttMillis() + " ms RTT)");
        w.setup.add(rounds + " rounds of " + ops + " messages per contender, after " + warmups + " warm-up round(s);"
                + " the proxy delays each direction by " + run.rttMillis() / 2.0 + " ms; the connection is opened in the"
                + " first warm-up");
        Alternation.Result r;
        try {
            r = Alternation.run(cs, warmups, rounds, ops, 1, run.sink(), run.log());
        } finally {
            Contenders.closeAll(cs);
        }
        w.tables.add(Contenders.table(r, "msg"));
        w.setup.add(r.negotiated());
        Stats ratio = Ratios.time(r.of(0), r.of(1));
        w.ratios.add("SmtpSender throughput vs raw (raw time ÷ SecureMail time): " + Ratios.describe(ratio));
        Stats rawTime = Stats.of(r.of(0).stream().mapToDouble(Sample::microsPerOp).toArray());
        w.ratios.add("raw Angus waits about " + Format.sig(rawTime.median() / 1000.0 / run.rttMillis())
                + " round trips per message");
        w.notes.addAll(r.problems());
        w.measured = Format.ratio(ratio.median()) + " raw at " + run.rttMillis() + " ms RTT (Q1 "
                + Format.ratio(ratio.q1()) + ")";
        w.target = target();
        w.verdict = ratio.median() >= 1.5 ? "met" : "not met";
        return w;
    }
}
