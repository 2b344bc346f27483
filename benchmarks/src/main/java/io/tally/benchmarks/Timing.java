package io.tally.benchmarks;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Median-of-rounds timing after a warm-up of at least half a second; a round repeats the action until it has
 * run for 50 ms. Results are consumed so the JIT cannot drop the work.
 */
final class Timing {
    static long sink;

    private Timing() {}

    /** @return median nanoseconds per operation of {@code action}, which performs {@code opsPerCall} operations */
    static double nanosPerOp(int opsPerCall, LongSupplier action) {
        long warmUntil = System.nanoTime() + 500_000_000L;
        int callsPerRound = 0;
        while (System.nanoTime() < warmUntil) {
            sink += action.getAsLong();
            callsPerRound++;
        }
        callsPerRound = Math.max(1, callsPerRound / 10);
        double[] rounds = new double[9];
        for (int i = 0; i < rounds.length; i++) {
            long start = System.nanoTime();
            for (int c = 0; c < callsPerRound; c++) {
                sink += action.getAsLong();
            }
            rounds[i] = (System.nanoTime() - start) / ((double) opsPerCall * callsPerRound);
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }
}
