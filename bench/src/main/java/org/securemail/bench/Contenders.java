package org.securemail.bench;

import jakarta.mail.MessagingException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Contenders made of {@link SmtpClient}s, and the table that describes a workload's contenders. */
final class Contenders {
    private Contenders() {
    }

    /** One client on the measuring thread: thread CPU time is the client's. */
    static Contender sequential(String name, SmtpClient client, Mail mail) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Sample round(int ops, long first) throws Exception {
                return Sample.measure(ops, true, () -> {
                    for (int i = 0; i < ops; i++) {
                        client.send(mail, first + i);
                    }
                });
            }

            @Override
            public void close() throws MessagingException {
                client.close();
            }
        };
    }

    /**
     * Several threads at once, thread {@code k} sending through {@code clients[k]} (the same client repeated when it
     * is shared). Only process CPU time is meaningful.
     */
    static Contender parallel(String name, List<SmtpClient> clients, Mail mail, ExecutorService threads) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Sample round(int ops, long first) throws Exception {
                int n = clients.size();
                return Sample.measure(ops, false, () -> {
                    List<Future<?>> done = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        SmtpClient client = clients.get(k);
                        int from = ops * k / n;
                        int to = ops * (k + 1) / n;
                        done.add(threads.submit(() -> {
                            for (int i = from; i < to; i++) {
                                client.send(mail, first + i);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                });
            }

            @Override
            public void close() throws MessagingException {
                for (SmtpClient c : new java.util.LinkedHashSet<>(clients)) {
                    c.close();
                }
            }
        };
    }

    /**
     * The per-contender table: time per operation (min, median, max of the rounds), operations per second at the
     * median, and the medians of CPU time per operation.
     */
    static Table table(Alternation.Result r, String op) {
        Table t = new Table("contender", op + " min", "median", "max", op + "/s", "CPU/" + op + " thread",
                "CPU/" + op + " JVM", "sink CPU/" + op, "sink cmds/" + op);
        for (int i = 0; i < r.names().size(); i++) {
            List<Sample> s = r.of(i);
            Stats time = Stats.of(s.stream().mapToDouble(Sample::microsPerOp).toArray());
            Stats thread = Stats.of(s.stream().filter(x -> x.threadCpuNanos() >= 0)
                    .mapToDouble(x -> x.threadCpuNanos() / 1e3 / x.ops()).toArray());
            Stats jvm = Stats.of(s.stream().filter(x -> x.processCpuNanos() >= 0)
                    .mapToDouble(x -> x.processCpuNanos() / 1e3 / x.ops()).toArray());
            Stats sink = Stats.of(s.stream().filter(x -> x.sinkCpuNanos() >= 0)
                    .mapToDouble(x -> x.sinkCpuNanos() / 1e3 / x.ops()).toArray());
            Stats commands = Stats.of(s.stream().filter(x -> x.sinkCommands() >= 0)
                    .mapToDouble(x -> x.sinkCommands() / (double) x.ops()).toArray());
            t.row(r.names().get(i), Format.time(time.min()), Format.time(time.median()), Format.time(time.max()),
                    Format.sig(1e6 / time.median()), Format.time(thread.median()), Format.time(jvm.median()),
                    Format.time(sink.median()), Format.sig(commands.median()));
        }
        return t;
    }

    static void closeAll(List<? extends AutoCloseable> cs) {
        for (AutoCloseable c : cs) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing a contender: " + e);
            }
        }
    }
}
