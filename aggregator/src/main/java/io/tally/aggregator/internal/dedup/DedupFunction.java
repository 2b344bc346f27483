package io.tally.aggregator.internal.dedup;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.decode.AuditDecoder;
import io.tally.aggregator.internal.decode.RefusedCounts;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by agent instance id: decodes each record routed here ({@link AuditDecoder}; what cannot be used goes to
 * {@link #DEAD_LETTERS} with the reason) and passes each {@code (agent, seq)} on once.
 *
 * <p>A heartbeat is passed on only after every message the agent numbered before it (DESIGN.md, "progress never
 * gets ahead of the counts it covers"): the agent's counts and its heartbeats travel on different partitions of the
 * audit topic, so a heartbeat can be read before counts sent ahead of it, and the progress computed from it would
 * then cover counts not yet summed. It waits until the seqs below its own have all been seen; one that waits longer
 * than {@code heartbeatHold} (the agent dropped audit records it had numbered, so they never come) is passed on then,
 * counted in {@value #HELD_TOO_LONG}. Downstream, everything of one agent then leaves this operator in seq order.
 *
 * <p>Liveness is judged by arrival, not by the agent's clock: where the brokers stamp {@code tally.audit}'s records
 * with their append time, a heartbeat leaves with that time as its {@code emittedAt}, so that an agent whose host
 * clock is a minute behind is live, and one ahead dies on time. An agent whose clock is off by more than the skew
 * bound is logged (once per agent and operator) and counted in {@value #CLOCK_SKEWED}.
 *
 * <p>Metrics: {@value #DEAD_LETTER_METRIC}, {@value #DUPLICATES}, {@value #GIVEN_UP}, {@value #HELD_TOO_LONG},
 * {@value #CLOCK_SKEWED}.
 * Flink's processing-time clock decides which buckets are past the retention.
 */
public final class DedupFunction extends KeyedProcessFunction<String, RawRecord, AuditMessage>
        implements ResultTypeQueryable<AuditMessage> {
    private static final long serialVersionUID = 1L;
    public static final String DEAD_LETTER_METRIC = "deadLetters";
    public static final String DUPLICATES = "duplicatesDropped";
    public static final String GIVEN_UP = "seqGivenUp";
    public static final String HELD_TOO_LONG = "heartbeatsHeldTooLong";
    public static final String CLOCK_SKEWED = "heartbeatsClockSkewed";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DedupFunction.class);
    /** Agents already logged as skewed, bounded: a fleet of wrong clocks is logged in part, counted in whole. */
    private static final int MAX_SKEWED_LOGGED = 1_000;
    /**
     * Heartbeats waiting for earlier seqs kept per agent; past it the oldest is dropped (a newer one supersedes it).
     */
    private static final int MAX_HELD = 16;
    /** Side output of the records that go to the dead-letter topic. */
    public static final OutputTag<Envelope> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(Envelope.class));

    private final AuditDecoder decoder;
    private final String dlqTopic;
    private final Duration retention;
    private final int window;
    private final long heartbeatHoldMs;
    private transient ValueState<long[]> seen;
    private transient ListState<AuditMessage> held;
    private transient ValueState<Long> holdUntil;
    /** why the agent's latest counts were refused ({@link RefusedCounts}), until some are accepted again */
    private transient ValueState<String> refused;

    private transient java.util.Set<String> refusalLogged;
    private transient Counter heldTooLong;
    private transient Counter deadLetters;
    private transient Counter duplicates;
    private transient Counter givenUp;
    private transient Counter clockSkewed;
    private transient java.util.Set<String> skewLogged;

    public DedupFunction(
            AuditDecoder decoder, String dlqTopic, Duration retention, int window, Duration heartbeatHold) {
        this.heartbeatHoldMs = heartbeatHold.toMillis();
        this.decoder = decoder;
        this.dlqTopic = dlqTopic;
        this.retention = retention;
        this.window = window;
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<long[]> descriptor =
                new ValueStateDescriptor<>("seen-seqs", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(descriptor);
        held = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("held-heartbeats", AuditMessageSerializer.TYPE_INFO));
        holdUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("hold-until", Types.LONG));
        ValueStateDescriptor<String> refusedDescriptor = new ValueStateDescriptor<>("refused", Types.STRING);
        refusedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        refused = getRuntimeContext().getState(refusedDescriptor);
        refusalLogged = new java.util.HashSet<>();
        heldTooLong = getRuntimeContext().getMetricGroup().counter(HELD_TOO_LONG);
        deadLetters = getRuntimeContext().getMetricGroup().counter(DEAD_LETTER_METRIC);
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES);
        givenUp = getRuntimeContext().getMetricGroup().counter(GIVEN_UP);
        clockSkewed = getRuntimeContext().getMetricGroup().counter(CLOCK_SKEWED);
        skewLogged = new java.util.HashSet<>();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<AuditMessage> out) throws Exception {
        AuditMessage message;
        try {
            message = decoder.decode(raw, ctx.timerService().currentProcessingTime());
        } catch (RefusedCounts e) {
            refuse(raw, e, ctx, out);
            return;
        } catch (CodecException e) {
            reject(raw, e.getMessage(), ctx);
            return;
        }
        if (!message.agent().instanceId().equals(ctx.getCurrentKey())) {
            reject(raw, "ambiguous agent field", ctx);
            return;
        }
        if (message instanceof Heartbeat h && raw.appendedAt >= 0) {
            message = byArrival(h, raw.appendedAt);
        }
        SeqWindow w = SeqWindow.fromState(seen.value());
        if (!w.add(message.seq(), window)) {
            duplicates.inc();
            return;
        }
        givenUp.inc(w.givenUp());
        seen.update(w.toState());
        if (message instanceof AuditRecord r) {
            if (refused.value() != null) {
                refused.clear(); // it counts as the deployment does now
            }
            out.collect(r);
        } else {
            hold((Heartbeat) message, ctx);
        }
        release(w.firstUnseen(), out);
    }

    /**
     * Sends counts its agent is configured otherwise for to the dead-letter topic, and keeps why: the agent's
     * heartbeats say it from now on, so that its tier is shown as misconfigured rather than as losing what it counted.
     * Their seq counts as seen: the agent's heartbeats do not wait for it.
     */
    private void refuse(RawRecord raw, RefusedCounts e, Context ctx, Collector<AuditMessage> out) throws Exception {
        reject(raw, e.getMessage(), ctx);
        AuditRecord r = e.record();
        if (!r.agent().instanceId().equals(ctx.getCurrentKey())) {
            return;
        }
        if (!e.reason().equals(refused.value())) {
            refused.update(e.reason());
        }
        if (refusalLogged.size() < MAX_SKEWED_LOGGED
                && refusalLogged.add(r.agent().instanceId())) {
            LOG.warn(
                    "Agent {} on host {} (tier {}, topic {}): counts refused: {}",
                    r.agent().instanceId(),
                    r.agent().host(),
                    r.tier(),
                    r.topic(),
                    e.reason());
        }
        SeqWindow w = SeqWindow.fromState(seen.value());
        if (w.add(r.seq(), window)) {
            givenUp.inc(w.givenUp());
            seen.update(w.toState());
            release(w.firstUnseen(), out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditMessage> out) throws Exception {
        Long until = holdUntil.value();
        if (until == null || timestamp < until) {
            return; // the heartbeats it was set for were passed on
        }
        // what they wait for is not coming: pass on the newest
        release(Long.MAX_VALUE, out);
        heldTooLong.inc();
    }

    /** @return {@code h} with the time it reached the audit topic as its emission time */
    private Heartbeat byArrival(Heartbeat h, long appendedAt) {
        long off = h.emittedAt() - appendedAt;
        if (Math.abs(off) > decoder.skewBoundMs()) {
            clockSkewed.inc();
            if (skewLogged.size() < MAX_SKEWED_LOGGED
                    && skewLogged.add(h.agent().instanceId())) {
                LOG.warn(
                        "Agent {} on host {} (tier {}): its clock is {} ms {} the brokers' (bound {} ms, "
                                + "tally.skew.future.ms); its liveness is judged by when its heartbeats arrive",
                        h.agent().instanceId(),
                        h.agent().host(),
                        h.tier(),
                        Math.abs(off),
                        off > 0 ? "ahead of" : "behind",
                        decoder.skewBoundMs());
            }
        }
        return off == 0 ? h : h.toBuilder().emittedAt(appendedAt).build();
    }

    private void hold(Heartbeat heartbeat, Context ctx) throws Exception {
        List<AuditMessage> waiting = new ArrayList<>();
        held.get().forEach(waiting::add);
        waiting.add(heartbeat);
        waiting.sort(Comparator.comparingLong(AuditMessage::seq));
        if (waiting.size() > MAX_HELD) {
            waiting = waiting.subList(waiting.size() - MAX_HELD, waiting.size());
        }
        held.update(waiting);
        if (holdUntil.value() == null) {
            long until = ctx.timerService().currentProcessingTime() + heartbeatHoldMs;
            holdUntil.update(until);
            ctx.timerService().registerProcessingTimeTimer(until);
        }
    }

    /** Passes on the newest held heartbeat all of whose earlier seqs were seen, and drops the older ones. */
    private void release(long firstUnseen, Collector<AuditMessage> out) throws Exception {
        if (holdUntil.value() == null) {
            return; // nothing held
        }
        List<AuditMessage> waiting = new ArrayList<>();
        held.get().forEach(waiting::add);
        AuditMessage newest = null;
        List<AuditMessage> still = new ArrayList<>();
        for (AuditMessage h : waiting) {
            if (h.seq() < firstUnseen) {
                newest = h;
            } else {
                still.add(h);
            }
        }
        if (newest == null) {
            return;
        }
        // said when it leaves, after every count numbered before it: one refused just before is known by then
        String reason = refused.value();
        out.collect(
                reason == null
                        ? newest
                        : ((Heartbeat) newest).toBuilder().refused(reason).build());
        if (still.isEmpty()) {
            held.clear();
            holdUntil.clear();
        } else {
            held.update(still);
        }
    }

    @Override
    public TypeInformation<AuditMessage> getProducedType() {
        return AuditMessageSerializer.TYPE_INFO;
    }

    private void reject(RawRecord raw, String reason, Context ctx) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, Envelope.deadLetter(dlqTopic, raw.key, raw.value, reason, raw.origin()));
    }
}
