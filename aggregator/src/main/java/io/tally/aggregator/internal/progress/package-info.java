/**
 * How a tier's progress on a topic follows from its agents' latest heartbeats ({@link
 * io.tally.aggregator.internal.progress.ProgressRules}): liveness, per-partition watermarks, the lowest over what is
 * read now. Applied by {@link io.tally.aggregator.internal.aggregate.TopicTierAggregator}, after the counts it
 * covers. Not API.
 */
package io.tally.aggregator.internal.progress;
