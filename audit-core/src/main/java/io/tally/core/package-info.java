/**
 * The vocabulary every Tally component speaks: event-time {@link io.tally.core.Bucket buckets}, the injected
 * {@link io.tally.core.Clock}, the records that travel on {@code tally.audit} ({@link io.tally.core.AuditRecord},
 * {@link io.tally.core.Heartbeat}) and on {@code tally.aggregates} ({@link io.tally.core.TierAggregate},
 * {@link io.tally.core.TierProgress}), and the project's exception hierarchy.
 *
 * <p>Sketches live in {@link io.tally.core.sketch}, the JSON codec in {@link io.tally.core.codec}. Nothing in
 * this module depends on another Tally module, Kafka, Flink or Cassandra.
 */
package io.tally.core;
