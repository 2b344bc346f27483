package io.tally.reconciler.internal.state;

import io.tally.core.Bucket;
import io.tally.core.PartitionOffsets;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.Tiers;
import io.tally.reconciler.internal.topology.Edge;
import io.tally.reconciler.internal.topology.Topology;
import io.tally.reconciler.internal.verdict.AgentLiveness;
import io.tally.reconciler.internal.verdict.EdgeBucket;
import io.tally.reconciler.internal.verdict.EdgeJudge;
import io.tally.reconciler.internal.verdict.Judgement;
import io.tally.reconciler.internal.verdict.TierView;
import io.tally.reconciler.internal.verdict.TierViews;
import io.tally.storage.Discrepancy;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.Verdict;
import io.tally.storage.VerdictRollup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The reconciler's state and evaluation: aggregates and progress in, changed verdicts and discrepancies out.
 * Time comes in as arguments (the service passes its injected clock's), so tests drive it by hand. Not
 * thread-safe: one thread feeds and evaluates it.
 *
 * <p>A tick judges each edge-bucket of the window whose verdict is not final or whose aggregates changed since it
 * was judged; a final discrepancy is judged again until {@code rejudge} after it became due, so that a death
 * noticed a little later still turns a difference into AUDIT_GAP before it alerts.
 */
public final class Reconciliation {
    /**
     * @param graceMs        see {@link EdgeJudge}
     * @param stallTimeoutMs see {@link EdgeJudge}
     * @param idleAfterMs    see {@link TierViews}
     * @param idleLagMs      see {@link TierViews}
     * @param livenessMs     see {@link TierViews}
     * @param windowMs       buckets older than this (by start, behind the clock) are forgotten
     * @param rejudgeMs      how long after it is due a discrepancy is judged again
     * @param maxIds         ids named per discrepancy
     */
    public record Settings(
            long graceMs,
            long stallTimeoutMs,
            long idleAfterMs,
            long idleLagMs,
            long livenessMs,
            long windowMs,
            long rejudgeMs,
            int maxIds,
            long tierRetireMs) {}

    private record Key(Edge edge, long bucketStart) {}

    /**
     * The aggregator started without the state of {@code tier}'s counts on {@code topic} (resubmitted without its
     * savepoint, an upgrade that dropped it): its totals count from zero again since {@code since}, epoch ms.
     */
    public record StateRestart(String tier, String topic, long since) {}

    /**
     * @param lateSince when counts of the bucket first changed after it was judged final without a discrepancy, or
     *     {@link Long#MIN_VALUE}
     */
    private record Last(Judgement judgement, long version, Bucket bucket, long lateSince) {
        Last(Judgement judgement, long version, Bucket bucket) {
            this(judgement, version, bucket, Long.MIN_VALUE);
        }
    }

    /** @param firstSeenAt when the tier's first progress on the topic arrived (clock time) */
    private record Progress(TierProgress progress, long lastAdvanceAt, long firstSeenAt) {}

    /** How long after a log tier first reports a topic its partitions not started yet hold it back. */
    static final long NEW_TOPIC_MS = 120_000;

    private final Topology topology;
    private final Settings settings;
    /** Whether the log tier has reported on any topic: from then on every topic expects it (see {@link Topology}). */
    private boolean logTierSeen;

    private final AgentLiveness liveness;
    private final EdgeJudge judge;
    private final TierViews views;
    private final Map<String, BucketTable> topics = new HashMap<>();
    private final Map<String, Progress> progress = new HashMap<>();
    private final Map<Key, Last> judged = new HashMap<>();
    private final Map<String, Set<Edge>> edgesOf = new HashMap<>();
    private final DiscrepancyBook book = new DiscrepancyBook();
    /** tier|topic → the latest {@code stateSince} its aggregates or progress said. */
    private final Map<String, Long> states = new HashMap<>();

    private final List<StateRestart> restarts = new ArrayList<>();
    private long version;

    public Reconciliation(Topology topology, Settings settings, AgentLiveness liveness) {
        this.topology = topology;
        this.settings = settings;
        this.liveness = liveness;
        this.judge = new EdgeJudge(settings.graceMs(), settings.stallTimeoutMs(), settings.maxIds());
        this.views = new TierViews(
                settings.idleAfterMs(), settings.idleLagMs(), settings.livenessMs(), settings.stallTimeoutMs());
    }

    /** Remembers discrepancies found before a restart (their detection time, whether they are open). */
    public void loadDiscrepancies(Collection<Discrepancy> known) {
        book.load(known);
    }

    /**
     * Takes a cumulative aggregate, replacing the tier's previous one for the bucket unless that one merges more
     * audit records (totals only grow; a lower one is an older state published again after a restore), or, when the
     * aggregator started without its state in between, unless that one counts more: the count of a bucket never goes
     * down, and the bucket is judged knowing that it was counted across the restart ({@link BucketTable#put}).
     *
     * @return whether it was kept
     */
    public boolean accept(TierAggregate aggregate) {
        noteState(aggregate.tier(), aggregate.topic(), aggregate.stateSince());
        BucketTable table = topics.computeIfAbsent(aggregate.topic(), t -> new BucketTable());
        BucketTable.Put put = table.put(aggregate, ++version);
        if (put == BucketTable.Put.EARLIER) {
            table.touchAll(++version);
        }
        return put != BucketTable.Put.STALE && put != BucketTable.Put.LOWER_STATE;
    }

    /** Remembers when the aggregator's state of the tier's counts on the topic began; a later one is a restart. */
    private void noteState(String tier, String topic, long since) {
        if (since == TierAggregate.UNKNOWN_STATE) {
            return;
        }
        Long known = states.put(tier + '|' + topic, since);
        if (known != null && known > since) {
            states.put(tier + '|' + topic, known); // an earlier state's message read after a later one's
        } else if (known != null && known < since) {
            restarts.add(new StateRestart(tier, topic, since));
        }
    }

    /** @return the starts without state of the aggregator found since the last call, each once */
    public List<StateRestart> drainRestarts() {
        List<StateRestart> out = List.copyOf(restarts);
        restarts.clear();
        return out;
    }

    /** Takes a tier's progress on a topic, seen at clock time {@code now}. */
    public void accept(TierProgress p, long now) {
        noteState(p.tier(), p.topic(), p.stateSince());
        logTierSeen |= p.tier().equals(topology.logTier());
        String key = p.tier() + '|' + p.topic();
        Progress old = progress.get(key);
        boolean advanced = old == null || p.watermark() > old.progress().watermark();
        TierProgress kept = old != null && old.progress().updatedAt() > p.updatedAt() ? old.progress() : p;
        progress.put(
                key, new Progress(kept, advanced ? now : old.lastAdvanceAt(), old == null ? now : old.firstSeenAt()));
        BucketTable table = topics.computeIfAbsent(p.topic(), t -> new BucketTable());
        if (p.lastHeartbeatAt() > 0 && table.seenAt(p.tier(), p.lastHeartbeatAt())) {
            table.touchAll(++version);
        }
        // drops reported late (an agent's buffer overflowed while the audit topic was down) re-open their buckets
        Map<Long, Long> before = old == null ? Map.of() : old.progress().dropped();
        if (!kept.dropped().equals(before)) {
            long v = ++version;
            kept.dropped().forEach((bucket, n) -> {
                if (!n.equals(before.get(bucket))) {
                    table.touch(bucket, v);
                }
            });
        }
    }

    /**
     * Forgets everything about {@code forgotten} topics: their partition of the aggregates topic went to another
     * reconciler, which judges them from now on. Kept, their state would go on being judged from what no longer
     * arrives here (a bucket PENDING for ever, then STALLED: an alert about a topic this instance does not own).
     */
    public void forget(Set<String> forgotten) {
        if (forgotten.isEmpty()) {
            return;
        }
        topics.keySet().removeAll(forgotten);
        progress.keySet().removeIf(key -> forgotten.contains(key.substring(key.indexOf('|') + 1)));
        judged.keySet()
                .removeIf(k -> forgotten.contains(k.edge().upstreamTopic())
                        || forgotten.contains(k.edge().downstreamTopic()));
        edgesOf.keySet().removeAll(forgotten);
        states.keySet().removeIf(key -> forgotten.contains(key.substring(key.indexOf('|') + 1)));
        book.forgetTopics(forgotten);
    }

    /**
     * Said of a loss of a read_committed tier judged against {@code log}: the records of aborted transactions are in
     * {@code log} and never reach such a reader. Only {@code log.committed} can tell them apart from a real loss.
     */
    static final String WINDOW_SETTING = "tally.reconciler.window.ms";

    static final String READ_COMMITTED_AGAINST_LOG = " reads with isolation.level=read_committed and is compared "
            + "with log, which also holds the records of aborted transactions; if this topic's producers abort "
            + "transactions, list it in tally.log.committed.topics to compare the tier with log.committed";

    /**
     * @return the tiers of {@code topic} but the consumers whose progress has not arrived yet: a tier's counts can
     *     arrive before its progress, which says how it reads ({@code read_committed} or not) and so which upstream it
     *     is judged against; judged before that, it could be judged against the wrong one, and its bucket cannot be
     *     final without its progress anyway
     */
    private Set<String> tiersWithProgress(String topic, Set<String> tiers) {
        Set<String> out = tiers;
        for (String tier : tiers) {
            boolean known = tier.equals(topology.producerTier())
                    || tier.equals(topology.logTier())
                    || tier.equals(Topology.LOG_COMMITTED)
                    || progress.containsKey(tier + '|' + topic);
            if (!known) {
                if (out == tiers) {
                    out = new HashSet<>(tiers);
                }
                out.remove(tier);
            }
        }
        return out;
    }

    /**
     * @return whether a tier's agents said they write {@code topic} in transactions (producers with a
     *     {@code transactional.id}): known with their first counts, before the brokers are asked
     */
    private boolean writtenInTransactions(String topic, Set<String> tiers) {
        for (String tier : tiers) {
            Progress p = progress.get(tier + '|' + topic);
            if (p != null && p.progress().transactional()) {
                return true;
            }
        }
        return false;
    }

    /** @return whether {@code tier}'s agents read {@code topic} with {@code isolation.level=read_committed} */
    public boolean readsCommitted(String tier, String topic) {
        Progress p = progress.get(tier + '|' + topic);
        return p != null && p.progress().readCommitted();
    }

    /** Judges what needs judging at {@code now}; @return what changed */
    public Evaluation evaluate(long now, LagView lag) {
        List<EdgeVerdict> verdicts = new ArrayList<>();
        List<Discrepancy> discrepancies = new ArrayList<>();
        evict(now, verdicts, discrepancies);
        Map<String, List<Edge>> edgesByTopic = new HashMap<>();
        Map<String, List<String[]>> upstreamOf = new HashMap<>();
        for (Map.Entry<String, BucketTable> t : topics.entrySet()) {
            String topic = t.getKey();
            List<Edge> edges = topology.edges(
                    topic,
                    tiersWithProgress(topic, t.getValue().tiers()),
                    this::tiersOf,
                    logTierSeen,
                    tier -> readsCommitted(tier, topic),
                    lag.transactional(topic)
                            || writtenInTransactions(topic, t.getValue().tiers()));
            edgesByTopic.put(t.getKey(), edges);
            for (Edge e : edges) {
                upstreamOf
                        .computeIfAbsent(e.downstreamTier() + '|' + e.downstreamTopic(), k -> new ArrayList<>())
                        .add(new String[] {e.upstreamTier(), e.upstreamTopic()});
            }
        }
        retireVanishedEdges(edgesByTopic, now, verdicts, discrepancies);
        Map<String, TierView> viewCache = new HashMap<>();
        Map<String, List<Edge>> edgesByUpstream = new HashMap<>();
        int count = 0;
        for (List<Edge> edges : edgesByTopic.values()) {
            for (Edge edge : edges) {
                edgesByUpstream
                        .computeIfAbsent(edge.upstreamTopic(), k -> new ArrayList<>())
                        .add(edge);
                TierView upView = view(edge.upstreamTier(), edge.upstreamTopic(), now, lag, upstreamOf, viewCache);
                TierView downView =
                        view(edge.downstreamTier(), edge.downstreamTopic(), now, lag, upstreamOf, viewCache);
                count += judgeEdge(edge, upView, downView, now, lag, verdicts, discrepancies);
            }
        }
        return new Evaluation(verdicts, discrepancies, count, rollups(verdicts, edgesByUpstream, now));
    }

    /**
     * An edge the topology no longer has (the default topology routes consumers through {@code log} once the log
     * tier reports, which can be after a consumer's first bucket was judged against the producer) keeps no verdict
     * that would otherwise stay PENDING forever: each of its judged buckets becomes NOT_JUDGED, saying why, and an
     * open discrepancy on it is resolved. The edges that replace it judge the same buckets.
     */
    private void retireVanishedEdges(
            Map<String, List<Edge>> edgesByTopic,
            long now,
            List<EdgeVerdict> verdicts,
            List<Discrepancy> discrepancies) {
        for (Map.Entry<String, List<Edge>> t : edgesByTopic.entrySet()) {
            Set<Edge> current = Set.copyOf(t.getValue());
            Set<Edge> before = edgesOf.put(t.getKey(), current);
            if (before == null || current.containsAll(before)) {
                continue;
            }
            Set<Edge> vanished = new HashSet<>(before);
            vanished.removeAll(current);
            for (var it = judged.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Last> e = it.next();
                if (!vanished.contains(e.getKey().edge())) {
                    continue;
                }
                Edge edge = e.getKey().edge();
                Judgement old = e.getValue().judgement();
                String reason = "NOT_JUDGED: the topology no longer has the edge " + edge.upstreamTier() + " → "
                        + edge.downstreamTier() + " (now: "
                        + current.stream()
                                .map(c -> c.upstreamTier() + " → " + c.downstreamTier())
                                .sorted()
                                .collect(Collectors.joining(", "))
                        + ")";
                Judgement retired = new Judgement(
                        Verdict.NOT_JUDGED,
                        old.upstreamCount(),
                        old.downstreamCount(),
                        0,
                        0,
                        List.of(),
                        List.of(),
                        "edge no longer in the topology",
                        reason);
                Bucket bucket = e.getValue().bucket();
                emit(edge, bucket, retired, true, now, verdicts, discrepancies);
                it.remove();
            }
        }
    }

    /** Recomputes, whole, the rollup of each topic-hour in which a verdict changed. */
    private List<VerdictRollup> rollups(List<EdgeVerdict> changed, Map<String, List<Edge>> edgesByUpstream, long now) {
        Map<String, EdgeVerdict> dirty = new LinkedHashMap<>();
        changed.forEach(v -> dirty.putIfAbsent(
                v.topic() + '|' + VerdictRollup.hourOf(v.bucket().start()), v));
        List<VerdictRollup> out = new ArrayList<>(dirty.size());
        for (EdgeVerdict v : dirty.values()) {
            long hour = VerdictRollup.hourOf(v.bucket().start());
            Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
            long upstream = 0;
            long delivered = 0;
            long lastFinal = -1;
            for (Edge edge : edgesByUpstream.getOrDefault(v.topic(), List.of())) {
                for (long start : bucketsOfHour(edge, hour)) {
                    Last last = judged.get(new Key(edge, start));
                    if (last == null) {
                        continue;
                    }
                    Judgement j = last.judgement();
                    counts.merge(j.verdict(), 1L, Long::sum);
                    if (j.verdict().isFinal()) {
                        lastFinal = Math.max(lastFinal, start);
                        if (j.verdict() != Verdict.NOT_OBSERVED && j.verdict() != Verdict.NOT_JUDGED) {
                            upstream += j.upstreamCount();
                            delivered += Math.min(j.upstreamCount(), j.downstreamCount());
                        }
                    }
                }
            }
            out.add(new VerdictRollup(
                    v.topic(),
                    hour,
                    counts,
                    upstream,
                    delivered,
                    lastFinal,
                    v.bucket().sizeMs(),
                    now));
        }
        return out;
    }

    private Collection<Long> bucketsOfHour(Edge edge, long hour) {
        TreeSet<Long> starts = new TreeSet<>();
        for (String topic : new String[] {edge.upstreamTopic(), edge.downstreamTopic()}) {
            BucketTable table = topics.get(topic);
            if (table != null) {
                starts.addAll(table.buckets()
                        .subMap(hour, true, hour + VerdictRollup.HOUR_MS, false)
                        .keySet());
            }
        }
        return starts;
    }

    private int judgeEdge(
            Edge edge,
            TierView upView,
            TierView downView,
            long now,
            LagView lag,
            List<EdgeVerdict> verdicts,
            List<Discrepancy> discrepancies) {
        BucketTable upTable = topics.get(edge.upstreamTopic());
        BucketTable downTable = topics.get(edge.downstreamTopic());
        Collection<Long> starts = upTable == downTable ? upTable.buckets().keySet() : union(upTable, downTable);
        boolean judgedEdge = topology.judged(edge);
        Retirement retired = retirement(edge.downstreamTier(), edge.downstreamTopic(), now, lag);
        int count = 0;
        for (long start : starts) {
            BucketTable.Slot upSlot = upTable.slot(start);
            BucketTable.Slot downSlot = downTable == null ? null : downTable.slot(start);
            TierAggregate up = upSlot == null ? null : upSlot.tiers.get(edge.upstreamTier());
            TierAggregate down = downSlot == null ? null : downSlot.tiers.get(edge.downstreamTier());
            if (up == null && down == null) {
                continue;
            }
            long v = Math.max(upSlot == null ? 0 : upSlot.version, downSlot == null ? 0 : downSlot.version);
            Key key = new Key(edge, start);
            Last last = judged.get(key);
            Bucket bucket = up != null ? up.bucket() : down.bucket();
            if (retired != null && bucket.end() > retired.since()) {
                count += retire(edge, bucket, up, down, retired, key, last, v, now, verdicts, discrepancies);
                continue;
            }
            if (last != null
                    && last.version() == v
                    && last.judgement().verdict().isFinal()
                    && !(last.judgement().verdict().isDiscrepancy()
                            && now < bucket.end() + settings.graceMs() + settings.rejudgeMs())) {
                continue;
            }
            count++;
            Judgement j = judge.judgeUnexplained(
                    EdgeBucket.builder(edge, bucket, upView, downView)
                            .judged(judgedEdge)
                            .policy(topology.policy(edge.upstreamTopic()))
                            .up(up)
                            .down(down)
                            .gapAllowance(() -> liveness.gapAllowance(
                                            edge.upstreamTier(), edge.upstreamTopic(), bucket, now)
                                    + liveness.gapAllowance(edge.downstreamTier(), edge.downstreamTopic(), bucket, now))
                            .droppedUp(droppedIn(edge.upstreamTier(), edge.upstreamTopic(), start))
                            .droppedDown(droppedIn(edge.downstreamTier(), edge.downstreamTopic(), start))
                            .build(),
                    now);
            Long upRestart = upSlot == null ? null : upSlot.restartedAt(edge.upstreamTier());
            Long downRestart = downSlot == null ? null : downSlot.restartedAt(edge.downstreamTier());
            if ((upRestart != null || downRestart != null) && j.verdict().isFinal()) {
                j = acrossRestart(j, edge, upRestart, downRestart);
            }
            if (settlingLateData(last, j, now)) {
                // late records of a final bucket reach the tiers one after the other: the first to count them
                // does not make a discrepancy before the others have had the grace period to count them too
                long since = last.lateSince() == Long.MIN_VALUE ? now : last.lateSince();
                judged.put(key, new Last(last.judgement(), last.version(), bucket, since));
                continue;
            }
            boolean changed = last == null
                    || last.judgement().verdict() != j.verdict()
                    || last.judgement().upstreamCount() != j.upstreamCount()
                    || last.judgement().downstreamCount() != j.downstreamCount();
            if (changed) {
                if (j.missing() > 0
                        && (j.verdict() == Verdict.LOSS || j.verdict() == Verdict.MIXED)
                        && edge.upstreamTier().equals(topology.logTier())
                        && readsCommitted(edge.downstreamTier(), edge.downstreamTopic())) {
                    j = j.withDetail(j.detail() + "; " + edge.downstreamTier() + READ_COMMITTED_AGAINST_LOG);
                }
                j = judge.explain(j, edge, bucket, upView, downView); // words only for what is kept
            }
            judged.put(key, new Last(j, v, bucket));
            emit(edge, bucket, j, changed, now, verdicts, discrepancies);
        }
        return count;
    }

    /**
     * @return {@code j} for a bucket one of whose tiers counted in it again after the aggregator started without its
     *     state ({@code upRestart}, {@code downRestart}: when, or null): its total is the higher of the two states',
     *     not their sum, so a difference is the audit's and AUDIT_GAP, never a loss or a duplication; said either way
     */
    private static Judgement acrossRestart(Judgement j, Edge edge, Long upRestart, Long downRestart) {
        if (j.verdict() == Verdict.NOT_OBSERVED || j.verdict() == Verdict.NOT_JUDGED) {
            return j;
        }
        long at = Math.max(
                upRestart == null ? Long.MIN_VALUE : upRestart, downRestart == null ? Long.MIN_VALUE : downRestart);
        String tiers = upRestart != null && downRestart != null
                ? edge.upstreamTier() + " and " + edge.downstreamTier()
                : upRestart != null ? edge.upstreamTier() : edge.downstreamTier();
        String note = "the aggregator restarted without its state at " + java.time.Instant.ofEpochMilli(at) + " and "
                + tiers + " counted in this bucket after it: totals before it kept from the earlier run, what was"
                + " counted after it not added to them";
        String detail = j.detail().isEmpty() ? note : j.detail() + "; " + note;
        return switch (j.verdict()) {
            case LOSS, DUPLICATION, MIXED, AUDIT_GAP ->
                new Judgement(
                        Verdict.AUDIT_GAP,
                        j.upstreamCount(),
                        j.downstreamCount(),
                        j.missing(),
                        j.duplicated(),
                        j.lostIds(),
                        j.duplicatedIds(),
                        detail + " (the difference is the audit's, not the pipeline's)",
                        j.reason());
            default -> j.withDetail(detail);
        };
    }

    /**
     * Passes on {@code j} as the verdict of {@code edge} in {@code bucket} when it {@code changed}, and the discrepancy
     * it opens, changes or resolves.
     */
    private void emit(
            Edge edge,
            Bucket bucket,
            Judgement j,
            boolean changed,
            long now,
            List<EdgeVerdict> verdicts,
            List<Discrepancy> discrepancies) {
        if (changed) {
            verdicts.add(new EdgeVerdict(
                    edge.upstreamTopic(),
                    bucket,
                    edge.upstreamTier(),
                    edge.downstreamTier(),
                    j.verdict(),
                    j.upstreamCount(),
                    j.downstreamCount(),
                    now,
                    j.reason()));
        }
        Discrepancy d = book.apply(edge, bucket, j, now);
        if (d != null) {
            discrepancies.add(d);
        }
    }

    /** @return why {@code tier} is no longer expected on {@code topic}, or null while it is */
    private Retirement retirement(String tier, String topic, long now, LagView lag) {
        Progress p = progress.get(tier + '|' + topic);
        return p == null
                ? null
                : Retirement.of(
                        p.progress(),
                        now,
                        settings.tierRetireMs(),
                        settings.livenessMs(),
                        lag.withoutOffsets(tier, topic));
    }

    /** Judges a bucket after its downstream tier was retired: NOT_JUDGED, saying why. @return buckets judged */
    private int retire(
            Edge edge,
            Bucket bucket,
            TierAggregate up,
            TierAggregate down,
            Retirement retired,
            Key key,
            Last last,
            long version,
            long now,
            List<EdgeVerdict> verdicts,
            List<Discrepancy> discrepancies) {
        if (last != null && last.version() == version && last.judgement().verdict() == Verdict.NOT_JUDGED) {
            return 0;
        }
        Judgement j = new Judgement(
                Verdict.NOT_JUDGED,
                up == null ? 0 : up.count(),
                down == null ? 0 : down.count(),
                0,
                0,
                List.of(),
                List.of(),
                retired.reason(),
                retired.reason());
        judged.put(key, new Last(j, version, bucket));
        emit(edge, bucket, j, true, now, verdicts, discrepancies);
        return 1;
    }

    /**
     * @return whether {@code j}, a discrepancy found in a bucket that was final without one, comes from late records
     *     that have not had the grace period yet to reach every tier since they first changed its counts
     */
    private boolean settlingLateData(Last last, Judgement j, long now) {
        if (last == null
                || !last.judgement().verdict().isFinal()
                || last.judgement().verdict().isDiscrepancy()
                || !j.verdict().isDiscrepancy()) {
            return false;
        }
        return last.lateSince() == Long.MIN_VALUE || now < last.lateSince() + settings.graceMs();
    }

    /**
     * @return what the tier's agents reported dropping in the topic's bucket; for the log tier, also the bucket's
     *     records below where it started reading a partition, as the producers' offsets place them: records deleted
     *     before it first read there (Kafka Streams purges its repartition topics as it commits; a log tier that
     *     finds such a topic seconds after it was created starts above records its producers and groups counted),
     *     which it never saw, as it never sees the offsets a partition skips while it reads
     */
    private long droppedIn(String tier, String topic, long bucketStart) {
        Progress p = progress.get(tier + '|' + topic);
        if (p == null) {
            return 0;
        }
        long dropped = p.progress().droppedIn(bucketStart);
        Map<Integer, Long> starts = p.progress().startOffsets();
        BucketTable table = topics.get(topic);
        BucketTable.Slot slot = table == null ? null : table.slot(bucketStart);
        if (slot != null && !starts.isEmpty() && (tier.equals(Tiers.LOG) || tier.equals(Tiers.LOG_COMMITTED))) {
            long below = 0;
            for (TierAggregate written : slot.tiers.values()) {
                if (!written.tier().equals(tier) && !written.lastOffsets().isEmpty()) {
                    below = Math.max(
                            below, PartitionOffsets.belowStarts(written.firstOffsets(), written.lastOffsets(), starts));
                }
            }
            dropped += below;
        }
        return dropped;
    }

    private TierView view(
            String tier,
            String topic,
            long now,
            LagView lag,
            Map<String, List<String[]>> upstreamOf,
            Map<String, TierView> cache) {
        String key = tier + '|' + topic;
        TierView cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        cache.put(key, TierView.unknown(tier)); // guards against cycles in a configured topology
        List<TierView> ups = new ArrayList<>();
        for (String[] u : upstreamOf.getOrDefault(key, List.of())) {
            ups.add(view(u[0], u[1], now, lag, upstreamOf, cache));
        }
        Progress p = progress.get(key);
        if (p != null && !lag.unreadPartitions(tier, topic).isEmpty()) {
            p = null; // a log tier that has not started reading a partition with records has not got anywhere yet
        }
        BucketTable table = topics.get(topic);
        TierView v = views.view(
                tier,
                p == null ? null : p.progress(),
                p == null ? Long.MIN_VALUE : p.lastAdvanceAt(),
                table == null ? Long.MAX_VALUE : table.firstBucket(tier),
                lag.caughtUp(tier, topic),
                liveness.allClosed(tier, topic),
                ups,
                now);
        v = v.withCluster(
                        lag.committedOffsets(tier, topic),
                        lag.logStartOffsets(topic),
                        lag.commitsUnchangedMs(tier, topic))
                .withMisconfigured(
                        p == null ? "" : p.progress().misconfigured(),
                        p == null ? Long.MIN_VALUE : p.progress().misconfiguredUpTo());
        cache.put(key, v);
        return v;
    }

    private Set<String> tiersOf(String topic) {
        BucketTable t = topics.get(topic);
        return t == null ? Set.of() : t.tiers();
    }

    private static Collection<Long> union(BucketTable a, BucketTable b) {
        TreeSet<Long> all = new TreeSet<>(a.buckets().keySet());
        if (b != null) {
            all.addAll(b.buckets().keySet());
        }
        return all;
    }

    /**
     * Forgets the buckets that left the window; one that leaves it without a final verdict (a group that moves but
     * stays a day behind, an upstream that never caught up) ends STALLED with what was not counted by then, so that
     * it does not go out of sight PENDING: the records its tier has not read may be deleted before it does.
     */
    private void evict(long now, List<EdgeVerdict> verdicts, List<Discrepancy> discrepancies) {
        long cutoff = now - settings.windowMs();
        for (var it = judged.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Last> e = it.next();
            if (e.getKey().bucketStart() >= cutoff) {
                continue;
            }
            Judgement last = e.getValue().judgement();
            if (!last.verdict().isFinal()) {
                Edge edge = e.getKey().edge();
                Bucket bucket = e.getValue().bucket();
                Judgement end = leftTheWindow(edge, last);
                emit(edge, bucket, end, true, now, verdicts, discrepancies);
            }
            it.remove();
        }
        topics.values().forEach(t -> t.evictBefore(cutoff));
        book.evictBucketsBefore(cutoff);
    }

    /** @return the last word on a bucket that leaves the window not final */
    private Judgement leftTheWindow(Edge edge, Judgement last) {
        long missing = Math.max(0, last.upstreamCount() - last.downstreamCount());
        String reason = "STALLED: still " + last.verdict() + " when it left the reconciler's window ("
                + WINDOW_SETTING + " = " + settings.windowMs() / 60_000 + " min): " + edge.downstreamTier() + " had "
                + last.downstreamCount() + " of " + last.upstreamCount() + " (" + missing + " not counted); it is no"
                + " longer judged, and records not read by the tier before retention deletes them are lost to it";
        return new Judgement(
                Verdict.STALLED,
                last.upstreamCount(),
                last.downstreamCount(),
                missing,
                0,
                List.of(),
                List.of(),
                reason.substring("STALLED: ".length()),
                reason);
    }

    /** @return the tiers that reported on each topic (a copy) */
    public Map<String, Set<String>> tiersByTopic() {
        Map<String, Set<String>> out = new HashMap<>();
        topics.forEach((topic, table) -> out.put(topic, Set.copyOf(table.tiers())));
        return out;
    }

    /**
     * @return log tier|topic → the partitions that log tier has started reading, for the topics it began reporting
     *     within {@link #NEW_TOPIC_MS} of {@code now} (a topic it has just found; later, a partition it read before a
     *     restart and that has had no record since is rightly absent from what it started)
     */
    public Map<String, Set<Integer>> logTierStarts(long now) {
        Map<String, Set<Integer>> out = new HashMap<>();
        progress.forEach((key, p) -> {
            String tier = p.progress().tier();
            if ((tier.equals(topology.logTier()) || tier.equals(Topology.LOG_COMMITTED))
                    && now - p.firstSeenAt() < NEW_TOPIC_MS) {
                out.put(key, p.progress().startOffsets().keySet());
            }
        });
        return out;
    }

    /** @return topic-buckets held */
    public int bucketCount() {
        return topics.values().stream().mapToInt(BucketTable::size).sum();
    }
}
