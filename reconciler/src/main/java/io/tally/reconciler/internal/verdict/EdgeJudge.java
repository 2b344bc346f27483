package io.tally.reconciler.internal.verdict;

import io.tally.core.Bucket;
import io.tally.core.PartitionOffsets;
import io.tally.core.TierAggregate;
import io.tally.core.Tiers;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.PeelResult;
import io.tally.reconciler.internal.topology.Edge;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.storage.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges one edge for one bucket. Pure: the result depends only on the arguments. Immutable and thread-safe.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>an edge the topology does not judge (a consumer of a compacted topic) is NOT_JUDGED, and so is one with a
 *       tier whose counts the aggregator refuses (a bucket size other than the deployment's): misconfigured, never
 *       a loss of what it counted;</li>
 *   <li>a bucket the downstream tier cannot have read whole is NOT_OBSERVED: where the upstream tier knows the
 *       offsets it counted (the log tier) and the downstream one reports where it started reading (consumers),
 *       a bucket with a record below the downstream tier's start offset on some partition; elsewhere, a bucket at
 *       or before the first bucket of a tier that started later than the other (a tier is judged from the first
 *       bucket after its earliest reported event time, unless it started no later than its partner, like a group
 *       reading from {@code earliest});</li>
 *   <li>until both tiers' effective watermarks pass {@code bucket end + grace} the bucket is PENDING, or STALLED
 *       if the lagging tier is not caught up, its watermark has not moved for {@code stall timeout} and the other
 *       side has data past it: lag is never reported as loss;</li>
 *   <li>a consumer group stuck behind the bucket (its commits unchanged for {@code stall timeout}) whose records it
 *       has not committed past are all gone from the log (retention deleted them while it was behind) will never
 *       count them: the bucket is final for it, and a LOSS says so;</li>
 *   <li>a consumer group whose committed offsets are known has processed the bucket only once it has committed
 *       past the bucket's last record on every partition (the upstream log tier knows those offsets): until then
 *       PENDING, STALLED {@code stall timeout} after the bucket was due; for a partition that no live agent reports
 *       (its owner closed or died, its next owner has not read it yet) holds the tier's watermark back no more;</li>
 *   <li>then the counts and, when both tiers have compatible digests, {@code downstream − upstream} peeled: ids
 *       missing and extra, which finds MIXED even when the counts agree; LOSS, DUPLICATION or MIXED;</li>
 *   <li>a difference no larger than what dead agents of the two tiers could have left uncounted is AUDIT_GAP;</li>
 *   <li>a partial reader (declared in the topology) is judged for duplication only; the producer tier of a topic
 *       whose producers are declared partial (writers without the agent) for loss only;</li>
 *   <li>otherwise LATENCY when the downstream percentile is over the topic's SLA, else COMPLETE.</li>
 * </ol>
 */
public final class EdgeJudge {
    private final long graceMs;
    private final long stallTimeoutMs;
    private final int maxIds;

    /**
     * @param graceMs        how long after a bucket's end a tier may still report into it
     * @param stallTimeoutMs how long a tier's watermark may stand still behind its upstream before it is STALLED
     * @param maxIds         most lost (and most duplicated) ids named per judgement
     */
    public EdgeJudge(long graceMs, long stallTimeoutMs, int maxIds) {
        this.graceMs = graceMs;
        this.stallTimeoutMs = stallTimeoutMs;
        this.maxIds = maxIds;
    }

    /** @return the judgement of {@code edgeBucket} at {@code now}, with the rule that decided it in words */
    public Judgement judge(EdgeBucket edgeBucket, long now) {
        Judgement j = judgeUnexplained(edgeBucket, now);
        return explain(j, edgeBucket.edge(), edgeBucket.bucket(), edgeBucket.upView(), edgeBucket.downView());
    }

    /**
     * As {@link #judge(EdgeBucket, long)} without the reason in words, which costs more than the judgement: a caller
     * that re-judges open buckets often asks for it with {@link #explain} only when it keeps one.
     */
    public Judgement judgeUnexplained(EdgeBucket edgeBucket, long now) {
        return decide(edgeBucket, now);
    }

    /** @return {@code j} with the rule that decided it in words, as the tiers were when it was judged */
    public Judgement explain(Judgement j, Edge edge, Bucket bucket, TierView upView, TierView downView) {
        return j.withReason(Reasons.explain(j, edge, bucket, saturatedAdd(bucket.end(), graceMs), upView, downView));
    }

    private Judgement decide(EdgeBucket edgeBucket, long now) {
        Edge edge = edgeBucket.edge();
        boolean judged = edgeBucket.judged();
        TopicPolicy policy = edgeBucket.policy();
        Bucket bucket = edgeBucket.bucket();
        TierAggregate up = edgeBucket.up();
        TierAggregate down = edgeBucket.down();
        TierView upView = edgeBucket.upView();
        TierView downView = edgeBucket.downView();
        long upCount = up == null ? 0 : up.count();
        long downCount = down == null ? 0 : down.count();
        if (!judged) {
            return Judgement.of(Verdict.NOT_JUDGED, upCount, downCount, "compacted topic: edge not judged");
        }
        TierView misconfigured = downView.misconfiguredIn(bucket.start())
                ? downView
                : upView.misconfiguredIn(bucket.start()) ? upView : null;
        if (misconfigured != null) {
            // what it counted never reached the aggregates: missing counts, not missing messages
            return Judgement.of(
                    Verdict.NOT_JUDGED,
                    upCount,
                    downCount,
                    "tier " + misconfigured.tier() + " is misconfigured, its counts are refused: "
                            + misconfigured.misconfigured());
        }
        String notObserved = notObserved(bucket, up, upView, downView);
        if (notObserved != null) {
            return Judgement.of(Verdict.NOT_OBSERVED, upCount, downCount, notObserved);
        }
        long due = saturatedAdd(bucket.end(), graceMs);
        boolean upFinal = upView.effectiveWatermark() >= due;
        boolean downFinal = downView.effectiveWatermark() >= due;
        // a group stuck behind the bucket whose unread records are all gone from the log will never count them:
        // final. Not one that moves: Kafka Streams purges a repartition topic right after its commits, whose
        // counts may still be on their way
        String gone = upFinal && !downFinal && downView.commitsUnchangedMs() >= stallTimeoutMs
                ? gone(edge, up, downView)
                : null;
        downFinal |= gone != null;
        Uncommitted uncommitted = upFinal && downFinal && gone == null ? uncommitted(edge, up, downView) : null;
        if (uncommitted != null) {
            // its watermark passed the bucket, but not its group's commits: a partition no live agent reports (its
            // owner closed or died, a rebalance has not handed it over yet) holds nothing back in the watermark;
            // stalled whatever the group's lag says: that is computed over the partitions the group has committed,
            // and a group at the end of a partition has committed past every record there
            // no sample of the group's commits old enough to trust yet (a reconciler just started, a group just
            // found): not known, which is no stall
            boolean stalled =
                    now - due >= stallTimeoutMs && !downView.committedOffsets().isEmpty();
            String where = "offset " + uncommitted.last() + " of partition " + uncommitted.partition()
                    + ", this bucket's last record there (the group's commit there: "
                    + (uncommitted.committed() == null ? "none" : uncommitted.committed()) + ")";
            return stalled
                    ? Judgement.of(
                            Verdict.STALLED,
                            upCount,
                            downCount,
                            "tier " + downView.tier() + " has not committed past " + where + " since the bucket was "
                                    + "due at " + Reasons.time(due))
                    : Judgement.of(
                            Verdict.PENDING,
                            upCount,
                            downCount,
                            "waiting for " + downView.tier() + " to commit past " + where);
        }
        if (!upFinal || !downFinal) {
            TierView lagging = downFinal ? upView : downView;
            TierView other = downFinal ? downView : upView;
            boolean othersAhead = other.watermark() > lagging.watermark() || upCount > 0 || downCount > 0;
            // a tier that never reported (an expected log tier that is silent) has stood still since the bucket was due
            long since = lagging.lastAdvanceAt() == Long.MIN_VALUE ? due : lagging.lastAdvanceAt();
            boolean stalled = now >= due && !lagging.caughtUp() && othersAhead && now - since >= stallTimeoutMs;
            return stalled
                    ? Judgement.of(
                            Verdict.STALLED,
                            upCount,
                            downCount,
                            lagging.watermark() == Long.MIN_VALUE
                                    ? "tier " + lagging.tier() + " is expected and has not reported on this topic"
                                            + (edge.upstreamTopic().equals(edge.downstreamTopic())
                                                    ? ""
                                                    : " (if it reports on " + edge.downstreamTopic() + " and another "
                                                            + "reconciler receives that topic, list both topics in one "
                                                            + "tally.aggregator.topic.groups entry)")
                                    : "tier " + lagging.tier() + " has not advanced since "
                                            + Reasons.time(lagging.lastAdvanceAt()) + " (watermark "
                                            + Reasons.time(lagging.watermark()) + ")")
                    : Judgement.of(Verdict.PENDING, upCount, downCount, "");
        }
        Judgement j = compare(edge, policy, up, down, upCount, downCount, edgeBucket);
        return gone != null && j.missing() > 0 ? j.withDetail(j.detail() + "; " + gone) : j;
    }

    private Judgement compare(
            Edge edge,
            TopicPolicy policy,
            TierAggregate up,
            TierAggregate down,
            long upCount,
            long downCount,
            EdgeBucket edgeBucket) {
        long missing = Math.max(0, upCount - downCount);
        long duplicated = Math.max(0, downCount - upCount);
        List<Long> lostIds = List.of();
        List<Long> duplicatedIds = List.of();
        // across an edge whose sides cannot carry the same ids, a digest difference would be every id of both
        IdDigest upDigest = edge.countsOnly() ? null : digestOf(up, down);
        IdDigest downDigest = edge.countsOnly() ? null : digestOf(down, up);
        // equal digests (the common case) need no subtraction: no allocation per complete bucket
        if (upDigest != null
                && downDigest != null
                && upDigest.compatibleWith(downDigest)
                && !upDigest.equals(downDigest)) {
            IdDigest diff = downDigest.minus(upDigest);
            if (!diff.isEmpty()) {
                PeelResult peeled = diff.peel();
                lostIds = first(peeled.lost());
                duplicatedIds = first(peeled.duplicated());
                boolean covers = upDigest.totalCount() == upCount && downDigest.totalCount() == downCount;
                if (peeled.complete() && covers) {
                    missing = peeled.lostCount();
                    duplicated = peeled.duplicatedCount();
                } else if (edge.lossOnly()) {
                    // many extras from writers without the agent: what peeled is certain, the counts tell the rest
                    missing = Math.max(missing, peeled.lostCount());
                } else if (missing == 0 && duplicated == 0) {
                    missing = Math.max(1, peeled.lostCount());
                    duplicated = Math.max(1, peeled.duplicatedCount());
                }
            }
        }
        if (edge.lossOnly() && missing == 0) {
            long extra = Math.max(0, downCount - upCount);
            return Judgement.of(
                    Verdict.COMPLETE,
                    upCount,
                    downCount,
                    extra == 0
                            ? ""
                            : Tiers.isReader(edge.downstreamTier())
                                    ? "a reader without a group: " + extra
                                            + " more, read again; not judged as duplication"
                                    : "partial producers: " + extra + " more from writers without the agent");
        }
        if (edge.lossOnly()) {
            duplicated = 0;
            duplicatedIds = List.of();
        }
        if (edge.partial()) {
            long extra = Math.max(0, downCount - upCount);
            return extra > 0
                    ? new Judgement(
                            Verdict.DUPLICATION,
                            upCount,
                            downCount,
                            0,
                            extra,
                            List.of(),
                            duplicatedIds,
                            "partial reader: " + extra + " more than upstream")
                    : Judgement.of(Verdict.COMPLETE, upCount, downCount, "partial reader: loss not judged");
        }
        if (missing > 0 || duplicated > 0) {
            Verdict kind =
                    missing > 0 && duplicated > 0 ? Verdict.MIXED : missing > 0 ? Verdict.LOSS : Verdict.DUPLICATION;
            String detail = missing + " missing, " + duplicated + " duplicated";
            long dropped = edgeBucket.droppedUp() + edgeBucket.droppedDown();
            // counts the downstream agents dropped look like a loss, the upstream ones' like a duplication
            if (dropped > 0 && missing <= edgeBucket.droppedDown() && duplicated <= edgeBucket.droppedUp()) {
                kind = Verdict.AUDIT_GAP;
                detail += "; the agents dropped " + dropped + " counts of this bucket (" + droppedBy(edgeBucket)
                        + "), which explains it";
            } else {
                long gapAllowance = edgeBucket.gapAllowance().getAsLong();
                if (missing + duplicated <= gapAllowance + dropped) {
                    kind = Verdict.AUDIT_GAP;
                    detail += "; an agent that died unclosed could have left up to " + gapAllowance + " uncounted"
                            + (dropped > 0
                                    ? ", and the agents dropped " + dropped + " counts of this bucket ("
                                            + droppedBy(edgeBucket) + ")"
                                    : "");
                }
            }
            if (edge.countsOnly()) {
                detail += "; compared by counts only (countsOnly: the two sides cannot carry the same ids)";
            }
            if (duplicated > 0 && down != null && down.countedOnConsume() > 0) {
                detail += "; " + edge.downstreamTier() + " counted " + down.countedOnConsume() + " of its " + downCount
                        + " when it read them, not at a commit (it does not commit through the consumer): what it"
                        + " read again after a restart was processed, and counted, twice";
            }
            return new Judgement(kind, upCount, downCount, missing, duplicated, lostIds, duplicatedIds, detail);
        }
        if (policy.latencySlaMs() > 0 && down != null && !down.latency().isEmpty()) {
            double latency = down.latency().quantile(policy.latencyPercentile());
            if (latency > policy.latencySlaMs()) {
                return Judgement.of(
                        Verdict.LATENCY,
                        upCount,
                        downCount,
                        String.format(
                                java.util.Locale.ROOT,
                                "p%s latency %.0f ms at %s over the SLA of %d ms",
                                percentile(policy.latencyPercentile()),
                                latency,
                                edge.downstreamTier(),
                                policy.latencySlaMs()));
            }
        }
        return Judgement.of(Verdict.COMPLETE, upCount, downCount, edge.countsOnly() ? "compared by counts only" : "");
    }

    private static String droppedBy(EdgeBucket edgeBucket) {
        Edge edge = edgeBucket.edge();
        List<String> by = new java.util.ArrayList<>();
        if (edgeBucket.droppedUp() > 0) {
            by.add(edge.upstreamTier() + " " + edgeBucket.droppedUp());
        }
        if (edgeBucket.droppedDown() > 0) {
            by.add(edge.downstreamTier() + " " + edgeBucket.droppedDown());
        }
        boolean log = edge.upstreamTier().equals(Tiers.LOG) && edgeBucket.droppedUp() > 0
                || edge.downstreamTier().equals(Tiers.LOG) && edgeBucket.droppedDown() > 0;
        return String.join(", ", by)
                + (log
                        ? ": offsets the log tier never saw (records deleted or compacted away before it read them),"
                                + " or an agent's audit buffer full or bucket bound reached"
                        : edge.downstreamTier().startsWith(Tiers.CONSUMER_PREFIX) && edgeBucket.droppedDown() > 0
                                ? ": an agent's audit buffer full or bucket bound reached, or records a member gave up"
                                        + " when another took their partition (its own last commit, made outside"
                                        + " the client, may have covered them)"
                                : ": audit buffer full or bucket bound reached");
    }

    /**
     * @return why the bucket was not observed whole by one of the tiers, or null if it was: the downstream tier by
     *         its start offsets where both sides know offsets, else the tier that started later than the other at
     *         or before its first bucket
     */
    private static String notObserved(Bucket bucket, TierAggregate upAggregate, TierView up, TierView down) {
        long upFirst = up.firstBucketStart();
        long downFirst = down.firstBucketStart();
        boolean byOffsets = !down.startOffsets().isEmpty()
                && upAggregate != null
                && !upAggregate.firstOffsets().isEmpty();
        if (byOffsets) {
            int partition = PartitionOffsets.startedInside(upAggregate.firstOffsets(), down.startOffsets());
            if (partition >= 0) {
                return down.tier() + " started reading partition " + partition + " at offset "
                        + down.startOffsets().get(partition) + ", after this bucket's first record there (offset "
                        + upAggregate.firstOffsets().get(partition) + ")";
            }
            // a partition it has not read at all (a group that started at latest finds a quiet partition only when
            // it next gets records) is not observed yet in a bucket from before the tier started; after that, its
            // records are the tier's to read, and missing them is a loss
            for (int p : upAggregate.firstOffsets().keySet()) {
                if (!down.startOffsets().containsKey(p) && downFirst != Long.MAX_VALUE && bucket.start() < downFirst) {
                    return down.tier() + " started after this bucket and has not read partition " + p + " yet";
                }
            }
        } else if (downFirst > upFirst && downFirst != Long.MAX_VALUE && bucket.start() <= downFirst) {
            return "a tier started after this bucket";
        }
        return upFirst > downFirst && upFirst != Long.MAX_VALUE && bucket.start() <= upFirst
                ? "a tier started after this bucket"
                : null;
    }

    /** A partition whose records in a bucket a consumer group has not all committed yet. */
    private record Uncommitted(int partition, long last, Long committed) {}

    /**
     * @return the first partition whose records in the bucket, as the upstream tier counted them (the log tier knows
     *         the highest offset per partition), the downstream group has not committed past, or null when it has
     *         committed past them all or this cannot be known (another tier, a group whose commits are not known, an
     *         edge across topics)
     */
    private static Uncommitted uncommitted(Edge edge, TierAggregate up, TierView down) {
        Map<Integer, Long> committed = down.committedOffsets();
        if (committed == null
                || up == null
                || up.lastOffsets().isEmpty()
                || !edge.upstreamTopic().equals(edge.downstreamTopic())) {
            return null;
        }
        int partition = PartitionOffsets.uncommitted(up.lastOffsets(), committed);
        return partition < 0
                ? null
                : new Uncommitted(partition, up.lastOffsets().get(partition), committed.get(partition));
    }

    /**
     * @return why the downstream group will never count what it has not counted of the bucket — every record of it
     *     that the group has not committed past is gone from the log (retention deleted it while the group was
     *     behind) — or null when some may still be read, or this cannot be known (a tier whose commits or whose
     *     topic's earliest offsets are not known, an edge across topics)
     */
    private static String gone(Edge edge, TierAggregate up, TierView down) {
        Map<Integer, Long> committed = down.committedOffsets();
        Map<Integer, Long> starts = down.logStartOffsets();
        if (committed == null
                || starts.isEmpty()
                || up == null
                || up.lastOffsets().isEmpty()
                || !edge.upstreamTopic().equals(edge.downstreamTopic())) {
            return null;
        }
        String first = null;
        for (Map.Entry<Integer, Long> e : up.lastOffsets().entrySet()) {
            Long at = committed.get(e.getKey());
            if (at != null && at > e.getValue()) {
                continue; // processed
            }
            Long start = starts.get(e.getKey());
            if (start == null || start <= e.getValue()) {
                return null; // some of it is still there to read
            }
            if (first == null) {
                first = "partition " + e.getKey() + " now starts at offset " + start + ", past this bucket's last "
                        + "record there (offset " + e.getValue() + "), and " + down.tier() + " had committed "
                        + (at == null ? "nothing" : "up to " + at) + " there";
            }
        }
        return first == null
                ? null
                : "the records it had not read are gone from the log (" + first + "): deleted before it read them, "
                        + "they will never be counted";
    }

    /** The digest of {@code a}, an empty one when {@code a} reported nothing but {@code other} has a digest. */
    private static IdDigest digestOf(TierAggregate a, TierAggregate other) {
        if (a != null) {
            return a.digest();
        }
        return other != null && other.digest() != null
                ? new IdDigest(other.digest().cells())
                : null;
    }

    private List<Long> first(Map<Long, Long> ids) {
        List<Long> out = new ArrayList<>(Math.min(ids.size(), maxIds));
        for (Long id : ids.keySet()) {
            if (out.size() >= maxIds) {
                break;
            }
            out.add(id);
        }
        return out;
    }

    private static String percentile(double q) {
        String s = Double.toString(q * 100);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
