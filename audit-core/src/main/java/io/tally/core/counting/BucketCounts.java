package io.tally.core.counting;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.HashMap;
import java.util.Map;

/**
 * What one counter (an agent, a log-tier subtask) counted in one (topic, bucket) since it last reported: messages,
 * bytes, messages counted apart, latency (observation − event time) and the digest of their ids, and, for a counter
 * that knows offsets, the lowest and highest offset counted per partition. Not thread-safe: its owner guards it.
 */
public final class BucketCounts {
    private final long bucketStart;
    private long count;
    private long bytes;
    private long noTimestamp;
    private long skewed;
    private long failed;
    private final LatencySketch latency = new LatencySketch();
    private final IdDigest digest;
    /** partition → lowest offset counted; null until an offset is counted */
    private Map<Integer, Long> firstOffsets;
    /** partition → highest offset counted; null until an offset is counted */
    private Map<Integer, Long> lastOffsets;

    /** The partition counted last, whose lowest and highest offsets are kept below until another comes. */
    private int lastPartition = -1;

    private long lastFirst;
    private long lastLast;

    /** @param digestCells cells of the id digest, 0 for none */
    public BucketCounts(long bucketStart, int digestCells) {
        this.bucketStart = bucketStart;
        this.digest = digestCells > 0 ? new IdDigest(digestCells) : null;
    }

    /**
     * Counts one message of this bucket ({@link CountingRules#bucketOf}) by the rules: apart when it has no event
     * time or a skewed one, else with its size, latency and id.
     *
     * @return whether it was counted by its event time
     */
    public boolean count(long eventTime, long now, long messageBytes, long id, CountingRules rules) {
        if (eventTime == EventTimes.NONE) {
            noTimestamp++;
            return false;
        }
        if (rules.isSkewed(eventTime, now)) {
            skewed++;
            return false;
        }
        add(messageBytes, now - eventTime, id);
        return true;
    }

    /** Counts one message whose event time is in this bucket and within the skew bounds. */
    public void add(long messageBytes, long latencyMs, long id) {
        count++;
        bytes += messageBytes;
        latency.add(latencyMs);
        if (digest != null) {
            digest.add(id);
        }
    }

    /** Counts a send that failed (bucketed by the clock of the agent that saw it fail). */
    public void countFailed() {
        failed++;
    }

    /**
     * Notes that a message at {@code offset} of {@code partition} was counted here. A run of one partition's offsets
     * (a producer's batch acknowledged, a fetch read) costs two comparisons each: the maps are written when the
     * partition changes or the counts are read.
     */
    public void offset(int partition, long offset) {
        if (partition == lastPartition) {
            if (offset > lastLast) {
                lastLast = offset;
            } else if (offset < lastFirst) {
                lastFirst = offset;
            }
            return;
        }
        keepLastPartition();
        if (firstOffsets == null) {
            firstOffsets = new HashMap<>();
            lastOffsets = new HashMap<>();
        }
        Long first = firstOffsets.get(partition);
        Long lastSeen = lastOffsets.get(partition);
        lastPartition = partition;
        lastFirst = first == null ? offset : Math.min(first, offset);
        lastLast = lastSeen == null ? offset : Math.max(lastSeen, offset);
    }

    /** Writes the partition counted last into the maps. */
    private void keepLastPartition() {
        if (lastPartition >= 0) {
            firstOffsets.put(lastPartition, lastFirst);
            lastOffsets.put(lastPartition, lastLast);
        }
    }

    /** Adds what {@code other}, of the same bucket, counted. */
    public void mergeFrom(BucketCounts other) {
        count += other.count;
        bytes += other.bytes;
        noTimestamp += other.noTimestamp;
        skewed += other.skewed;
        failed += other.failed;
        latency.merge(other.latency);
        if (digest != null && other.digest != null) {
            digest.merge(other.digest);
        }
        other.keepLastPartition();
        if (other.firstOffsets != null) {
            other.firstOffsets.forEach(this::offset);
            other.lastOffsets.forEach(this::offset);
        }
    }

    /** @return messages this counter holds, counted or counted apart */
    public long messages() {
        return count + noTimestamp + skewed + failed;
    }

    /** @return these counts as an audit record; the record shares this object's sketches */
    public AuditRecord toRecord(
            AgentIdentity agent,
            long seq,
            long emittedAt,
            String tier,
            String topic,
            long bucketMs,
            CountingMode mode) {
        keepLastPartition();
        // the canonical constructor, not a builder: no allocation beyond the record for each flush of a bucket
        return new AuditRecord(
                agent,
                seq,
                emittedAt,
                tier,
                topic,
                new Bucket(bucketStart, bucketMs),
                mode,
                count,
                bytes,
                noTimestamp,
                skewed,
                failed,
                latency,
                digest,
                firstOffsets == null ? Map.of() : firstOffsets,
                lastOffsets == null ? Map.of() : lastOffsets);
    }

    public long bucketStart() {
        return bucketStart;
    }

    public long count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public long noTimestamp() {
        return noTimestamp;
    }

    public long skewed() {
        return skewed;
    }

    public long failed() {
        return failed;
    }

    public LatencySketch latency() {
        return latency;
    }

    public IdDigest digest() {
        return digest;
    }
}
