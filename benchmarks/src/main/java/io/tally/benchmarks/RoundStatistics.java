package io.tally.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Summaries of per-round figures: the median, and a percentile-bootstrap interval for it, so that a report says how
 * far the noise of a shared machine leaves a median from the truth, not just where it fell.
 */
final class RoundStatistics {
    private static final int RESAMPLES = 10_000;

    private RoundStatistics() {}

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * @return the central {@code confidence} share of the medians of {@value #RESAMPLES} resamples (rounds drawn
     * with replacement, fixed seed so that a report can be reproduced from its rounds): {low, high}
     */
    static double[] medianInterval(double[] values, double confidence) {
        if (values.length < 2) {
            return new double[] {values[0], values[0]};
        }
        SplittableRandom random = new SplittableRandom(42);
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[values.length];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = values[random.nextInt(values.length)];
            }
            medians[r] = median(sample);
        }
        Arrays.sort(medians);
        double tail = (1 - confidence) / 2;
        return new double[] {
            medians[(int) Math.floor(tail * (RESAMPLES - 1))], medians[(int) Math.ceil((1 - tail) * (RESAMPLES - 1))]
        };
    }
}
