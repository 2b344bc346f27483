package io.tally.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An agent's liveness and progress, sent when it is idle and with every flush: per topic, the highest event time
 * it has seen and passed on, and, for an agent that reads partitions (a consumer, the log tier), the same per
 * partition it is reading now. A {@code closed} heartbeat is the last message of an agent that shut down cleanly,
 * so that the reconciler can tell a finished agent from a dead one.
 *
 * @param agent      who sends it
 * @param seq        the agent's message sequence number
 * @param emittedAt  when it was sent, epoch ms
 * @param tier       the tier the agent reports as
 * @param watermarks topic → highest event time passed, epoch ms; unmodifiable, sorted by topic
 * @param partitions for an agent that reports per partition: topic → partition → highest event time passed there,
 *                   for the partitions it is reading now (a partition revoked from it, or idle, is left out; one it
 *                   reads but has passed nothing of yet maps to {@link EventTimes#NONE}; a topic none of whose
 *                   partitions it reads now is absent); unmodifiable, sorted.
 *                   {@code null} for an agent that does not (a producer): its {@code watermarks} stand for whole
 *                   topics
 * @param closed     whether this is the agent's final message
 * @param dropped    messages the agent could not count since it started (bounds reached, audit topic
 *                   unreachable), cumulative
 * @param droppedByBucket the same where the agent knows their topic and bucket: topic → bucket start → messages,
 *                   cumulative, for its most recent buckets; unmodifiable, sorted; empty when it dropped nothing
 * @param startOffsets for an agent that reads partitions: topic → partition → the offset it started reading the
 *                   partition at (or the lowest it went back to), for every partition it has read since it
 *                   started, read now or not; unmodifiable, sorted; empty otherwise
 * @param readCommitted whether the agent's client reads with {@code isolation.level=read_committed} (records of
 *                   aborted transactions never reach it), so that its tier is compared with {@code log.committed}
 * @param waiting    for a consumer agent: topic → records it has read that wait to be counted (for their commit, or
 *                   for the agent to learn of a transaction's), when it sent this; unmodifiable, sorted; topics with
 *                   none are absent. Its watermarks do not cover them yet: while some wait, the tier is not at the end
 *                   of what it processed, whatever its group's committed offsets say; and an agent that dies can
 *                   leave them uncounted
 * @param transactional for a producer agent: whether its producer writes in transactions ({@code transactional.id}
 *                   set), so that the topics it writes are counted and judged as {@code log.committed} for their
 *                   {@code read_committed} readers from its first record, without waiting for the brokers to be asked
 * @param refused    set by the aggregator, never sent by an agent: why it refuses the agent's counts (a bucket size
 *                   other than the deployment's), so that its tier is shown as misconfigured instead of as losing
 *                   what it counted; empty when it refuses none
 */
public record Heartbeat(
        AgentIdentity agent,
        long seq,
        long emittedAt,
        String tier,
        Map<String, Long> watermarks,
        Map<String, Map<Integer, Long>> partitions,
        boolean closed,
        long dropped,
        Map<String, Map<Long, Long>> droppedByBucket,
        Map<String, Map<Integer, Long>> startOffsets,
        boolean readCommitted,
        Map<String, Long> waiting,
        boolean transactional,
        String refused)
        implements AuditMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or seq, dropped or a partition is negative */
    public Heartbeat {
        Objects.requireNonNull(agent, "agent");
        Names.nonNegative("seq", seq);
        Names.tier(tier);
        Names.nonNegative("dropped", dropped);
        TreeMap<String, Long> copy = new TreeMap<>();
        watermarks.forEach((topic, watermark) -> copy.put(Names.topic(topic), Objects.requireNonNull(watermark)));
        watermarks = Collections.unmodifiableMap(copy);
        if (partitions != null) {
            TreeMap<String, Map<Integer, Long>> byTopic = new TreeMap<>();
            partitions.forEach((topic, marks) -> {
                TreeMap<Integer, Long> p = new TreeMap<>();
                marks.forEach((partition, mark) ->
                        p.put((int) Names.nonNegative("partition", partition), Objects.requireNonNull(mark)));
                if (!p.isEmpty()) { // a topic none of whose partitions is read now is simply absent
                    byTopic.put(Names.topic(topic), Collections.unmodifiableMap(p));
                }
            });
            partitions = Collections.unmodifiableMap(byTopic);
        }
        TreeMap<String, Map<Long, Long>> droppedCopy = new TreeMap<>();
        droppedByBucket.forEach((topic, buckets) -> {
            TreeMap<Long, Long> b = new TreeMap<>();
            buckets.forEach((bucket, n) -> b.put(Objects.requireNonNull(bucket), Names.nonNegative("dropped", n)));
            if (!b.isEmpty()) {
                droppedCopy.put(Names.topic(topic), Collections.unmodifiableMap(b));
            }
        });
        droppedByBucket = Collections.unmodifiableMap(droppedCopy);
        TreeMap<String, Map<Integer, Long>> starts = new TreeMap<>();
        startOffsets.forEach((topic, offsets) -> {
            if (!offsets.isEmpty()) {
                starts.put(Names.topic(topic), PartitionOffsets.copyOf(offsets));
            }
        });
        startOffsets = Collections.unmodifiableMap(starts);
        TreeMap<String, Long> waitingCopy = new TreeMap<>();
        waiting.forEach((topic, n) -> {
            if (Names.nonNegative("waiting", n) > 0) {
                waitingCopy.put(Names.topic(topic), n);
            }
        });
        waiting = Collections.unmodifiableMap(waitingCopy);
        Objects.requireNonNull(refused, "refused");
    }

    /**
     * @param agent who sends it
     * @param tier  the tier the agent reports as
     * @return a builder of a heartbeat with seq and emittedAt 0, no watermarks, {@code partitions} {@code null} (an
     *     agent that does not report per partition), not closed, nothing dropped, no start offsets, not
     *     read_committed, nothing waiting, not transactional, nothing refused; set only what differs
     */
    public static Builder builder(AgentIdentity agent, String tier) {
        return new Builder(agent, tier);
    }

    /** @return a builder holding every component of this heartbeat, to build one that differs in a few */
    public Builder toBuilder() {
        return new Builder(agent, tier)
                .seq(seq)
                .emittedAt(emittedAt)
                .watermarks(watermarks)
                .partitions(partitions)
                .closed(closed)
                .dropped(dropped)
                .droppedByBucket(droppedByBucket)
                .startOffsets(startOffsets)
                .readCommitted(readCommitted)
                .waiting(waiting)
                .transactional(transactional)
                .refused(refused);
    }

    /** @return this heartbeat with {@code waiting} as the records waiting to be counted, by topic */
    public Heartbeat withWaiting(Map<String, Long> waiting) {
        return toBuilder().waiting(waiting).build();
    }

    /** @return records waiting to be counted on {@code topic} when this was sent */
    public long waitingOn(String topic) {
        return waiting.getOrDefault(topic, 0L);
    }

    /** @return the number of (topic, partition) watermarks it carries */
    public int partitionCount() {
        if (partitions == null) {
            return 0;
        }
        int n = 0;
        for (Map<Integer, Long> p : partitions.values()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Collects the components of a {@link Heartbeat}, each documented there; not thread-safe. A setter keeps the map
     * it is given as it is: {@link #build()} copies and validates, as the canonical constructor does.
     */
    public static final class Builder {
        private final AgentIdentity agent;
        private final String tier;
        private long seq;
        private long emittedAt;
        private Map<String, Long> watermarks = Map.of();
        private Map<String, Map<Integer, Long>> partitions;
        private boolean closed;
        private long dropped;
        private Map<String, Map<Long, Long>> droppedByBucket = Map.of();
        private Map<String, Map<Integer, Long>> startOffsets = Map.of();
        private boolean readCommitted;
        private Map<String, Long> waiting = Map.of();
        private boolean transactional;
        private String refused = "";

        private Builder(AgentIdentity agent, String tier) {
            this.agent = agent;
            this.tier = tier;
        }

        /** The agent's message sequence number; default 0. */
        public Builder seq(long seq) {
            this.seq = seq;
            return this;
        }

        /** When it is sent, epoch ms; default 0. */
        public Builder emittedAt(long emittedAt) {
            this.emittedAt = emittedAt;
            return this;
        }

        /** Topic → highest event time passed, epoch ms; default none. */
        public Builder watermarks(Map<String, Long> watermarks) {
            this.watermarks = watermarks;
            return this;
        }

        /**
         * Topic → partition → highest event time passed there, for an agent that reports per partition (a consumer,
         * the log tier); an empty map is such an agent reading no partition now. Default {@code null}: an agent that
         * does not report per partition (a producer), whose {@code watermarks} stand for whole topics.
         */
        public Builder partitions(Map<String, Map<Integer, Long>> partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Whether this is the agent's final message; default false. */
        public Builder closed(boolean closed) {
            this.closed = closed;
            return this;
        }

        /** Messages the agent could not count since it started, cumulative; default 0. */
        public Builder dropped(long dropped) {
            this.dropped = dropped;
            return this;
        }

        /** Topic → bucket start → messages the agent could not count there, cumulative; default none. */
        public Builder droppedByBucket(Map<String, Map<Long, Long>> droppedByBucket) {
            this.droppedByBucket = droppedByBucket;
            return this;
        }

        /** Topic → partition → the offset the agent started reading the partition at; default none. */
        public Builder startOffsets(Map<String, Map<Integer, Long>> startOffsets) {
            this.startOffsets = startOffsets;
            return this;
        }

        /** Whether the agent's client reads with {@code isolation.level=read_committed}; default false. */
        public Builder readCommitted(boolean readCommitted) {
            this.readCommitted = readCommitted;
            return this;
        }

        /** Topic → records the agent has read that wait to be counted; default none. */
        public Builder waiting(Map<String, Long> waiting) {
            this.waiting = waiting;
            return this;
        }

        /** Whether the agent's producer writes in transactions; default false. */
        public Builder transactional(boolean transactional) {
            this.transactional = transactional;
            return this;
        }

        /** Why the aggregator refuses the agent's counts; default empty: it refuses none. */
        public Builder refused(String refused) {
            this.refused = refused;
            return this;
        }

        /**
         * @return the heartbeat
         * @throws IllegalArgumentException as the canonical constructor does
         * @throws NullPointerException if {@code agent}, or a map other than {@code partitions}, is null
         */
        public Heartbeat build() {
            return new Heartbeat(
                    agent,
                    seq,
                    emittedAt,
                    tier,
                    watermarks,
                    partitions,
                    closed,
                    dropped,
                    droppedByBucket,
                    startOffsets,
                    readCommitted,
                    waiting,
                    transactional,
                    refused);
        }
    }
}
