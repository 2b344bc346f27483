/**
 * Which tiers are compared: the {@link io.tally.reconciler.internal.topology.Topology} turns the tiers that
 * reported on a topic into {@link io.tally.reconciler.internal.topology.Edge}s (default
 * {@code producer → log → every other tier}, or the explicit edges and topic renames of a topology file), and
 * holds each topic's {@link io.tally.reconciler.internal.topology.TopicPolicy} (SLA, alert thresholds, compaction).
 */
package io.tally.reconciler.internal.topology;
