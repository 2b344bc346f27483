package io.tally.reconciler;

import io.tally.core.Clock;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.reconciler.internal.alert.AlertDispatcher;
import io.tally.reconciler.internal.kafka.AggregatesReader;
import io.tally.reconciler.internal.kafka.AuditReader;
import io.tally.reconciler.internal.kafka.GroupLagProbe;
import io.tally.reconciler.internal.state.EarlierRuns;
import io.tally.reconciler.internal.state.Evaluation;
import io.tally.reconciler.internal.state.Reconciliation;
import io.tally.reconciler.internal.verdict.AgentLiveness;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reconciler's work thread: poll, store, evaluate, alert; see {@link ReconcilerService}. */
final class ReconcilerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcilerService.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How soon after the last evaluation new progress is judged (else at the evaluation interval). */
    private static final long EAGER_EVALUATION_MS = 100;

    private final ReconcilerConfig config;
    private final Clock clock;
    private final AuditStore store;
    private final boolean ownsStore;
    private final List<AlertSink> sinks;
    private final Reconciliation reconciliation;
    private final AgentLiveness agents;
    private final AlertDispatcher dispatcher;
    private final AggregatesReader aggregates;
    private final AuditReader audit;
    private final GroupLagProbe lag;
    private final EarlierRuns earlierRuns;
    /** By key: several updates of one aggregate in a poll are written once, the latest. */
    private final Map<String, TierAggregate> unstored = new LinkedHashMap<>();

    private final Map<String, TierProgress> unstoredProgress = new LinkedHashMap<>();
    private final List<io.tally.storage.EdgeVerdict> unstoredVerdicts = new ArrayList<>();
    private final Map<java.util.UUID, Discrepancy> unstoredDiscrepancies = new LinkedHashMap<>();
    private final Map<String, io.tally.storage.VerdictRollup> unstoredRollups = new LinkedHashMap<>();
    private final Map<String, io.tally.storage.AgentSnapshot> unstoredAgents = new LinkedHashMap<>();
    private volatile boolean running = true;
    private boolean replayed;
    private int assignmentsSeen;
    private boolean progressSinceEvaluation;
    private volatile ReconcilerStats stats = new ReconcilerStats(0, 0, 0, 0, 0, 0, 0);
    private long aggregatesStored;
    private long progressStored;
    /** records of tally.aggregates read since the start, said when a replay ends */
    private long aggregatesRead;

    private long progressRead;
    private long evaluations;
    private long judged;

    ReconcilerLoop(
            ReconcilerConfig config,
            Clock clock,
            AuditStore store,
            boolean ownsStore,
            List<AlertSink> sinks,
            Reconciliation reconciliation,
            AgentLiveness agents,
            AlertDispatcher dispatcher,
            AggregatesReader aggregates,
            AuditReader audit,
            GroupLagProbe lag) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.ownsStore = ownsStore;
        this.sinks = sinks;
        this.reconciliation = reconciliation;
        this.agents = agents;
        this.dispatcher = dispatcher;
        this.aggregates = aggregates;
        this.audit = audit;
        this.lag = lag;
        this.earlierRuns = new EarlierRuns(store);
    }

    @Override
    public void run() {
        long evaluateEvery = config.getLong(ReconcilerConfig.EVALUATE_INTERVAL_MS);
        long lagEvery = config.getLong(ReconcilerConfig.LAG_CHECK_INTERVAL_MS);
        long nextEvaluation = 0;
        long lastEvaluation = Long.MIN_VALUE / 2;
        long nextLagCheck = 0;
        LOG.info("Reconciler started: {}", config);
        try {
            while (running) {
                try {
                    boolean replaying = !aggregates.replayed();
                    long judgedFrom = clock.millis() - config.getLong(ReconcilerConfig.WINDOW_MS);
                    aggregates.poll(
                            POLL,
                            new AggregatesReader.Handler() {
                                @Override
                                public void aggregate(TierAggregate a) {
                                    aggregatesRead++;
                                    boolean old = a.bucket().start() < judgedFrom;
                                    // a replay re-reads the whole retention: what is older than the window is
                                    // not judged again, and was stored when it was first read (a crash loses only
                                    // recent reads); an older, lower total published again after a restore, or a
                                    // lower total counted from zero after a start without state, is neither judged
                                    // nor stored: a bucket's count never goes down
                                    if (!old) {
                                        earlierRuns.before(a).forEach(reconciliation::accept);
                                    }
                                    boolean kept = old || reconciliation.accept(a);
                                    if (kept && !(replaying && old)) {
                                        unstored.put(a.key(), a);
                                    }
                                }

                                @Override
                                public void progress(TierProgress p) {
                                    progressRead++;
                                    unstoredProgress.put(p.tier() + '|' + p.topic(), p);
                                    reconciliation.accept(p, clock.millis());
                                    progressSinceEvaluation = true;
                                }

                                @Override
                                public void revoked(java.util.Set<String> topics) {
                                    reconciliation.forget(topics);
                                    dispatcher.forgetTopics(topics);
                                }
                            },
                            replaying ? judgedFrom : Long.MIN_VALUE);
                    sayRestarts(reconciliation.drainRestarts());
                    if (aggregates.assignments() != assignmentsSeen) {
                        // partitions arrived (at start, or in a rebalance): what was decided about their topics,
                        // by this instance before a restart or by another one, is in the store
                        long at = clock.millis();
                        reconciliation.loadDiscrepancies(store.discrepancies(DiscrepancyQuery.detectedBetween(
                                at - config.getLong(ReconcilerConfig.WINDOW_MS) - 86_400_000L, at + 1)));
                        assignmentsSeen = aggregates.assignments();
                    }
                    if (audit != null) {
                        audit.poll(Duration.ZERO, clock.millis(), agents::on);
                    }
                    long now = clock.millis();
                    if (now >= nextLagCheck || now < nextLagCheck - lagEvery) {
                        lag.refresh(reconciliation.tiersByTopic(), reconciliation::readsCommitted);
                        nextLagCheck = now + lagEvery;
                    }
                    // progress is what makes buckets final: judge soon after it arrives, not at the next tick
                    boolean eager = progressSinceEvaluation && now - lastEvaluation >= EAGER_EVALUATION_MS;
                    if ((eager || now >= nextEvaluation || now < nextEvaluation - evaluateEvery) && replayed()) {
                        lag.refreshTransactional(reconciliation.tiersByTopic(), reconciliation::readsCommitted);
                        lag.refreshUnread(reconciliation.logTierStarts(now));
                        evaluate(now); // the first one as soon as the replay is done
                        nextEvaluation = now + evaluateEvery;
                        lastEvaluation = now;
                        progressSinceEvaluation = false;
                    }
                    // what was read is stored after the verdicts it led to, so that they wait for nothing
                    flushWrites();
                } catch (WakeupException e) {
                    // close() woke the poll up
                } catch (RuntimeException e) {
                    LOG.warn("Reconciler step failed, retrying in 1 s: {}", e.toString());
                    pause(1_000);
                }
            }
        } finally {
            closeAll();
        }
    }

    /**
     * Whether what the aggregates topic (and the liveness look-back) held when its partitions were assigned has been
     * read: nothing is judged before, at start or after a rebalance brings partitions to replay.
     */
    private boolean replayed() {
        boolean now = aggregates.replayed() && (audit == null || audit.replayed());
        if (now != replayed) {
            if (now) {
                LOG.info(
                        "Read what tally.aggregates held; judging ({} aggregates and {} progress records read since the"
                                + " start)",
                        aggregatesRead,
                        progressRead);
            } else {
                LOG.info("Replaying newly assigned partitions of tally.aggregates; judging resumes when done");
            }
            replayed = now;
        }
        return now;
    }

    /** Says, once, that the aggregator started without the state of these tiers' counts, and what is done about it. */
    private static void sayRestarts(List<Reconciliation.StateRestart> restarts) {
        if (restarts.isEmpty()) {
            return;
        }
        long since = restarts.stream()
                .mapToLong(Reconciliation.StateRestart::since)
                .min()
                .getAsLong();
        LOG.warn(
                "The aggregator restarted without its state at {} ({}): {} is counted from zero again since then; the"
                        + " higher totals of the earlier run are kept, and a bucket counted on both sides of the restart"
                        + " whose counts differ is AUDIT_GAP, not LOSS or DUPLICATION",
                java.time.Instant.ofEpochMilli(since),
                since,
                restarts.stream()
                                .limit(10)
                                .map(r -> "tier " + r.tier() + " on " + r.topic())
                                .collect(java.util.stream.Collectors.joining(", "))
                        + (restarts.size() > 10 ? " and " + (restarts.size() - 10) + " more" : ""));
    }

    private void flushWrites() {
        if (!unstored.isEmpty()) {
            store.putAggregates(
                    config.getBoolean(ReconcilerConfig.STORE_DIGESTS)
                            ? unstored.values()
                            : unstored.values().stream()
                                    .map(ReconcilerLoop::withoutDigest)
                                    .toList());
            aggregatesStored += unstored.size();
            unstored.clear();
        }
        if (!unstoredProgress.isEmpty()) {
            store.putProgress(unstoredProgress.values());
            progressStored += unstoredProgress.size();
            unstoredProgress.clear();
        }
        publishStats();
    }

    private static TierAggregate withoutDigest(TierAggregate a) {
        // everything else is kept: what was counted on consume is stored and shown with the bucket's figures
        return a.digest() == null ? a : a.toBuilder().digest(null).build();
    }

    private void evaluate(long now) {
        // what is known about agents is kept first: a restarted reconciler judges with it as this one does
        agents.drainChanged().forEach(a -> unstoredAgents.put(a.instanceId(), a));
        if (!unstoredAgents.isEmpty()) {
            store.putAgents(unstoredAgents.values());
            unstoredAgents.clear();
        }
        Evaluation e = reconciliation.evaluate(now, lag);
        evaluations++;
        judged += e.judged();
        // kept until stored, so that a failing store loses no verdict or discrepancy change
        unstoredVerdicts.addAll(e.verdicts());
        e.discrepancies().forEach(d -> unstoredDiscrepancies.put(d.id(), d));
        e.rollups().forEach(r -> unstoredRollups.put(r.topic() + '|' + r.hourStart(), r));
        // discrepancies and their alerts first: a loss is not kept waiting behind a thousand COMPLETE verdicts
        for (var it = unstoredDiscrepancies.values().iterator(); it.hasNext(); ) {
            dispatcher.offer(List.of(store.putDiscrepancy(it.next())));
            it.remove();
        }
        dispatcher.evictBefore(now - config.getLong(ReconcilerConfig.WINDOW_MS));
        dispatcher.dispatch(now);
        if (!unstoredVerdicts.isEmpty()) {
            store.putVerdicts(unstoredVerdicts);
            unstoredVerdicts.clear();
        }
        if (!unstoredRollups.isEmpty()) {
            store.putRollups(unstoredRollups.values());
            unstoredRollups.clear();
        }
        agents.evictSilentSince(now - config.getLong(ReconcilerConfig.WINDOW_MS));
        publishStats();
    }

    private void publishStats() {
        stats = new ReconcilerStats(
                aggregatesStored,
                progressStored,
                evaluations,
                judged,
                reconciliation.bucketCount(),
                dispatcher.sent(),
                dispatcher.failed());
    }

    ReconcilerStats stats() {
        return stats;
    }

    void stop() {
        running = false;
        aggregates.wakeup();
        if (audit != null) {
            audit.wakeup();
        }
    }

    private void closeAll() {
        closeQuietly(aggregates);
        if (audit != null) {
            closeQuietly(audit);
        }
        closeQuietly(lag);
        closeQuietly(dispatcher); // before the sinks and the store: deliveries in progress end and are recorded
        sinks.forEach(this::closeQuietly);
        if (ownsStore) {
            closeQuietly(store);
        }
        LOG.info("Reconciler stopped");
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Closing {} failed: {}", c, e.toString());
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
