package org.securemail.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of a small sample (one value per round): min, quartiles (linear interpolation between closest
 * ranks), median, max.
 *
 * @param n the number of values
 * @param min the smallest
 * @param q1 the lower quartile
 * @param median the median
 * @param q3 the upper quartile
 * @param max the largest
 */
record Stats(int n, double min, double q1, double median, double q3, double max) {
    static Stats of(double[] values) {
        if (values.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return new Stats(v.length, v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]);
    }

    static Stats of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The quantile of sorted values, interpolating linearly between closest ranks (R's type 7). */
    static double quantile(double[] sorted, double p) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    boolean isEmpty() {
        return n == 0;
    }
}
