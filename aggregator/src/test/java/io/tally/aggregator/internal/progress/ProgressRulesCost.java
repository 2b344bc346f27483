package io.tally.aggregator.internal.progress;

import io.tally.core.AgentIdentity;
import io.tally.core.Heartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What per-partition watermarks cost: the progress of every (topic, tier) of 10,000 topics × 4 tiers, 12 partitions
 * each, read by 6 agents per tier (2 partitions each) — once per emission of each key, as the per-(topic, tier)
 * operator computes it. Baseline in the same run: the same agents reporting whole topics only. Prints; asserts
 * nothing. Run: {@code java -cp <test classpath> io.tally.aggregator.internal.progress.ProgressRulesCost}.
 */
public final class ProgressRulesCost {
    private static final int TOPICS = 10_000;
    private static final int TIERS = 4;
    private static final int PARTITIONS = 12;
    private static final int AGENTS = 6;
    private static final long NOW = 1_800_000_000_000L;

    private ProgressRulesCost() {}

    public static void main(String[] args) {
        List<List<Heartbeat>> partitioned = marks(true);
        List<List<Heartbeat>> whole = marks(false);
        for (int round = 0; round < 5; round++) {
            long wholeNs = pass(whole);
            long partitionNs = pass(partitioned);
            System.out.printf(
                    "round %d: %,d (topic, tier) progress computations: per partition %,d ms (%,d ns each), "
                            + "whole topics %,d ms (%,d ns each), ratio %.2f%n",
                    round,
                    whole.size(),
                    partitionNs / 1_000_000,
                    partitionNs / whole.size(),
                    wholeNs / 1_000_000,
                    wholeNs / whole.size(),
                    (double) partitionNs / wholeNs);
        }
    }

    private static long pass(List<List<Heartbeat>> keys) {
        long start = System.nanoTime();
        long sink = 0;
        for (List<Heartbeat> marks : keys) {
            sink += ProgressRules.compute("consumer.g", marks, NOW, 30_000)
                    .get(0)
                    .watermark();
        }
        long ns = System.nanoTime() - start;
        if (sink == 42) {
            System.out.println();
        }
        return ns;
    }

    /** @return per (topic, tier), the latest mark of each of its agents */
    private static List<List<Heartbeat>> marks(boolean perPartition) {
        List<List<Heartbeat>> keys = new ArrayList<>();
        for (int t = 0; t < TOPICS; t++) {
            String topic = "topic-" + t;
            for (int tier = 0; tier < TIERS; tier++) {
                List<Heartbeat> marks = new ArrayList<>();
                for (int a = 0; a < AGENTS; a++) {
                    Map<Integer, Long> held = new TreeMap<>();
                    for (int p = a; p < PARTITIONS; p += AGENTS) {
                        held.put(p, NOW - 1_000 * p);
                    }
                    marks.add(Heartbeat.builder(new AgentIdentity("agent-" + tier + "-" + a, "h"), "tier-" + tier)
                            .seq(1)
                            .emittedAt(NOW - 500)
                            .watermarks(Map.of(topic, NOW - 1_000))
                            .partitions(perPartition ? Map.of(topic, held) : null)
                            .build());
                }
                keys.add(marks);
            }
        }
        return keys;
    }
}
