package io.tally.agent.internal;

import io.tally.core.counting.CountingRules;

/**
 * What every counter of one agent shares: the counting rules of every tier ({@link CountingRules}, the same for the
 * log tier) and what only an agent adds to them, its bound on open buckets. Immutable apart from the budget, which is
 * thread-safe.
 */
final class AgentCountingRules {
    final CountingRules tiers;
    final long bucketMs;
    final BucketBudget budget;

    AgentCountingRules(long bucketMs, int digestCells, long maxFutureMs, long maxPastMs, int maxOpenBuckets) {
        this.tiers = new CountingRules(bucketMs, digestCells, maxFutureMs, maxPastMs);
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
