/**
 * Mergeable sketches carried by audit records: {@link io.tally.core.sketch.LatencySketch} (latency percentiles
 * with a relative-error guarantee) and {@link io.tally.core.sketch.IdDigest} (an invertible Bloom lookup table that
 * names lost and duplicated ids). Both merge by addition, so per-agent deltas add up to per-tier totals, and both
 * have a documented, versioned binary layout so that agents in other languages can produce them.
 */
package io.tally.core.sketch;
