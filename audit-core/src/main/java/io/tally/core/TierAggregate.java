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
        Map<Integer, Long> lastOffsets)
        implements WireMessage {

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

    /** An aggregate whose highest offsets are not known. */
    public TierAggregate(
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
            long countedOnConsume) {
        this(
                topic,
                tier,
                bucket,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                records,
                latency,
                digest,
                updatedAt,
                firstOffsets,
                countedOnConsume,
                Map.of());
    }

    /** An aggregate with nothing counted on consume. */
    public TierAggregate(
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
            Map<Integer, Long> firstOffsets) {
        this(
                topic,
                tier,
                bucket,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                records,
                latency,
                digest,
                updatedAt,
                firstOffsets,
                0);
    }

    /** An aggregate of a tier whose agents do not know offsets. */
    public TierAggregate(
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
            long updatedAt) {
        this(
                topic,
                tier,
                bucket,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                records,
                latency,
                digest,
                updatedAt,
                Map.of());
    }

    /** @return an aggregate of nothing yet */
    public static TierAggregate empty(String topic, String tier, Bucket bucket) {
        return new TierAggregate(topic, tier, bucket, 0, 0, 0, 0, 0, 0, new LatencySketch(), null, Long.MIN_VALUE);
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
                PartitionOffsets.max(lastOffsets, record.lastOffsets()));
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
}
