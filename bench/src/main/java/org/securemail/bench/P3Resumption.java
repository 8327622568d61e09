package org.securemail.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;

/**
 * P3: the TLS handshake of a reconnect, resumed against full. Each operation connects to the sink's implicit-TLS
 * port (not timed), layers TLS and completes the handshake (timed: wall and thread CPU time), reads the greeting
 * (which also takes in the server's session ticket) and closes. The "full" contender invalidates each session after
 * use, so its next handshake cannot resume; the "resumed" one keeps them. SecureMail's TLS layer with the JDK
 * provider is the measured pair; plain JSSE is the reference for what the JDK does alone; Bouncy Castle JSSE is
 * reported for TLS 1.3 and TLS 1.2.
 */
final class P3Resumption implements Workload {
    @Override
    public String id() {
        return "P3";
    }

    @Override
    public String title() {
        return "reconnect with TLS session resumption: handshake time, resumed vs full";
    }

    @Override
    public String target() {
        return "≤ 0.5× (JDK provider, TLS 1.3); say what Bouncy Castle does";
    }

    @Override
    public WorkloadResult run(Run run) throws Exception {
        Options o = run.options();
        int warmups = o.pick(2, 1, 0);
        int rounds = o.rounds(10, 3, 1);
        int ops = o.pick(100, 30, 2);
        SmtpTarget t = run.target();
        String[] names = {"SecureMail, JDK, TLS 1.3", "plain JSSE (reference), TLS 1.3", "SecureMail, Bouncy Castle,"
                + " TLS 1.3", "SecureMail, Bouncy Castle, TLS 1.2"};
        List<Contender> cs = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            // Each contender has its own client (and SSLContext, and session cache): the full one's invalidated
            // sessions never make the resumed one start a round with a full handshake.
            cs.add(handshakes(names[i] + ", full", client(i, t), t, false));
            cs.add(handshakes(names[i] + ", resumed", client(i, t), t, true));
        }
        WorkloadResult w = new WorkloadResult(id(), title());
        w.setup.add(rounds + " rounds of " + ops + " handshakes per contender, after " + warmups + " warm-up rounds;"
                + " implicit TLS to the sink; only the handshake is timed");
        Alternation.Result r = Alternation.run(cs, warmups, rounds, ops, 0, run.sink(), run.log());
        w.setup.add(r.negotiated());
        Table table = new Table("contender", "handshake min", "median", "max", "thread CPU", "resumed");
        for (int i = 0; i < cs.size(); i++) {
            List<Sample> s = r.of(i);
            Stats time = Stats.of(s.stream().mapToDouble(Sample::microsPerOp).toArray());
            Stats cpu = Stats.of(s.stream().mapToDouble(x -> x.threadCpuNanos() / 1e3 / x.ops()).toArray());
            int resumed = s.stream().mapToInt(Sample::resumed).sum();
            int total = s.stream().mapToInt(Sample::ops).sum();
            table.row(r.names().get(i), Format.time(time.min()), Format.time(time.median()), Format.time(time.max()),
                    Format.time(cpu.median()), resumed + " of " + total);
        }
        w.tables.add(table);
        Stats[] ratio = new Stats[names.length];
        for (int i = 0; i < names.length; i++) {
            ratio[i] = Ratios.time(r.of(2 * i + 1), r.of(2 * i));
            w.ratios.add(names[i] + ": resumed ÷ full handshake time " + Ratios.describe(ratio[i]) + "; thread CPU "
                    + Ratios.describe(Ratios.threadCpu(r.of(2 * i + 1), r.of(2 * i))));
        }
        w.notes.addAll(r.problems());
        int bcResumed13 = r.of(5).stream().mapToInt(Sample::resumed).sum();
        int bcResumed12 = r.of(7).stream().mapToInt(Sample::resumed).sum();
        w.measured = "JDK " + Format.ratio(ratio[0].median()) + " (Q1 " + Format.ratio(ratio[0].q1()) + ", Q3 "
                + Format.ratio(ratio[0].q3()) + "; plain JSSE " + Format.ratio(ratio[1].median())
                + "); Bouncy Castle TLS 1.3 " + Format.ratio(ratio[2].median()) + " ("
                + (bcResumed13 == 0 ? "never resumes" : bcResumed13 + " resumed") + "), TLS 1.2 "
                + Format.ratio(ratio[3].median()) + " (" + (bcResumed12 == 0 ? "never resumes" : bcResumed12
                + " resumed") + ")";
        w.target = target();
        w.verdict = ratio[0].median() <= 0.5 ? "met" : "not met";
        return w;
    }

    private static TlsClient client(int i, SmtpTarget t) {
        switch (i) {
            case 0:
                return SecureMailClients.tls(t, TlsProvider.JDK, TlsVersion.TLS_1_3);
            case 1:
                return RawAngusClients.jdkTls(t);
            case 2:
                return SecureMailClients.tls(t, TlsProvider.BOUNCY_CASTLE, TlsVersion.TLS_1_3);
            default:
                return SecureMailClients.tls(t, TlsProvider.BOUNCY_CASTLE, TlsVersion.TLS_1_2);
        }
    }

    private static Contender handshakes(String name, TlsClient client, SmtpTarget t, boolean keepSessions) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Sample round(int ops, long first) throws Exception {
                long wall = 0;
                long cpu = 0;
                int resumed = 0;
                for (int i = 0; i < ops; i++) {
                    Socket plain = new Socket();
                    plain.setTcpNoDelay(true);
                    plain.connect(new InetSocketAddress(t.host(), t.implicitPort()), 10_000);
                    plain.setSoTimeout(30_000);
                    long c0 = Sample.threadCpu();
                    long t0 = System.nanoTime();
                    SSLSocket s;
                    try {
                        s = client.handshake(plain);
                    } catch (IOException | RuntimeException e) {
                        plain.close();
                        throw e;
                    }
                    long t1 = System.nanoTime();
                    long c1 = Sample.threadCpu();
                    wall += t1 - t0;
                    cpu += c1 - c0;
                    try (s) {
                        if (client.resumed(s)) {
                            resumed++;
                        }
                        readGreeting(s.getInputStream());
                        if (!keepSessions) {
                            s.getSession().invalidate();
                        }
                    }
                }
                return new Sample(ops, wall, cpu, -1, -1, -1, -1, resumed);
            }
        };
    }

    /** Reads the 220 greeting line; on TLS 1.3 the session ticket arrives before it and is taken in. */
    private static void readGreeting(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            // the greeting is discarded
        }
        if (c < 0) {
            throw new IOException("the sink closed the connection before its greeting");
        }
    }
}
