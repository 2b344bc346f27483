package io.tally.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How far one tier has got on one topic, as the aggregator learned it from heartbeats and records: the reconciler
 * judges a bucket only once the downstream tier's watermark is past it.
 *
 * @param tier            the tier
 * @param topic           the audited topic
 * @param watermark       the lowest watermark among the tier's live agents for the topic, epoch ms
 * @param lastHeartbeatAt the last time any agent of the tier reported, epoch ms
 * @param liveAgents      agents of the tier that have reported and not closed
 * @param updatedAt       when this progress was computed, epoch ms
 * @param dropped         bucket start → messages of this topic that the tier's agents could not count in that
 *                        bucket (their buffer full, a bucket bound reached), summed over the agents, for recent
 *                        buckets; unmodifiable, sorted; empty when none were
 * @param startOffsets    for a tier whose agents read partitions (consumers): partition → the lowest offset any of its
 *                        agents started reading at, over the agents known for the retention; a bucket with a record
 *                        below it was not observed by the tier; unmodifiable, sorted; empty otherwise
 * @param readCommitted   whether the tier's agents read with {@code isolation.level=read_committed} (any of them,
 *                        over the agents known for the retention): such a tier is compared with
 *                        {@code log.committed} where that tier counts the topic
 * @param waiting         records the tier's live agents have read and wait to count (for a commit, or to learn of a
 *                        transaction's), summed over them, as their latest heartbeats say: while any wait, the tier
 *                        is not at the end of what it processed, whatever its group's committed offsets say
 */
public record TierProgress(
        String tier,
        String topic,
        long watermark,
        long lastHeartbeatAt,
        int liveAgents,
        long updatedAt,
        Map<Long, Long> dropped,
        Map<Integer, Long> startOffsets,
        boolean readCommitted,
        long waiting)
        implements WireMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or liveAgents or a dropped count is negative */
    public TierProgress {
        Names.tier(tier);
        Names.topic(topic);
        Names.nonNegative("liveAgents", liveAgents);
        TreeMap<Long, Long> copy = new TreeMap<>();
        dropped.forEach((bucket, n) -> copy.put(Objects.requireNonNull(bucket), Names.nonNegative("dropped", n)));
        dropped = Collections.unmodifiableMap(copy);
        startOffsets = PartitionOffsets.copyOf(startOffsets);
        Names.nonNegative("waiting", waiting);
    }

    /** Progress of a tier with no records waiting to be counted. */
    public TierProgress(
            String tier,
            String topic,
            long watermark,
            long lastHeartbeatAt,
            int liveAgents,
            long updatedAt,
            Map<Long, Long> dropped,
            Map<Integer, Long> startOffsets,
            boolean readCommitted) {
        this(tier, topic, watermark, lastHeartbeatAt, liveAgents, updatedAt, dropped, startOffsets, readCommitted, 0);
    }

    /** Progress of a tier that reads uncommitted records, or that reads nothing. */
    public TierProgress(
            String tier,
            String topic,
            long watermark,
            long lastHeartbeatAt,
            int liveAgents,
            long updatedAt,
            Map<Long, Long> dropped,
            Map<Integer, Long> startOffsets) {
        this(tier, topic, watermark, lastHeartbeatAt, liveAgents, updatedAt, dropped, startOffsets, false);
    }

    /** Progress of a tier that reports no start offsets. */
    public TierProgress(
            String tier,
            String topic,
            long watermark,
            long lastHeartbeatAt,
            int liveAgents,
            long updatedAt,
            Map<Long, Long> dropped) {
        this(tier, topic, watermark, lastHeartbeatAt, liveAgents, updatedAt, dropped, Map.of(), false);
    }

    /** Progress of a tier none of whose agents dropped counts. */
    public TierProgress(
            String tier, String topic, long watermark, long lastHeartbeatAt, int liveAgents, long updatedAt) {
        this(tier, topic, watermark, lastHeartbeatAt, liveAgents, updatedAt, Map.of(), Map.of(), false);
    }

    /** @return messages the tier's agents dropped in the bucket starting at {@code bucketStart} */
    public long droppedIn(long bucketStart) {
        return dropped.getOrDefault(bucketStart, 0L);
    }
}
