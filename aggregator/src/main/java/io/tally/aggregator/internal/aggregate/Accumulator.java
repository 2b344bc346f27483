package io.tally.aggregator.internal.aggregate;

import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.PartitionOffsets;
import io.tally.core.TierAggregate;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.Map;

/**
 * The running sum of one (topic, tier, bucket); the mutable counterpart of {@link TierAggregate}, with the same
 * digest rule (no digest as soon as one record came without one or with another size). Not thread-safe.
 */
public final class Accumulator {
    String topic;
    String tier;
    long bucketStart;
    long bucketMs;
    long count;
    long bytes;
    long noTimestamp;
    long skewed;
    long failed;
    long records;
    long updatedAt = Long.MIN_VALUE;
    LatencySketch latency = new LatencySketch();
    IdDigest digest;
    boolean digestLost;
    /** partition → lowest offset counted, for a tier whose agents know offsets (the log tier); unmodifiable */
    Map<Integer, Long> firstOffsets = Map.of();
    /** partition → highest offset counted, where the lowest is known; unmodifiable */
    Map<Integer, Long> lastOffsets = Map.of();
    /** of {@code count}, what consumers counted on consume */
    long countedOnConsume;

    Accumulator() {}

    /** @return an accumulator of nothing yet for the record's key */
    public static Accumulator startingWith(AuditRecord r) {
        Accumulator a = new Accumulator();
        a.topic = r.topic();
        a.tier = r.tier();
        a.bucketStart = r.bucket().start();
        a.bucketMs = r.bucket().sizeMs();
        return a;
    }

    /** Adds one record of the same key. */
    public void add(AuditRecord r) {
        count = plus(count, r.count());
        bytes = plus(bytes, r.bytes());
        noTimestamp = plus(noTimestamp, r.noTimestamp());
        skewed = plus(skewed, r.skewed());
        failed = plus(failed, r.failed());
        latency.merge(r.latency());
        mergeDigest(r.digest());
        records++;
        updatedAt = Math.max(updatedAt, r.emittedAt());
        firstOffsets = PartitionOffsets.min(firstOffsets, r.firstOffsets());
        lastOffsets = PartitionOffsets.max(lastOffsets, r.lastOffsets());
        if (r.mode() == CountingMode.CONSUME) {
            countedOnConsume = plus(countedOnConsume, r.count());
        }
    }

    /**
     * Adds a partial sum of the same key: the result is the same as adding its records one by one (the digest is
     * lost if any record had none, or sizes differ).
     */
    public void merge(Accumulator other) {
        if (other.records == 0) {
            return;
        }
        count = plus(count, other.count);
        bytes = plus(bytes, other.bytes);
        noTimestamp = plus(noTimestamp, other.noTimestamp);
        skewed = plus(skewed, other.skewed);
        failed = plus(failed, other.failed);
        latency.merge(other.latency);
        if (other.digestLost) {
            digestLost = true;
            digest = null;
        } else {
            mergeDigest(other.digest);
        }
        records += other.records;
        updatedAt = Math.max(updatedAt, other.updatedAt);
        firstOffsets = PartitionOffsets.min(firstOffsets, other.firstOffsets);
        lastOffsets = PartitionOffsets.max(lastOffsets, other.lastOffsets);
        countedOnConsume = plus(countedOnConsume, other.countedOnConsume);
    }

    /** Saturating: input is bounded by the decoder, and a sum must never fail the job whatever arrives. */
    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private void mergeDigest(IdDigest other) {
        if (digestLost) {
            return;
        }
        if (other == null) {
            digestLost = true;
            digest = null;
        } else if (records == 0) {
            digest = other.copy();
        } else if (digest == null || !digest.compatibleWith(other)) {
            digestLost = true;
            digest = null;
        } else {
            digest.merge(other);
        }
    }

    /**
     * @param stateSince when the state of its (topic, tier) began ({@link TierAggregate#stateSince()})
     * @return the cumulative aggregate; it shares this accumulator's sketches, so encode it before the next add
     */
    public TierAggregate toAggregate(long stateSince) {
        // the canonical constructor, not a builder: no allocation beyond the aggregate for each one published
        return new TierAggregate(
                topic,
                tier,
                new Bucket(bucketStart, bucketMs),
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                records,
                latency,
                digestLost ? null : digest,
                updatedAt,
                firstOffsets,
                countedOnConsume,
                lastOffsets,
                stateSince);
    }

    /** @return the cumulative aggregate, not saying when its state began ({@link TierAggregate#UNKNOWN_STATE}) */
    public TierAggregate toAggregate() {
        return toAggregate(TierAggregate.UNKNOWN_STATE);
    }

    /** @return a deep copy */
    public Accumulator copy() {
        Accumulator a = new Accumulator();
        a.topic = topic;
        a.tier = tier;
        a.bucketStart = bucketStart;
        a.bucketMs = bucketMs;
        a.count = count;
        a.bytes = bytes;
        a.noTimestamp = noTimestamp;
        a.skewed = skewed;
        a.failed = failed;
        a.records = records;
        a.updatedAt = updatedAt;
        a.latency = latency.copy();
        a.digest = digest == null ? null : digest.copy();
        a.digestLost = digestLost;
        a.firstOffsets = firstOffsets;
        a.lastOffsets = lastOffsets;
        a.countedOnConsume = countedOnConsume;
        return a;
    }

    /** @return the key on the aggregates topic */
    public String key() {
        return topic + '|' + tier + '|' + bucketStart;
    }
}
