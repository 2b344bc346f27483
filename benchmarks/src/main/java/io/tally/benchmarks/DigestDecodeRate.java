package io.tally.benchmarks;

import io.tally.core.sketch.IdDigest;
import java.util.SplittableRandom;

/**
 * How often a difference of d ids peels completely, for 64, 128 and 256 cells, over thousands of random trials
 * each (half lost, half duplicated ids); plus the encoded size of a full digest and the cost of one add.
 * Prints one table; see BENCHMARKS.md.
 */
public final class DigestDecodeRate {
    private DigestDecodeRate() {}

    public static void main(String[] args) {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int[] sizes = {64, 128, 256};
        int[] differences = {1, 4, 8, 16, 24, 32, 40, 48, 64, 80, 96, 128};
        System.out.printf("decode success over %d trials per cell (differences: random ids, +1 or -1)%n", trials);
        System.out.printf("%6s", "diffs");
        for (int cells : sizes) {
            System.out.printf(" %10s", cells + " cells");
        }
        System.out.println();
        SplittableRandom random = new SplittableRandom(2026);
        for (int d : differences) {
            System.out.printf("%6d", d);
            for (int cells : sizes) {
                int complete = 0;
                for (int t = 0; t < trials; t++) {
                    IdDigest diff = new IdDigest(cells);
                    for (int i = 0; i < d; i++) {
                        diff.add(random.nextLong(), random.nextBoolean() ? 1 : -1);
                    }
                    if (diff.peel().complete()) {
                        complete++;
                    }
                }
                System.out.printf(" %9.2f%%", 100.0 * complete / trials);
            }
            System.out.println();
        }
        for (int cells : sizes) {
            IdDigest full = new IdDigest(cells);
            for (int i = 0; i < 10_000; i++) {
                full.add(random.nextLong());
            }
            IdDigest one = new IdDigest(cells);
            one.add(1);
            System.out.printf(
                    "%d cells: %d bytes full, %d bytes with one id%n",
                    cells, full.toBytes().length, one.toBytes().length);
        }
        long[] ids = random.longs(100_000).toArray();
        IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
        double add = Timing.nanosPerOp(ids.length, () -> {
            for (long id : ids) {
                digest.add(id);
            }
            return digest.totalCount();
        });
        System.out.printf("add: %.1f ns per id%n", add);
    }
}
