/**
 * The per-(topic, tier, bucket) sums: keyed state holding a mutable {@link
 * io.tally.aggregator.internal.aggregate.Accumulator} (counts add, sketches merge in place), with a state TTL of
 * the retention plus a margin, and a processing-time timer that debounces the upsert of the cumulative
 * {@link io.tally.core.TierAggregate} to at most one per key per emit interval. No window ever closes: a late
 * record updates its bucket. Not API.
 */
package io.tally.aggregator.internal.aggregate;
