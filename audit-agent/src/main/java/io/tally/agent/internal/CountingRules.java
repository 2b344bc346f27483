package io.tally.agent.internal;

/**
 * The settings every counter of one agent shares: bucket size, digest size, skew bounds and the bound on open
 * buckets. Immutable apart from the budget, which is thread-safe.
 */
final class CountingRules {
    final long bucketMs;
    final int digestCells;
    final long maxFutureMs;
    final long maxPastMs;
    final BucketBudget budget;

    CountingRules(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs, int maxOpenBuckets) {
        this.bucketMs = bucketMs;
        this.digestCells = digestCells;
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
        this.budget = new BucketBudget(maxOpenBuckets);
    }

    /** @return whether {@code eventTime} is too far from {@code now} to be bucketed by it */
    boolean isSkewed(long eventTime, long now) {
        return eventTime > now + maxFutureMs || eventTime < now - maxPastMs;
    }

    long bucketStart(long time) {
        return time - Math.floorMod(time, bucketMs);
    }
}
