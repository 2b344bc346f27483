package io.tally.benchmarks;

/**
 * The order of the variants in each round: a Williams design, in which over a full cycle of rounds every variant
 * runs once in each position and follows every other variant exactly once. Rotating one order instead keeps each
 * variant behind the same predecessor in every round, so that whatever a run leaves behind (a topic being deleted,
 * garbage in the broker) always lands on the same variant.
 */
final class RunOrder {
    private final int[][] rounds;

    RunOrder(int variants) {
        int[] first = new int[variants];
        for (int j = 1; j < variants; j++) {
            first[j] = j % 2 == 1 ? (j + 1) / 2 : variants - j / 2;
        }
        boolean odd = variants % 2 == 1; // an odd count needs each row mirrored as well to balance
        rounds = new int[odd ? 2 * variants : variants][];
        for (int i = 0; i < variants; i++) {
            int[] row = new int[variants];
            for (int j = 0; j < variants; j++) {
                row[j] = (first[j] + i) % variants;
            }
            rounds[i] = row;
            if (odd) {
                int[] mirrored = new int[variants];
                for (int j = 0; j < variants; j++) {
                    mirrored[j] = row[variants - 1 - j];
                }
                rounds[variants + i] = mirrored;
            }
        }
    }

    /** @return the number of rounds after which the design is balanced */
    int cycle() {
        return rounds.length;
    }

    /** @return the variant that runs {@code position}th in round {@code round} (both from 0) */
    int variant(int round, int position) {
        return rounds[round % rounds.length][position];
    }
}
