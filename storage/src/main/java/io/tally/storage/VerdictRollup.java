package io.tally.storage;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the verdicts of one topic's buckets starting in one hour add up to: how many edge-buckets have each verdict
 * and how many messages reached downstream. The reconciler recomputes it from the verdicts it holds whenever one of
 * them changes, so that an overview of thousands of topics reads one row per topic and hour instead of every
 * verdict ({@link AuditStore#rollups}).
 *
 * @param topic           the audited (upstream) topic
 * @param hourStart       start of the hour of bucket starts covered, epoch ms (a multiple of {@link #HOUR_MS})
 * @param edgeBuckets     edge-buckets of the hour by their latest verdict (verdicts with none are absent)
 * @param upstream        messages counted upstream over the final, judged edge-buckets (not NOT_OBSERVED or
 *                        NOT_JUDGED)
 * @param delivered       over the same edge-buckets, {@code Σ min(upstream, downstream)}
 * @param lastFinalBucket start of the newest bucket of the hour with a final verdict on some edge, or -1 if none
 * @param bucketSizeMs    the size of the topic's buckets
 * @param updatedAt       when it was computed, epoch ms
 */
public record VerdictRollup(
        String topic,
        long hourStart,
        Map<Verdict, Long> edgeBuckets,
        long upstream,
        long delivered,
        long lastFinalBucket,
        long bucketSizeMs,
        long updatedAt) {
    /** The span of a rollup: one hour of bucket starts. */
    public static final long HOUR_MS = 3_600_000L;

    public VerdictRollup {
        Objects.requireNonNull(topic, "topic");
        if (Math.floorMod(hourStart, HOUR_MS) != 0) {
            throw new IllegalArgumentException("hourStart must be a whole hour, was " + hourStart);
        }
        edgeBuckets = edgeBuckets.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(edgeBuckets));
    }

    /** @return the start of the hour of {@code bucketStart} */
    public static long hourOf(long bucketStart) {
        return Math.floorDiv(bucketStart, HOUR_MS) * HOUR_MS;
    }
}
