/**
 * Drops a repeated {@code (agent instance, seq)}: keyed by agent instance, each key keeps a {@link
 * io.tally.aggregator.internal.dedup.SeqWindow} — every seq below a base is seen, a bitmap covers the seqs above
 * it — with a state TTL of the retention. Agents number their messages densely from 0, so the base follows the
 * highest contiguous seq and the bitmap stays a few words. Not API.
 */
package io.tally.aggregator.internal.dedup;
