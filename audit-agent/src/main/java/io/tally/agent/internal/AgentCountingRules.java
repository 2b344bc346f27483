package io.tally.agent.internal;

/**
 * What every counter of one agent shares: the tiers' counting rules ({@link io.tally.core.counting.CountingRules},
 * the same for the log tier) and the agent's bound on open buckets. Immutable apart from the budget, which is
 * thread-safe.
 */
final class CountingRules {
    final io.tally.core.counting.CountingRules tiers;
    final long bucketMs;
    final BucketBudget budget;

    CountingRules(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs, int maxOpenBuckets) {
        this.tiers = new io.tally.core.counting.CountingRules(bucketMs, digestCells, maxFutureMs, maxPastMs);
        this.bucketMs = bucketMs;
        this.budget = new BucketBudget(maxOpenBuckets);
    }

    /** @return whether {@code eventTime} is too far from {@code now} to be bucketed by it */
    boolean isSkewed(long eventTime, long now) {
        return tiers.isSkewed(eventTime, now);
    }

    long bucketStart(long time) {
        return tiers.bucketStart(time);
    }
}
