package io.tally.aggregator.internal.aggregate;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.progress.ProgressRules;
import io.tally.core.AuditMessage;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by {@code topic|tier}: sums the partial sums of its buckets and keeps each agent's latest mark (its
 * heartbeat for the topic), and upserts to the aggregates topic, at most once per emit interval, the cumulative
 * {@link TierAggregate} of every bucket that changed and then the tier's {@link TierProgress} on the topic
 * ({@link ProgressRules}) — again when a live agent's liveness runs out.
 *
 * <p>The order is what keeps progress from getting ahead of the counts it covers (DESIGN.md, "Lag is not loss"):
 * an agent's mark arrives after the partial sums of every count it sent before its heartbeat (the dedup step passes
 * an agent's messages on in seq order, the combiner flushes a topic's sums ahead of its mark), and each emission
 * writes the changed aggregates before the progress, through the same sink subtask to the same partition of the
 * aggregates topic. A reconciler reading that partition in order never sees a watermark before the counts under it.
 *
 * <p>Every aggregate and progress says when the state of its {@code topic|tier} began ({@code stateSince}): the
 * processing time of the key's first count or heartbeat when it had no state, kept in keyed state with the sums, so
 * that a restore (and a rescale) keeps it and a start without restored state (a job resubmitted without its savepoint,
 * an upgrade that drops the operator's state) gives a later one. Totals count from zero again in a new state; the
 * reconciler keeps the earlier state's totals instead of taking the lower ones for a regression, and says so. A key
 * restored with sums or marks from a version that did not record it says 0: begun before it was recorded.
 *
 * <p>Once a bucket is older than the retention (its start plus {@code ttl}, by the processing-time clock: the
 * decoder refuses records that old) its key gets a tombstone, so the compacted aggregates topic holds only the
 * buckets within the retention and a reconciler's replay stays bounded however long the job runs.
 */
public final class TopicTierAggregator extends KeyedProcessFunction<String, Partial, Envelope>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TopicTierAggregator.class);
    /** {@code stateSince} of a key restored with sums or marks from a version that did not record it. */
    static final long BEFORE_RECORDED = 0;

    private final String aggregatesTopic;
    private final long emitIntervalMs;
    private final Duration ttl;
    private final long livenessMs;
    private final Duration retention;
    private final TopicGroups groups;
    private transient MapState<Long, Accumulator> sums;
    private transient MapState<Long, Boolean> changed;
    private transient MapState<String, AuditMessage> marks;
    private transient ValueState<Long> emitAt;
    private transient ValueState<Boolean> progressChanged;
    private transient ValueState<Long> livenessCheckAt;
    private transient ValueState<Long> stateSince;
    private transient AuditClock auditClock;

    /**
     * @param ttl       how long a bucket's sum is kept after its start: the retention plus a margin, so that a record
     *                  the decoder accepts finds its bucket's sum
     * @param liveness  how long an agent counts as live after its last heartbeat
     * @param retention how long an agent's last mark is kept
     */
    public TopicTierAggregator(
            String aggregatesTopic, Duration emitInterval, Duration ttl, Duration liveness, Duration retention) {
        this(aggregatesTopic, emitInterval, ttl, liveness, retention, TopicGroups.parse(""));
    }

    /** @param groups topics written to one partition of the aggregates topic */
    public TopicTierAggregator(
            String aggregatesTopic,
            Duration emitInterval,
            Duration ttl,
            Duration liveness,
            Duration retention,
            TopicGroups groups) {
        this.groups = groups;
        this.aggregatesTopic = aggregatesTopic;
        this.emitIntervalMs = emitInterval.toMillis();
        this.ttl = ttl;
        this.livenessMs = liveness.toMillis();
        this.retention = retention;
    }

    @Override
    public void open(OpenContext context) {
        MapStateDescriptor<Long, Accumulator> sumsDescriptor =
                new MapStateDescriptor<>("bucket-sums", Types.LONG, AccumulatorSerializer.TYPE_INFO);
        sumsDescriptor.enableTimeToLive(ttl(ttl));
        sums = getRuntimeContext().getMapState(sumsDescriptor);
        changed =
                getRuntimeContext().getMapState(new MapStateDescriptor<>("changed-buckets", Types.LONG, Types.BOOLEAN));
        MapStateDescriptor<String, AuditMessage> marksDescriptor =
                new MapStateDescriptor<>("agent-marks", Types.STRING, AuditMessageSerializer.TYPE_INFO);
        marksDescriptor.enableTimeToLive(ttl(retention));
        marks = getRuntimeContext().getMapState(marksDescriptor);
        emitAt = getRuntimeContext().getState(new ValueStateDescriptor<>("emit-at", Types.LONG));
        progressChanged = getRuntimeContext().getState(new ValueStateDescriptor<>("progress-changed", Types.BOOLEAN));
        livenessCheckAt = getRuntimeContext().getState(new ValueStateDescriptor<>("liveness-check-at", Types.LONG));
        // no ttl: one long per topic|tier, and a key that comes back after its sums expired is still the same state
        stateSince = getRuntimeContext().getState(new ValueStateDescriptor<>("state-since", Types.LONG));
        auditClock = new AuditClock();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        if (!context.isRestored() && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            LOG.info("Aggregation starts without restored state: totals are counted from zero, each aggregate saying"
                    + " since when (stateSince); the reconciler keeps the totals of an earlier run that are higher");
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // all of its state is keyed
    }

    private static StateTtlConfig ttl(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
    }

    @Override
    public void processElement(Partial partial, Context ctx, Collector<Envelope> out) throws Exception {
        TimerService timers = ctx.timerService();
        long now = timers.currentProcessingTime();
        boolean idle = emitAt.value() == null;
        if (idle && stateSince.value() == null) {
            // checked once per emission at most, not per element: a key with a pending emission has its state
            stateSince.update(sums.isEmpty() && marks.isEmpty() ? now : BEFORE_RECORDED);
        }
        if (partial.sum() != null) {
            Accumulator sum = partial.sum();
            Accumulator acc = sums.get(sum.bucketStart);
            if (acc == null) {
                acc = sum;
                timers.registerProcessingTimeTimer(Math.max(sum.bucketStart + ttl.toMillis(), now + 1));
            } else {
                acc.merge(sum);
            }
            sums.put(sum.bucketStart, acc);
            changed.put(sum.bucketStart, Boolean.TRUE);
        } else {
            Heartbeat mark = partial.mark();
            String agent = mark.agent().instanceId();
            if (!ProgressRules.supersedes(mark, (Heartbeat) marks.get(agent))) {
                return;
            }
            marks.put(agent, mark);
            auditClock.read(mark.emittedAt(), now); // its arrival (see DedupFunction)
            progressChanged.update(Boolean.TRUE);
        }
        if (idle) {
            emitAt.update(now + emitIntervalMs);
            timers.registerProcessingTimeTimer(now + emitIntervalMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        String key = ctx.getCurrentKey();
        String topic = key.substring(0, key.indexOf('|'));
        long expired = timestamp - ttl.toMillis();
        if (sums.contains(expired)) {
            sums.remove(expired);
            changed.remove(expired);
            out.collect(Envelope.partitioned(aggregatesTopic, key + '|' + expired, null, groups.partitionKey(topic)));
        }
        Long check = livenessCheckAt.value();
        if (check != null && timestamp >= check) {
            livenessCheckAt.clear();
            progressChanged.update(Boolean.TRUE);
            emitAt.update(timestamp); // a live agent went silent: the progress changes now
        }
        Long due = emitAt.value();
        if (due == null || timestamp < due) {
            return;
        }
        emitAt.clear();
        emit(key.substring(key.indexOf('|') + 1), topic, ctx, out);
    }

    /** Writes the changed aggregates, then (if it changed) the progress: never the other way round. */
    private void emit(String tier, String topic, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        Long since = stateSince.value();
        if (since == null) { // restored with a pending emission from a version that did not record it
            since = BEFORE_RECORDED;
            stateSince.update(since);
        }
        for (long bucket : new TreeSet<>(iterable(changed.keys()))) {
            Accumulator acc = sums.get(bucket);
            if (acc != null) {
                TierAggregate aggregate = acc.toAggregate(since);
                out.collect(Envelope.partitioned(
                        aggregatesTopic, aggregate.key(), AuditCodec.encode(aggregate), groups.partitionKey(topic)));
            }
        }
        changed.clear();
        if (!Boolean.TRUE.equals(progressChanged.value())) {
            return;
        }
        progressChanged.clear();
        long processingNow = ctx.timerService().currentProcessingTime();
        List<Heartbeat> latest = new ArrayList<>();
        long newestKnown = Long.MIN_VALUE;
        for (AuditMessage m : marks.values()) {
            latest.add((Heartbeat) m);
            newestKnown = Math.max(newestKnown, ((Heartbeat) m).emittedAt());
        }
        // liveness by the audit stream's time, not the wall clock: see AuditClock
        long now = auditClock.now(processingNow, newestKnown == Long.MIN_VALUE ? processingNow : newestKnown);
        for (TierProgress p : ProgressRules.compute(tier, latest, now, livenessMs)) {
            p = p.toBuilder().stateSince(since).build();
            out.collect(Envelope.partitioned(
                    aggregatesTopic, AuditCodec.kafkaKey(p), AuditCodec.encode(p), groups.partitionKey(topic)));
        }
        long expiry = ProgressRules.nextExpiry(latest, now, livenessMs);
        if (expiry != Long.MAX_VALUE) {
            // in processing time: the audit stream's time runs behind it by as much as there is to read
            long at = Math.max(expiry, now + 1) + (processingNow - now);
            livenessCheckAt.update(at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    private static <T> List<T> iterable(Iterable<T> values) {
        List<T> out = new ArrayList<>();
        values.forEach(out::add);
        return out;
    }
}
