/**
 * Tier progress from heartbeats. Keyed by tier, the state keeps every agent's latest heartbeat (its emit time,
 * closed flag and per-topic watermarks) for the retention: that is the per-agent state, and what a reader of
 * {@code tally.audit} can derive as well (heartbeats are keyed {@code tier|instanceId}). From it,
 * {@link io.tally.aggregator.internal.progress.ProgressRules} computes one {@link io.tally.core.TierProgress} per
 * (tier, topic), upserted to the aggregates topic when heartbeats arrive and when an agent's liveness runs out.
 * Not API.
 */
package io.tally.aggregator.internal.progress;
