package io.tally.agent.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What an agent could not count: in total, and per topic and bucket where it knows them, for its heartbeats — so
 * that the reconciler can tell a difference these explain (AUDIT_GAP) from a loss. Keeps the {@value #MAX_BUCKETS}
 * most recent buckets. Thread-safe; only the total is on a path that runs per message, and only when a bound is
 * reached.
 */
final class Drops {
    static final int MAX_BUCKETS = 1_000;

    private final LongAdder total = new LongAdder();
    private final TreeMap<String, TreeMap<Long, Long>> byBucket = new TreeMap<>();
    private int buckets;

    /** Counts {@code messages} dropped from {@code topic}'s bucket starting at {@code bucketStart}. */
    void add(String topic, long bucketStart, long messages) {
        total.add(messages);
        synchronized (byBucket) {
            TreeMap<Long, Long> topicBuckets = byBucket.computeIfAbsent(topic, t -> new TreeMap<>());
            if (topicBuckets.merge(bucketStart, messages, Long::sum) == messages) {
                buckets++;
                if (buckets > MAX_BUCKETS) {
                    evictOldest();
                }
            }
        }
    }

    long total() {
        return total.sum();
    }

    /** @return topic → bucket start → messages dropped there, cumulative */
    Map<String, Map<Long, Long>> byBucket() {
        synchronized (byBucket) {
            Map<String, Map<Long, Long>> copy = new TreeMap<>();
            byBucket.forEach((topic, b) -> copy.put(topic, new TreeMap<>(b)));
            return copy;
        }
    }

    /** @return the bucket a message of event time {@code eventTime} seen at {@code now} would have counted in */
    static long bucketOf(AgentCountingRules rules, long eventTime, long now) {
        return rules.tiers.bucketOf(eventTime, now);
    }

    private void evictOldest() {
        String oldestTopic = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, TreeMap<Long, Long>> e : byBucket.entrySet()) {
            long first = e.getValue().firstKey();
            if (first < oldest) {
                oldest = first;
                oldestTopic = e.getKey();
            }
        }
        TreeMap<Long, Long> topicBuckets = byBucket.get(oldestTopic);
        topicBuckets.remove(oldest);
        if (topicBuckets.isEmpty()) {
            byBucket.remove(oldestTopic);
        }
        buckets--;
    }
}
