/**
 * The reconciler's Kafka side: client settings ({@link io.tally.reconciler.internal.kafka.KafkaClients}), the
 * reader of {@code tally.aggregates} that replays the compacted topic from the start of each assigned partition
 * ({@link io.tally.reconciler.internal.kafka.AggregatesReader}), the reader of agents' messages on
 * {@code tally.audit} for liveness ({@link io.tally.reconciler.internal.kafka.AuditReader}), and the consumer-group
 * lag probe on the admin client ({@link io.tally.reconciler.internal.kafka.GroupLagProbe}).
 */
package io.tally.reconciler.internal.kafka;
