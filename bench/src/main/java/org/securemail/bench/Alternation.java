package org.securemail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs contenders round by round, alternating them: round {@code r} starts with contender {@code r mod n} and goes
 * through all of them, so that none always runs first or after the same neighbour, and a disturbance of the machine
 * (another developer's build) falls on all of them alike. Warm-up rounds run the same way and are not recorded. A
 * garbage collection runs before each contender's round (outside the measurement), so that no contender pays for
 * another's garbage.
 */
final class Alternation {
    private Alternation() {
    }

    /**
     * The rounds of every contender.
     *
     * @param names the contenders' names
     * @param samples per contender, one sample per measured round
     * @param problems anything that went wrong or did not add up (empty when all is well)
     * @param tls per contender, the TLS versions and suites of the handshakes the sink saw during its rounds
     */
    record Result(List<String> names, List<List<Sample>> samples, List<String> problems, List<Set<String>> tls) {
        List<Sample> of(int contender) {
            return samples.get(contender);
        }

        /** @return one line saying what each contender negotiated, as the sink saw it */
        String negotiated() {
            Set<String> all = new TreeSet<>();
            tls.forEach(all::addAll);
            if (all.isEmpty()) {
                return "";
            }
            if (tls.stream().allMatch(s -> s.equals(tls.get(0)))) {
                return "TLS negotiated, as the sink saw it: " + String.join(", ", all) + " for every contender";
            }
            StringBuilder b = new StringBuilder("TLS negotiated, as the sink saw it:");
            for (int i = 0; i < names.size(); i++) {
                b.append(i == 0 ? " " : "; ").append(names.get(i)).append(": ")
                        .append(tls.get(i).isEmpty() ? "no new handshake" : String.join(", ", tls.get(i)));
            }
            return b.toString();
        }
    }

    /**
     * Runs the rounds.
     *
     * @param contenders the contenders
     * @param warmups warm-up rounds (each contender once per round)
     * @param rounds measured rounds
     * @param ops operations per round, for each contender (a slow contender may do fewer, so that every round
     *     lasts long enough to measure and not longer)
     * @param messagesPerOp how many messages the sink must count per operation (0 when it counts none)
     * @param sink the sink, read before and after each contender's round
     * @param log where progress goes
     * @return the samples
     * @throws Exception if a contender fails: the workload stops there
     */
    static Result run(List<Contender> contenders, int warmups, int rounds, int ops, int messagesPerOp, Sink sink,
                      PrintStream log) throws Exception {
        int[] each = new int[contenders.size()];
        java.util.Arrays.fill(each, ops);
        return run(contenders, warmups, rounds, each, messagesPerOp, sink, log);
    }

    static Result run(List<Contender> contenders, int warmups, int rounds, int[] ops, int messagesPerOp, Sink sink,
                      PrintStream log) throws Exception {
        int n = contenders.size();
        List<List<Sample>> samples = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Contender c : contenders) {
            samples.add(new ArrayList<>());
            names.add(c.name());
        }
        List<String> problems = new ArrayList<>();
        List<Set<String>> tls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tls.add(new TreeSet<>());
        }
        long sequence = 1;
        for (int r = 0; r < warmups + rounds; r++) {
            boolean warm = r < warmups;
            StringBuilder line = new StringBuilder(warm ? "    warm-up " + (r + 1) + "/" + warmups + ":"
                    : "    round " + (r - warmups + 1) + "/" + rounds + ":");
            Sample[] inRound = new Sample[n];
            for (int k = 0; k < n; k++) {
                int i = (r + k) % n;
                Contender c = contenders.get(i);
                System.gc();
                SinkCounters before = sink.counters();
                Sample s;
                try {
                    s = c.round(ops[i], sequence);
                } catch (Exception e) {
                    throw new WorkloadFailure(c.name() + " failed in " + (warm ? "warm-up " : "round ") + (r + 1)
                            + ": " + e, e);
                }
                sequence += ops[i];
                SinkCounters after = sink.counters();
                Map<String, Long> had = before.handshakes();
                after.handshakes().forEach((key, v) -> {
                    if (v > had.getOrDefault(key, 0L)) {
                        tls.get(i).add(key);
                    }
                });
                if (before.messages() >= 0) {
                    long got = after.messages() - before.messages();
                    s = s.withSink(after.cpuNanos() - before.cpuNanos(), got, after.commands() - before.commands());
                    if (got != (long) ops[i] * messagesPerOp) {
                        problems.add(c.name() + " round " + (r + 1) + ": the sink counted " + got + " messages, "
                                + (long) ops[i] * messagesPerOp + " expected");
                    }
                }
                inRound[i] = s;
            }
            for (int i = 0; i < n; i++) {
                line.append("  ").append(names.get(i)).append(' ').append(Format.time(inRound[i].microsPerOp()));
                if (!warm) {
                    samples.get(i).add(inRound[i]);
                }
            }
            log.println(line);
        }
        return new Result(names, samples, problems, tls);
    }

    /** A contender failed: the workload is reported as failed with this message, the run goes on. */
    static final class WorkloadFailure extends IOException {
        private static final long serialVersionUID = 1L;

        WorkloadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
