package org.securemail.bench;

import java.util.List;

/**
 * P0: a new connection for every message (STARTTLS, AUTH, one 2 KB message, QUIT), one thread: what
 * {@code Transport.send} and Spring's {@code JavaMailSenderImpl} do. SecureMail's drop-in session and a new
 * {@code SmtpSender} per message against raw Angus as shipped; raw Angus with identical TLS and TCP_NODELAY as a
 * reference that shows how much of the gap Nagle's algorithm is.
 */
final class P0ConnectPerMessage implements Workload {
    @Override
    public String id() {
        return "P0";
    }

    @Override
    public String title() {
        return "connect per message (Transport.send, Spring), one thread, vs raw Angus as shipped";
    }

    @Override
    public String target() {
        return "≥ 4× at the lower quartile, whichever way a user writes it; a new sender per message within 0.8× of"
                + " the drop-in";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        int warmups = o.pick(2, 1, 0);
        int rounds = o.rounds(10, 3, 1);
        // Raw Angus as shipped waits for Nagle on every connection: fewer messages keep its rounds as long as the others'.
        int slowOps = o.pick(30, 10, 2);
        int ops = o.pick(100, 20, 2);
        SmtpTarget t = run.target();
        Mail mail = Mail.small();
        List<Contender> cs = List.of(
                Contenders.sequential("raw Angus as shipped, Transport.send", RawAngusClients.asShipped(t), mail),
                Contenders.sequential("raw Angus, identical TLS + TCP_NODELAY, Transport.send",
                        RawAngusClients.perMessageIdenticalTls(t), mail),
                Contenders.sequential("SecureMail drop-in session, Transport.send", SecureMailClients.dropIn(t), mail),
                Contenders.sequential("SecureMail new SmtpSender per message", SecureMailClients.senderPerMessage(t),
                        mail));
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add(rounds + " rounds of " + ops + " messages per contender (" + slowOps + " for raw Angus as shipped),"
                + " after " + warmups
                + " warm-up rounds; 2 KB text message, STARTTLS + AUTH PLAIN, one connection per message");
        Alternation.Result r;
        try {
            r = Alternation.run(cs, warmups, rounds, new int[] {slowOps, ops, ops, ops}, 1, run.sink(), run.log());
        } finally {
            Contenders.closeAll(cs);
        }
        w.tables.add(Contenders.table(r, "msg"));
        w.setup.add(r.negotiated());
        Stats dropIn = Ratios.time(r.of(0), r.of(2));
        Stats perMessage = Ratios.time(r.of(0), r.of(3));
        Stats senderVsDropIn = Ratios.time(r.of(2), r.of(3));
        Stats dropInVsNoDelay = Ratios.time(r.of(1), r.of(2));
        w.ratios.add("speed-up of the drop-in vs raw as shipped (raw time ÷ SecureMail time): "
                + Ratios.describe(dropIn));
        w.ratios.add("speed-up of a new SmtpSender per message vs raw as shipped: " + Ratios.describe(perMessage));
        w.ratios.add("new SmtpSender per message vs the drop-in (throughput ratio, drop-in time ÷ sender time): "
                + Ratios.describe(senderVsDropIn));
        w.ratios.add("reference: the drop-in vs raw Angus with identical TLS + TCP_NODELAY (raw time ÷ SecureMail"
                + " time): " + Ratios.describe(dropInVsNoDelay));
        w.notes.addAll(r.problems());
        w.measured = "drop-in " + Format.ratio(dropIn.median()) + " (Q1 " + Format.ratio(dropIn.q1())
                + "); new SmtpSender per message " + Format.ratio(perMessage.median()) + " (Q1 "
                + Format.ratio(perMessage.q1()) + "), " + Format.ratio(senderVsDropIn.median()) + " of the drop-in";
        w.target = target();
        boolean met = dropIn.q1() >= 4 && perMessage.q1() >= 4 && senderVsDropIn.median() >= 0.8;
        w.verdict = met ? "met" : "not met";
        return w;
    }
}
