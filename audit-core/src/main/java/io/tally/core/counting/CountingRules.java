package io.tally.core.counting;

import io.tally.core.Bucket;
import io.tally.core.EventTimes;

/**
 * The bucketing rules every tier shares: a message is counted in the bucket of its event time, unless it has none
 * ({@link EventTimes#NONE}) or one further than the skew bounds from the clock of the tier that counts it; then it is
 * counted apart ({@code noTimestamp}, {@code skewed}) in the bucket of the time it was observed, so that a wrong clock
 * upstream neither opens buckets far away nor disappears. Immutable and thread-safe.
 */
public final class CountingRules {
    private final long bucketMs;
    private final int digestCells;
    private final long maxFutureMs;
    private final long maxPastMs;

    /**
     * @param bucketMs    bucket size
     * @param digestCells cells of each bucket's id digest, 0 for none
     * @param maxFutureMs how far ahead of the clock an event time may be
     * @param maxPastMs   how far behind the clock an event time may be
     */
    public CountingRules(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucketMs must be > 0, was " + bucketMs);
        }
        if (digestCells < 0 || maxFutureMs < 0 || maxPastMs < 0) {
            throw new IllegalArgumentException("digestCells, maxFutureMs and maxPastMs must be >= 0, were "
                    + digestCells + ", " + maxFutureMs + ", " + maxPastMs);
        }
        this.bucketMs = bucketMs;
        this.digestCells = digestCells;
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
    }

    public long bucketMs() {
        return bucketMs;
    }

    public int digestCells() {
        return digestCells;
    }

    /** @return whether {@code eventTime} is too far from {@code now} to be bucketed by it */
    public boolean isSkewed(long eventTime, long now) {
        return eventTime > now + maxFutureMs || eventTime < now - maxPastMs;
    }

    /** @return the start of the bucket that holds {@code time} */
    public long bucketStart(long time) {
        return Bucket.startOf(time, bucketMs);
    }

    /** @return the start of the bucket a message of event time {@code eventTime} observed at {@code now} counts in */
    public long bucketOf(long eventTime, long now) {
        boolean byClock = eventTime == EventTimes.NONE || isSkewed(eventTime, now);
        return bucketStart(byClock ? now : eventTime);
    }

    /** @return empty counts of the bucket starting at {@code bucketStart} */
    public BucketCounts newBucket(long bucketStart) {
        return new BucketCounts(bucketStart, digestCells);
    }
}
