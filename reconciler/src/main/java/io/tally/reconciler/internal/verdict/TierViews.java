package io.tally.reconciler.internal.verdict;

import io.tally.core.TierProgress;
import io.tally.core.Tiers;
import java.util.List;
import java.util.Map;

/**
 * How far a tier has got, for finalization. Pure and thread-safe.
 *
 * <p>A tier is <em>caught up</em> when it has nothing in flight:
 * <ul>
 *   <li>a consumer group, when the admin client says its committed offsets are at the log end on the topic
 *       ({@code groupCaughtUp}, when known) and its live agents have no records waiting to be counted: an agent
 *       that learns of its commits late (a transaction's, read from the group every few seconds) has processed what
 *       the group committed before it has counted it, and progress must not get ahead of the counts;</li>
 *   <li>any other tier (a producer, the log tier, or a group whose offsets are not known), when its agents still
 *       send heartbeats, its watermark has not moved for {@code idle.after}, it is not behind any upstream tier's
 *       watermark, and every upstream tier is caught up itself;</li>
 *   <li>such a tier whose agents all closed cleanly (a batch producer that finished, a console tool), when it is
 *       not behind any upstream tier and every upstream tier is caught up: a {@code closed} record says everything
 *       it counted has been sent, so nothing more is coming from it — without it the tier's last bucket would stay
 *       PENDING, then STALLED;</li>
 *   <li>a producer tier whose agents all closed or died and whose heartbeats stopped for as long as a tier that
 *       does not move takes to be called stalled: a killed producer writes nothing more, and what it left unsent is
 *       judged as the gap of its death (AUDIT_GAP), not waited for.</li>
 * </ul>
 * A caught-up tier's effective watermark follows the clock, {@code idle.lag} behind it (to let the last counts
 * reach the aggregates), so an idle pipeline still finalizes its last buckets.
 */
public final class TierViews {
    private final long idleAfterMs;
    private final long idleLagMs;
    private final long livenessMs;
    private final long goneAfterMs;

    /**
     * @param idleAfterMs how long a watermark must stand still before a tier counts as idle
     * @param idleLagMs   how far behind the clock an idle tier's watermark is put
     * @param livenessMs  how recent a tier's last heartbeat must be for it to count as alive
     */
    public TierViews(long idleAfterMs, long idleLagMs, long livenessMs) {
        this(idleAfterMs, idleLagMs, livenessMs, livenessMs);
    }

    /**
     * @param goneAfterMs how long the heartbeats of a producer tier whose agents all died must have stopped before
     *     nothing more is waited for from it: longer than an outage of the audit topic that only its agents meet (their
     *     counts then arrive late, and judging without them would make a false duplication downstream)
     */
    public TierViews(long idleAfterMs, long idleLagMs, long livenessMs, long goneAfterMs) {
        this.idleAfterMs = idleAfterMs;
        this.idleLagMs = idleLagMs;
        this.livenessMs = livenessMs;
        this.goneAfterMs = Math.max(livenessMs, goneAfterMs);
    }

    /**
     * @param progress         the tier's latest progress on the topic, or null
     * @param lastAdvanceAt    clock time its watermark last advanced
     * @param firstBucketStart its first reported bucket on the topic, or {@link Long#MAX_VALUE}
     * @param groupCaughtUp    for a consumer group whose lag is known: whether it is at the log end; else null
     * @param upstream         views of the tiers upstream of it on the topic
     */
    public TierView view(
            String tier,
            TierProgress progress,
            long lastAdvanceAt,
            long firstBucketStart,
            Boolean groupCaughtUp,
            List<TierView> upstream,
            long now) {
        return view(tier, progress, lastAdvanceAt, firstBucketStart, groupCaughtUp, false, upstream, now);
    }

    /**
     * As {@link #view(String, TierProgress, long, long, Boolean, List, long)}, knowing whether every agent of the
     * tier that reported the topic has closed cleanly ({@code allClosed}).
     */
    public TierView view(
            String tier,
            TierProgress progress,
            long lastAdvanceAt,
            long firstBucketStart,
            Boolean groupCaughtUp,
            boolean allClosed,
            List<TierView> upstream,
            long now) {
        long watermark = progress == null ? Long.MIN_VALUE : progress.watermark();
        boolean caughtUp;
        if (groupCaughtUp != null && (!groupCaughtUp || progress == null || progress.waiting() == 0)) {
            caughtUp = groupCaughtUp;
        } else if (progress == null) {
            caughtUp = false;
        } else {
            boolean alive = now - progress.lastHeartbeatAt() <= livenessMs;
            boolean quiet = now - lastAdvanceAt >= idleAfterMs;
            boolean upstreamDone = upstream.stream().allMatch(u -> u.caughtUp() && watermark >= u.watermark());
            boolean gone = now - progress.lastHeartbeatAt() > goneAfterMs && writesOnly(tier, upstream);
            boolean finished = progress.liveAgents() == 0 && (allClosed || gone);
            caughtUp = ((alive && quiet) || finished) && upstreamDone;
        }
        long effective = caughtUp ? Math.max(watermark, now - idleLagMs) : watermark;
        return new TierView(
                tier,
                watermark,
                effective,
                lastAdvanceAt,
                caughtUp,
                firstBucketStart,
                progress == null ? Map.of() : progress.startOffsets());
    }

    /**
     * Whether {@code tier} is where a topic's records come from (its producers), not a reader of them: nothing is
     * upstream of it, and it is neither the log tier nor a consumer. Its agents are gone for good once each closed or
     * died (the aggregator counts none live, by the audit topic's own time, so an outage of that topic kills none):
     * a killed producer writes nothing more, and what it left uncounted is the gap allowance of its death; a reader
     * that died is a stall, and the log tier comes back with the aggregator.
     */
    private static boolean writesOnly(String tier, List<TierView> upstream) {
        return upstream.isEmpty()
                && !tier.equals(Tiers.LOG)
                && !tier.equals(Tiers.LOG_COMMITTED)
                && !tier.startsWith(Tiers.CONSUMER_PREFIX)
                && !Tiers.isReader(tier);
    }
}
