/**
 * The first steps of the aggregation job: routing a {@code tally.audit} record by its agent
 * ({@link io.tally.aggregator.internal.decode.AgentPeek}, a streaming scan, no decoding) and, on the subtask that
 * owns the agent, decoding and checking it ({@link io.tally.aggregator.internal.decode.AuditDecoder}): anything that
 * cannot be used — undecodable, an unknown version, absurd sizes, another bucket size, a bucket older than the
 * state retention — goes to the dead-letter topic with the reason. Never throws on input. Not API.
 */
package io.tally.aggregator.internal.decode;
