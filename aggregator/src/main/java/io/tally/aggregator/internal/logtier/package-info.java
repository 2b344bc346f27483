/**
 * The log-tier auditor: reads the audited topics themselves and counts each record as tier {@code log}, exactly as
 * an agent would (bucket by event time, id from {@code tally.id} or the log position, bytes, latency = observation
 * time − event time), emitting numbered audit records and heartbeats to {@code tally.audit}.
 * {@link io.tally.aggregator.internal.logtier.LogRecordDeserializer} reads headers and timestamps only (a value
 * only for a JSON event time); {@link io.tally.aggregator.internal.logtier.LogCounter} counts;
 * {@link io.tally.aggregator.internal.logtier.LogTierOperator} is one agent per source subtask, whose identity and
 * sequence are checkpointed. Not API.
 */
package io.tally.aggregator.internal.logtier;
