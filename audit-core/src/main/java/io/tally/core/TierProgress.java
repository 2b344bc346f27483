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
 * @param transactional   for a producer tier: whether any of its agents that wrote the topic (over the agents known
 *                        for the retention) writes in transactions: the topic's {@code read_committed} tiers are then
 *                        compared with {@code log.committed}
 * @param misconfigured   why the aggregator refused the counts of an agent of the tier (a bucket size other than the
 *                        deployment's; over the agents known for the retention), naming the setting: the tier is
 *                        shown as misconfigured in the buckets up to {@code misconfiguredUpTo}, never as losing what
 *                        its counts would have said; empty when it refused none
 * @param misconfiguredUpTo the highest watermark an agent whose counts were refused reached: every bucket it counted
 *                        in starts at or before it; {@link Long#MIN_VALUE} when none
 * @param stateSince      when the aggregator's state of the (topic, tier) began, as on its aggregates
 *                        ({@link TierAggregate#stateSince()}); {@link TierAggregate#UNKNOWN_STATE} when not said
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
        long waiting,
        boolean transactional,
        String misconfigured,
        long misconfiguredUpTo,
        long stateSince)
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
        Objects.requireNonNull(misconfigured, "misconfigured");
    }

    /**
     * @param tier  the tier
     * @param topic the audited topic
     * @return a builder of progress with watermark, last heartbeat, live agents and update time 0, nothing dropped,
     *     no start offsets, not read_committed, nothing waiting, not transactional, nothing refused and
     *     {@link TierAggregate#UNKNOWN_STATE}; set only what differs
     */
    public static Builder builder(String tier, String topic) {
        return new Builder(tier, topic);
    }

    /** @return a builder holding every component of this progress, to build progress that differs in a few */
    public Builder toBuilder() {
        return new Builder(tier, topic)
                .watermark(watermark)
                .lastHeartbeatAt(lastHeartbeatAt)
                .liveAgents(liveAgents)
                .updatedAt(updatedAt)
                .dropped(dropped)
                .startOffsets(startOffsets)
                .readCommitted(readCommitted)
                .waiting(waiting)
                .transactional(transactional)
                .misconfigured(misconfigured, misconfiguredUpTo)
                .stateSince(stateSince);
    }

    /** @return messages the tier's agents dropped in the bucket starting at {@code bucketStart} */
    public long droppedIn(long bucketStart) {
        return dropped.getOrDefault(bucketStart, 0L);
    }

    /**
     * Collects the components of a {@link TierProgress}, each documented there; not thread-safe. A setter keeps the
     * map it is given as it is: {@link #build()} copies and validates, as the canonical constructor does.
     */
    public static final class Builder {
        private final String tier;
        private final String topic;
        private long watermark;
        private long lastHeartbeatAt;
        private int liveAgents;
        private long updatedAt;
        private Map<Long, Long> dropped = Map.of();
        private Map<Integer, Long> startOffsets = Map.of();
        private boolean readCommitted;
        private long waiting;
        private boolean transactional;
        private String misconfigured = "";
        private long misconfiguredUpTo = Long.MIN_VALUE;
        private long stateSince = TierAggregate.UNKNOWN_STATE;

        private Builder(String tier, String topic) {
            this.tier = tier;
            this.topic = topic;
        }

        /** The lowest watermark among the tier's live agents for the topic, epoch ms; default 0. */
        public Builder watermark(long watermark) {
            this.watermark = watermark;
            return this;
        }

        /** The last time any agent of the tier reported, epoch ms; default 0. */
        public Builder lastHeartbeatAt(long lastHeartbeatAt) {
            this.lastHeartbeatAt = lastHeartbeatAt;
            return this;
        }

        /** Agents of the tier that have reported and not closed; default 0. */
        public Builder liveAgents(int liveAgents) {
            this.liveAgents = liveAgents;
            return this;
        }

        /** When this progress was computed, epoch ms; default 0. */
        public Builder updatedAt(long updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Bucket start → messages of the topic the tier's agents could not count there; default none. */
        public Builder dropped(Map<Long, Long> dropped) {
            this.dropped = dropped;
            return this;
        }

        /** Partition → the lowest offset any of the tier's agents started reading at; default none. */
        public Builder startOffsets(Map<Integer, Long> startOffsets) {
            this.startOffsets = startOffsets;
            return this;
        }

        /** Whether the tier's agents read with {@code isolation.level=read_committed}; default false. */
        public Builder readCommitted(boolean readCommitted) {
            this.readCommitted = readCommitted;
            return this;
        }

        /** Records the tier's live agents have read and wait to count, summed over them; default 0. */
        public Builder waiting(long waiting) {
            this.waiting = waiting;
            return this;
        }

        /** Whether an agent of the tier that wrote the topic writes in transactions; default false. */
        public Builder transactional(boolean transactional) {
            this.transactional = transactional;
            return this;
        }

        /**
         * Why the aggregator refused an agent's counts, and the highest watermark such an agent reached; default
         * empty and {@link Long#MIN_VALUE}: it refused none.
         */
        public Builder misconfigured(String misconfigured, long upTo) {
            this.misconfigured = misconfigured;
            this.misconfiguredUpTo = upTo;
            return this;
        }

        /** When the aggregator's state of the (topic, tier) began, epoch ms; default unknown. */
        public Builder stateSince(long stateSince) {
            this.stateSince = stateSince;
            return this;
        }

        /**
         * @return the progress
         * @throws IllegalArgumentException as the canonical constructor does
         * @throws NullPointerException if a map is null
         */
        public TierProgress build() {
            return new TierProgress(
                    tier,
                    topic,
                    watermark,
                    lastHeartbeatAt,
                    liveAgents,
                    updatedAt,
                    dropped,
                    startOffsets,
                    readCommitted,
                    waiting,
                    transactional,
                    misconfigured,
                    misconfiguredUpTo,
                    stateSince);
        }
    }
}
