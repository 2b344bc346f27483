/**
 * The first step of the aggregation job: audit topic bytes to {@link io.tally.core.AuditMessage}s, and everything
 * that cannot be used — undecodable, an unknown version, absurd sizes, another bucket size, a bucket older than
 * the state retention — to the dead-letter side output with the reason. Never throws on input. Not API.
 */
package io.tally.aggregator.internal.decode;
