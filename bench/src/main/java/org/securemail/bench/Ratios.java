package org.securemail.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Per-round ratios between two contenders of the same round, and their statistics. */
final class Ratios {
    private Ratios() {
    }

    /**
     * For each round, {@code metric(a) / metric(b)}.
     *
     * @param a the numerator's rounds
     * @param b the denominator's rounds
     * @param metric what to compare (time per operation, CPU per operation)
     * @return the statistics of the per-round ratios
     */
    static Stats perRound(List<Sample> a, List<Sample> b, ToDoubleFunction<Sample> metric) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            double x = metric.applyAsDouble(a.get(i));
            double y = metric.applyAsDouble(b.get(i));
            if (x >= 0 && y > 0) {
                r.add(x / y);
            }
        }
        return Stats.of(r);
    }

    static Stats time(List<Sample> a, List<Sample> b) {
        return perRound(a, b, Sample::microsPerOp);
    }

    static Stats threadCpu(List<Sample> a, List<Sample> b) {
        return perRound(a, b, s -> s.threadCpuNanos() < 0 ? -1 : s.threadCpuNanos() / (double) s.ops());
    }

    static Stats processCpu(List<Sample> a, List<Sample> b) {
        return perRound(a, b, s -> s.processCpuNanos() < 0 ? -1 : s.processCpuNanos() / (double) s.ops());
    }

    /** {@code 1.39× (Q1 1.30×, Q3 1.45×, 10 rounds)}. */
    static String describe(Stats s) {
        if (s.isEmpty()) {
            return "–";
        }
        return Format.ratio(s.median()) + " (Q1 " + Format.ratio(s.q1()) + ", Q3 " + Format.ratio(s.q3()) + ", "
                + s.n() + (s.n() == 1 ? " round)" : " rounds)");
    }
}
