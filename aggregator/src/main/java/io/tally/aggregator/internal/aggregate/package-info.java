/**
 * The per-(topic, tier) sums and progress: a combiner ahead of the shuffle ({@link
 * io.tally.aggregator.internal.aggregate.LocalCombiner}), then keyed state holding a mutable {@link
 * io.tally.aggregator.internal.aggregate.Accumulator} per bucket (counts add, sketches merge in place, with a state
 * TTL of the retention plus a margin) and each agent's latest heartbeat for the topic, and a processing-time timer
 * that debounces the upserts of the changed {@link io.tally.core.TierAggregate}s, followed by the
 * {@link io.tally.core.TierProgress}, to at most one emission per key per emit interval. No window ever closes: a
 * late record updates its bucket. Not API.
 */
package io.tally.aggregator.internal.aggregate;
