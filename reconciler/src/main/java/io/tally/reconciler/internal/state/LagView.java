package io.tally.reconciler.internal.state;

import java.util.Map;
import java.util.Set;

/**
 * What the reconciler knows from the cluster: whether a consumer-group tier has consumed a topic to its log end,
 * and whether a topic is written in transactions.
 */
@FunctionalInterface
public interface LagView {
    /** Knows nothing: every tier is judged by its heartbeats. */
    LagView NONE = (tier, topic) -> null;

    /** @return true or false for a consumer-group tier whose lag on {@code topic} is known, else null */
    Boolean caughtUp(String tier, String topic);

    /**
     * @return whether the brokers said that {@code topic} is written in transactions: its {@code read_committed}
     *     readers are then judged against {@code log.committed}, which the log tier counts for it by itself
     */
    default boolean transactional(String topic) {
        return false;
    }

    /**
     * @return the partitions of {@code topic} that hold records and that the log tier {@code tier} (which reads
     *     every partition from its earliest offset) has not started reading yet: until it has, its watermark on the
     *     topic covers only the partitions it reads, and says nothing of these. Empty when none, or unknown
     */
    default Set<Integer> unreadPartitions(String tier, String topic) {
        return Set.of();
    }

    /**
     * @return partition → the committed offset of the consumer group of {@code tier} on {@code topic}, as last asked,
     *     for every partition it has committed; null when not known (not a group's tier, no commit on the topic, the
     *     question failed)
     */
    default Map<Integer, Long> committedOffsets(String tier, String topic) {
        return null;
    }

    /** @return how long the consumer group of {@code tier} has committed nothing new on {@code topic}; 0 if unknown */
    default long commitsUnchangedMs(String tier, String topic) {
        return 0;
    }

    /**
     * @return partition → the earliest offset still in the log of {@code topic}, for the partitions where a consumer
     *     group is behind the end, as last asked: below it, records are gone (retention) and no group will read them;
     *     empty when unknown
     */
    default Map<Integer, Long> logStartOffsets(String topic) {
        return Map.of();
    }

    /**
     * @return whether the consumer group of {@code tier} has, as last asked, no committed offset on {@code topic} (the
     *     group was deleted, or its offsets expired, or it never committed); false when unknown
     */
    default boolean withoutOffsets(String tier, String topic) {
        return false;
    }
}
