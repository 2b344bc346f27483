package io.tally.reconciler.internal.verdict;

import java.util.Map;

/**
 * What the reconciler knows about one tier on one topic at one moment.
 *
 * @param tier               the tier
 * @param watermark          the tier's reported watermark (highest event time seen and passed), or
 *                           {@link Long#MIN_VALUE} if it reported none
 * @param effectiveWatermark the watermark finalization uses: {@code watermark}, or the clock minus the idle lag
 *                           when the tier is caught up and idle
 * @param lastAdvanceAt      clock time when {@code watermark} last advanced (or was first seen)
 * @param caughtUp           the tier has nothing in flight (consumer group at the log end, idle producer or log)
 * @param firstBucketStart   start of the first bucket the tier reported on the topic, or {@link Long#MAX_VALUE}
 * @param startOffsets       partition → the offset the tier started reading at, for a tier whose agents report it
 *                           (consumers); empty otherwise
 * @param committedOffsets   partition → the committed offset of a consumer-group tier's group on the topic, as the
 *                           cluster last said; null when not known (another tier, a group without commits there)
 * @param misconfigured      why the aggregator refused the counts of an agent of the tier (the tier is shown as
 *                           misconfigured, not judged, in the buckets up to {@code misconfiguredUpTo}), or empty
 * @param misconfiguredUpTo  the highest watermark an agent whose counts were refused reached
 * @param logStartOffsets    partition → the earliest offset still in the log of the topic, where a consumer group
 *                           is behind, as the cluster last said: records below it are gone; empty when not known
 * @param commitsUnchangedMs how long a consumer-group tier's committed offsets on the topic have stood still, as
 *                           the lag check saw them; 0 when not known
 */
public record TierView(
        String tier,
        long watermark,
        long effectiveWatermark,
        long lastAdvanceAt,
        boolean caughtUp,
        long firstBucketStart,
        Map<Integer, Long> startOffsets,
        Map<Integer, Long> committedOffsets,
        String misconfigured,
        long misconfiguredUpTo,
        Map<Integer, Long> logStartOffsets,
        long commitsUnchangedMs) {

    /** A view of a tier whose group's committed offsets are not known. */
    public TierView(
            String tier,
            long watermark,
            long effectiveWatermark,
            long lastAdvanceAt,
            boolean caughtUp,
            long firstBucketStart,
            Map<Integer, Long> startOffsets) {
        this(
                tier,
                watermark,
                effectiveWatermark,
                lastAdvanceAt,
                caughtUp,
                firstBucketStart,
                startOffsets,
                null,
                "",
                Long.MIN_VALUE,
                Map.of(),
                0);
    }

    /** A view of a tier whose start offsets are not known. */
    public TierView(
            String tier,
            long watermark,
            long effectiveWatermark,
            long lastAdvanceAt,
            boolean caughtUp,
            long firstBucketStart) {
        this(tier, watermark, effectiveWatermark, lastAdvanceAt, caughtUp, firstBucketStart, Map.of());
    }

    /** @return this view with its group's committed offsets on the topic, or null when they are not known */
    public TierView withCommittedOffsets(Map<Integer, Long> committed) {
        return withCluster(committed, logStartOffsets, commitsUnchangedMs);
    }

    /** @return this view with the earliest offsets still in the log of the topic, where a group is behind */
    public TierView withLogStartOffsets(Map<Integer, Long> starts) {
        return withCluster(committedOffsets, starts, commitsUnchangedMs);
    }

    /** @return this view with how long its group's committed offsets on the topic have stood still */
    public TierView withCommitsUnchanged(long ms) {
        return withCluster(committedOffsets, logStartOffsets, ms);
    }

    /**
     * @return this view with what the cluster says of its group and its topic: the group's committed offsets (null
     *     when not known), the topic's earliest offsets where a group is behind, how long the commits stood still
     */
    public TierView withCluster(Map<Integer, Long> committed, Map<Integer, Long> starts, long unchangedMs) {
        return new TierView(
                tier,
                watermark,
                effectiveWatermark,
                lastAdvanceAt,
                caughtUp,
                firstBucketStart,
                startOffsets,
                committed,
                misconfigured,
                misconfiguredUpTo,
                starts,
                unchangedMs);
    }

    /**
     * @return this view with why the aggregator refused an agent's counts (or empty) and the highest watermark such an
     *     agent reached
     */
    public TierView withMisconfigured(String reason, long upTo) {
        return new TierView(
                tier,
                watermark,
                effectiveWatermark,
                lastAdvanceAt,
                caughtUp,
                firstBucketStart,
                startOffsets,
                committedOffsets,
                reason,
                upTo,
                logStartOffsets,
                commitsUnchangedMs);
    }

    /** @return whether the aggregator refused counts of this tier in the bucket starting at {@code bucketStart} */
    public boolean misconfiguredIn(long bucketStart) {
        return !misconfigured.isEmpty() && bucketStart <= misconfiguredUpTo;
    }

    /** A tier that reported nothing. */
    public static TierView unknown(String tier) {
        return new TierView(tier, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, false, Long.MAX_VALUE);
    }
}
