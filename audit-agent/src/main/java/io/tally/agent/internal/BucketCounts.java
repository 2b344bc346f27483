package io.tally.agent.internal;

import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;

/**
 * What one agent counted for one (topic, bucket) since its last flush. Not thread-safe: owned by a
 * {@link BucketSet}, itself guarded by its owner.
 */
public final class BucketCounts {
    final long bucketStart;
    long count;
    long bytes;
    long noTimestamp;
    long skewed;
    long failed;
    final LatencySketch latency = new LatencySketch();
    final IdDigest digest;

    BucketCounts(long bucketStart, int digestCells) {
        this.bucketStart = bucketStart;
        this.digest = digestCells > 0 ? new IdDigest(digestCells) : null;
    }

    void add(long messageBytes, long latencyMs, long id) {
        count++;
        bytes += messageBytes;
        latency.add(latencyMs);
        if (digest != null) {
            digest.add(id);
        }
    }

    void mergeFrom(BucketCounts other) {
        count += other.count;
        bytes += other.bytes;
        noTimestamp += other.noTimestamp;
        skewed += other.skewed;
        failed += other.failed;
        latency.merge(other.latency);
        if (digest != null && other.digest != null) {
            digest.merge(other.digest);
        }
    }

    /** @return messages this counter holds, counted or counted apart */
    long messages() {
        return count + noTimestamp + skewed + failed;
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
