package io.tally.core;

import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.Map;
import java.util.Objects;

/**
 * The delta one agent observed for one (tier, topic, bucket) since its previous record for it.
 *
 * <p>The sketches belong to the record: do not change them after construction.
 *
 * @param agent       who observed it
 * @param seq         the agent's message sequence number
 * @param emittedAt   when the agent emitted this record, epoch ms
 * @param tier        the tier observed, for example {@code producer} or {@code consumer.billing}
 * @param topic       the audited topic
 * @param bucket      the event-time bucket the counted messages fall in
 * @param mode        how the agent decided a message counts
 * @param count       messages counted in the bucket
 * @param bytes       their serialized size (key + value), bytes
 * @param noTimestamp messages seen in this interval with no usable event time; not in {@code count}, not bucketed
 *                    by event time (the agent puts them in the bucket of its own clock)
 * @param skewed      messages with an event time beyond the agent's skew bound; not in {@code count}, bucketed by
 *                    the agent's clock like {@code noTimestamp}
 * @param failed      sends that failed (producer tiers); not in {@code count}
 * @param latency     observation time − event time of the counted messages, ms
 * @param digest      the audit ids of the counted messages that had one, or null when the digest is turned off
 * @param firstOffsets for an agent that knows the offsets of what it counts (the log tier): partition → lowest offset
 *                    among the counted messages; unmodifiable, sorted; empty otherwise
 * @param lastOffsets with {@code firstOffsets}: partition → highest offset among the counted messages
 */
public record AuditRecord(
        AgentIdentity agent,
        long seq,
        long emittedAt,
        String tier,
        String topic,
        Bucket bucket,
        CountingMode mode,
        long count,
        long bytes,
        long noTimestamp,
        long skewed,
        long failed,
        LatencySketch latency,
        IdDigest digest,
        Map<Integer, Long> firstOffsets,
        Map<Integer, Long> lastOffsets)
        implements AuditMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or a count is negative */
    public AuditRecord {
        Objects.requireNonNull(agent, "agent");
        Names.nonNegative("seq", seq);
        Names.tier(tier);
        Names.topic(topic);
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(mode, "mode");
        Names.nonNegative("count", count);
        Names.nonNegative("bytes", bytes);
        Names.nonNegative("noTimestamp", noTimestamp);
        Names.nonNegative("skewed", skewed);
        Names.nonNegative("failed", failed);
        Objects.requireNonNull(latency, "latency");
        firstOffsets = PartitionOffsets.copyOf(firstOffsets);
        lastOffsets = PartitionOffsets.copyOf(lastOffsets);
    }

    /**
     * @param agent  who observed it
     * @param tier   the tier observed
     * @param topic  the audited topic
     * @param bucket the event-time bucket the counted messages fall in
     * @param mode   how the agent decided a message counts
     * @return a builder of a record with seq and emittedAt 0, nothing counted (count, bytes, noTimestamp, skewed and
     *     failed 0), an empty latency sketch, no digest and no offsets; set only what differs
     */
    public static Builder builder(AgentIdentity agent, String tier, String topic, Bucket bucket, CountingMode mode) {
        return new Builder(agent, tier, topic, bucket, mode);
    }

    /** @return a builder holding every component of this record, to build one that differs in a few */
    public Builder toBuilder() {
        return new Builder(agent, tier, topic, bucket, mode)
                .seq(seq)
                .emittedAt(emittedAt)
                .count(count)
                .bytes(bytes)
                .noTimestamp(noTimestamp)
                .skewed(skewed)
                .failed(failed)
                .latency(latency)
                .digest(digest)
                .firstOffsets(firstOffsets)
                .lastOffsets(lastOffsets);
    }

    /**
     * Collects the components of an {@link AuditRecord}, each documented there; not thread-safe. A setter keeps the
     * sketch or map it is given as it is: {@link #build()} copies the maps and validates, as the canonical constructor
     * does, and the record then owns the sketches.
     */
    public static final class Builder {
        private final AgentIdentity agent;
        private final String tier;
        private final String topic;
        private final Bucket bucket;
        private final CountingMode mode;
        private long seq;
        private long emittedAt;
        private long count;
        private long bytes;
        private long noTimestamp;
        private long skewed;
        private long failed;
        private LatencySketch latency; // null: a new empty sketch at build
        private IdDigest digest;
        private Map<Integer, Long> firstOffsets = Map.of();
        private Map<Integer, Long> lastOffsets = Map.of();

        private Builder(AgentIdentity agent, String tier, String topic, Bucket bucket, CountingMode mode) {
            this.agent = agent;
            this.tier = tier;
            this.topic = topic;
            this.bucket = bucket;
            this.mode = mode;
        }

        /** The agent's message sequence number; default 0. */
        public Builder seq(long seq) {
            this.seq = seq;
            return this;
        }

        /** When the agent emitted the record, epoch ms; default 0. */
        public Builder emittedAt(long emittedAt) {
            this.emittedAt = emittedAt;
            return this;
        }

        /** Messages counted in the bucket; default 0. */
        public Builder count(long count) {
            this.count = count;
            return this;
        }

        /** The counted messages' serialized size (key + value), bytes; default 0. */
        public Builder bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        /** Messages seen with no usable event time; default 0. */
        public Builder noTimestamp(long noTimestamp) {
            this.noTimestamp = noTimestamp;
            return this;
        }

        /** Messages with an event time beyond the agent's skew bound; default 0. */
        public Builder skewed(long skewed) {
            this.skewed = skewed;
            return this;
        }

        /** Sends that failed (producer tiers); default 0. */
        public Builder failed(long failed) {
            this.failed = failed;
            return this;
        }

        /**
         * Observation time − event time of the counted messages, ms; default a new empty sketch.
         *
         * @throws NullPointerException if {@code latency} is null
         */
        public Builder latency(LatencySketch latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** The audit ids of the counted messages that had one; default {@code null}: the digest is turned off. */
        public Builder digest(IdDigest digest) {
            this.digest = digest;
            return this;
        }

        /** Partition → lowest offset among the counted messages; default none: the agent does not know offsets. */
        public Builder firstOffsets(Map<Integer, Long> firstOffsets) {
            this.firstOffsets = firstOffsets;
            return this;
        }

        /** Partition → highest offset among the counted messages; default none. */
        public Builder lastOffsets(Map<Integer, Long> lastOffsets) {
            this.lastOffsets = lastOffsets;
            return this;
        }

        /**
         * @return the record
         * @throws IllegalArgumentException as the canonical constructor does
         * @throws NullPointerException if {@code agent}, {@code bucket}, {@code mode} or an offsets map is null
         */
        public AuditRecord build() {
            return new AuditRecord(
                    agent,
                    seq,
                    emittedAt,
                    tier,
                    topic,
                    bucket,
                    mode,
                    count,
                    bytes,
                    noTimestamp,
                    skewed,
                    failed,
                    latency != null ? latency : new LatencySketch(),
                    digest,
                    firstOffsets,
                    lastOffsets);
        }
    }
}
