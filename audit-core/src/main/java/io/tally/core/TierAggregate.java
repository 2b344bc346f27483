package io.tally.core;

import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.Map;
import java.util.Objects;

/**
 * The cumulative sum of every audit record of one (topic, tier, bucket): what the aggregator publishes, as an
 * upsert, on {@code tally.aggregates}. Because it is cumulative, a replay overwrites it instead of adding to it.
 *
 * <p>The digest covers the counted messages that carried an audit id: {@code digest.totalCount()} equals
 * {@code count} when all did. It is null as soon as one merged record came without a digest (an agent with the
 * digest turned off) or with a digest of another size: a digest that covers only some agents would name ids as
 * lost that were not, so the tier then has no digest for the bucket and only its counts are compared.
 *
 * <p>The sketches belong to the aggregate: do not change them after construction; {@link #plus} copies.
 *
 * @param topic       the audited topic
 * @param tier        the tier
 * @param bucket      the event-time bucket
 * @param count       messages counted
 * @param bytes       their bytes
 * @param noTimestamp messages without a usable event time (bucketed by observation time)
 * @param skewed      messages with an event time beyond the skew bound (bucketed by observation time)
 * @param failed      failed sends
 * @param records     audit records merged into this aggregate
 * @param latency     merged latency sketch
 * @param digest      merged id digest, or null (see above)
 * @param updatedAt   emit time of the newest record merged, epoch ms
 * @param firstOffsets partition → lowest offset among the counted messages, for a tier whose agents know offsets
 *                    (the log tier); unmodifiable, sorted; empty otherwise
 * @param countedOnConsume of {@code count}, the messages consumers counted when they read them rather than when
 *                    their offsets were committed (mode {@link CountingMode#CONSUME}: a reader that does not commit
 *                    through the consumer, or a partition past the agent's bound on waiting records); a crash there
 *                    re-reads, and counts twice, what it had read since its last commit
 * @param lastOffsets partition → highest offset among the counted messages, where {@code firstOffsets} is known: a
 *                    consumer group whose committed offset on a partition is not past it has not processed the whole
 *                    bucket there
 * @param stateSince  when the aggregator's state of the (topic, tier) began, epoch ms: its first count or heartbeat
 *                    after the aggregation job last started without restored state (0: before the aggregator recorded
 *                    it). Totals are cumulative within one such state only: an aggregate with a later
 *                    {@code stateSince} counts from zero again, and a lower total from it is not a regression of the
 *                    bucket. {@link #UNKNOWN_STATE} when not said (an aggregator of an earlier version)
 */
public record TierAggregate(
        String topic,
        String tier,
        Bucket bucket,
        long count,
        long bytes,
        long noTimestamp,
        long skewed,
        long failed,
        long records,
        LatencySketch latency,
        IdDigest digest,
        long updatedAt,
        Map<Integer, Long> firstOffsets,
        long countedOnConsume,
        Map<Integer, Long> lastOffsets,
        long stateSince)
        implements WireMessage {
    /** {@link #stateSince} of an aggregate that does not say when its state began. */
    public static final long UNKNOWN_STATE = Long.MIN_VALUE;

    /** @throws IllegalArgumentException if a name is empty or too long, or a count is negative */
    public TierAggregate {
        Names.topic(topic);
        Names.tier(tier);
        Objects.requireNonNull(bucket, "bucket");
        Names.nonNegative("count", count);
        Names.nonNegative("bytes", bytes);
        Names.nonNegative("noTimestamp", noTimestamp);
        Names.nonNegative("skewed", skewed);
        Names.nonNegative("failed", failed);
        Names.nonNegative("records", records);
        Names.nonNegative("countedOnConsume", countedOnConsume);
        Objects.requireNonNull(latency, "latency");
        firstOffsets = PartitionOffsets.copyOf(firstOffsets);
        lastOffsets = PartitionOffsets.copyOf(lastOffsets);
    }

    /** @return an aggregate of nothing yet: no record merged, updated at {@link Long#MIN_VALUE} */
    public static TierAggregate empty(String topic, String tier, Bucket bucket) {
        return builder(topic, tier, bucket).updatedAt(Long.MIN_VALUE).build();
    }

    /**
     * @param topic  the audited topic
     * @param tier   the tier
     * @param bucket the event-time bucket
     * @return a builder of an aggregate with nothing counted (count, bytes, noTimestamp, skewed, failed, records and
     *     countedOnConsume 0), an empty latency sketch, no digest, updatedAt 0, no offsets and
     *     {@link #UNKNOWN_STATE}; set only what differs
     */
    public static Builder builder(String topic, String tier, Bucket bucket) {
        return new Builder(topic, tier, bucket);
    }

    /** @return a builder holding every component of this aggregate, to build one that differs in a few */
    public Builder toBuilder() {
        return new Builder(topic, tier, bucket)
                .count(count)
                .bytes(bytes)
                .noTimestamp(noTimestamp)
                .skewed(skewed)
                .failed(failed)
                .records(records)
                .latency(latency)
                .digest(digest)
                .updatedAt(updatedAt)
                .firstOffsets(firstOffsets)
                .countedOnConsume(countedOnConsume)
                .lastOffsets(lastOffsets)
                .stateSince(stateSince);
    }

    /** @return the key of this aggregate on {@code tally.aggregates}: {@code topic|tier|bucketStart} */
    public String key() {
        return topic + '|' + tier + '|' + bucket.start();
    }

    /**
     * @return a new aggregate with {@code record} added; this one is unchanged
     * @throws IllegalArgumentException if the record is for another topic, tier or bucket
     */
    public TierAggregate plus(AuditRecord record) {
        if (!record.topic().equals(topic)
                || !record.tier().equals(tier)
                || !record.bucket().equals(bucket)) {
            throw new IllegalArgumentException("record for " + record.topic() + '|' + record.tier() + '|'
                    + record.bucket() + " cannot be added to aggregate " + key());
        }
        LatencySketch mergedLatency = latency.copy();
        mergedLatency.merge(record.latency());
        // the canonical constructor, not a builder: no allocation beyond the aggregate for each record added
        return new TierAggregate(
                topic,
                tier,
                bucket,
                Math.addExact(count, record.count()),
                Math.addExact(bytes, record.bytes()),
                Math.addExact(noTimestamp, record.noTimestamp()),
                Math.addExact(skewed, record.skewed()),
                Math.addExact(failed, record.failed()),
                records + 1,
                mergedLatency,
                mergeDigest(record.digest()),
                Math.max(updatedAt, record.emittedAt()),
                PartitionOffsets.min(firstOffsets, record.firstOffsets()),
                record.mode() == CountingMode.CONSUME
                        ? Math.addExact(countedOnConsume, record.count())
                        : countedOnConsume,
                PartitionOffsets.max(lastOffsets, record.lastOffsets()),
                stateSince);
    }

    private IdDigest mergeDigest(IdDigest other) {
        if (other == null) {
            return null;
        }
        if (records == 0) {
            return other.copy();
        }
        if (digest == null || !digest.compatibleWith(other)) {
            return null;
        }
        IdDigest merged = digest.copy();
        merged.merge(other);
        return merged;
    }

    /**
     * Collects the components of a {@link TierAggregate}, each documented there; not thread-safe. A setter keeps the
     * sketch or map it is given as it is: {@link #build()} copies the maps and validates, as the canonical constructor
     * does, and the aggregate then owns the sketches.
     */
    public static final class Builder {
        private final String topic;
        private final String tier;
        private final Bucket bucket;
        private long count;
        private long bytes;
        private long noTimestamp;
        private long skewed;
        private long failed;
        private long records;
        private LatencySketch latency; // null: a new empty sketch at build
        private IdDigest digest;
        private long updatedAt;
        private Map<Integer, Long> firstOffsets = Map.of();
        private long countedOnConsume;
        private Map<Integer, Long> lastOffsets = Map.of();
        private long stateSince = UNKNOWN_STATE;

        private Builder(String topic, String tier, Bucket bucket) {
            this.topic = topic;
            this.tier = tier;
            this.bucket = bucket;
        }

        /** Messages counted; default 0. */
        public Builder count(long count) {
            this.count = count;
            return this;
        }

        /** The counted messages' bytes; default 0. */
        public Builder bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        /** Messages without a usable event time; default 0. */
        public Builder noTimestamp(long noTimestamp) {
            this.noTimestamp = noTimestamp;
            return this;
        }

        /** Messages with an event time beyond the skew bound; default 0. */
        public Builder skewed(long skewed) {
            this.skewed = skewed;
            return this;
        }

        /** Failed sends; default 0. */
        public Builder failed(long failed) {
            this.failed = failed;
            return this;
        }

        /** Audit records merged into the aggregate; default 0. */
        public Builder records(long records) {
            this.records = records;
            return this;
        }

        /**
         * The merged latency sketch; default a new empty sketch.
         *
         * @throws NullPointerException if {@code latency} is null
         */
        public Builder latency(LatencySketch latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** The merged id digest; default {@code null}: the tier has no digest for the bucket. */
        public Builder digest(IdDigest digest) {
            this.digest = digest;
            return this;
        }

        /** Emit time of the newest record merged, epoch ms; default 0. */
        public Builder updatedAt(long updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Partition → lowest offset among the counted messages; default none: the tier's agents do not know them. */
        public Builder firstOffsets(Map<Integer, Long> firstOffsets) {
            this.firstOffsets = firstOffsets;
            return this;
        }

        /** Of {@code count}, the messages consumers counted when they read them; default 0. */
        public Builder countedOnConsume(long countedOnConsume) {
            this.countedOnConsume = countedOnConsume;
            return this;
        }

        /** Partition → highest offset among the counted messages; default none. */
        public Builder lastOffsets(Map<Integer, Long> lastOffsets) {
            this.lastOffsets = lastOffsets;
            return this;
        }

        /** When the aggregator's state of the (topic, tier) began, epoch ms; default {@link #UNKNOWN_STATE}. */
        public Builder stateSince(long stateSince) {
            this.stateSince = stateSince;
            return this;
        }

        /**
         * @return the aggregate
         * @throws IllegalArgumentException as the canonical constructor does
         * @throws NullPointerException if {@code bucket} or an offsets map is null
         */
        public TierAggregate build() {
            return new TierAggregate(
                    topic,
                    tier,
                    bucket,
                    count,
                    bytes,
                    noTimestamp,
                    skewed,
                    failed,
                    records,
                    latency != null ? latency : new LatencySketch(),
                    digest,
                    updatedAt,
                    firstOffsets,
                    countedOnConsume,
                    lastOffsets,
                    stateSince);
        }
    }
}
