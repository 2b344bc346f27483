package io.tally.aggregator.internal.progress;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AuditMessage;
import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by tier: keeps each agent's latest heartbeat and upserts the tier's progress per topic, at most once per
 * emit interval, and again when a live agent's liveness runs out.
 */
public final class ProgressFunction extends KeyedProcessFunction<String, Heartbeat, Envelope> {
    private static final long serialVersionUID = 1L;

    private final String aggregatesTopic;
    private final long emitIntervalMs;
    private final long livenessMs;
    private final Duration retention;
    private transient MapState<String, AuditMessage> agents;
    private transient ValueState<Long> nextEmit;

    public ProgressFunction(String aggregatesTopic, Duration emitInterval, Duration liveness, Duration retention) {
        this.aggregatesTopic = aggregatesTopic;
        this.emitIntervalMs = emitInterval.toMillis();
        this.livenessMs = liveness.toMillis();
        this.retention = retention;
    }

    @Override
    public void open(OpenContext context) {
        MapStateDescriptor<String, AuditMessage> descriptor =
                new MapStateDescriptor<>("agents", Types.STRING, AuditMessageSerializer.TYPE_INFO);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        agents = getRuntimeContext().getMapState(descriptor);
        nextEmit = getRuntimeContext().getState(new ValueStateDescriptor<>("next-emit", Types.LONG));
    }

    @Override
    public void processElement(Heartbeat heartbeat, Context ctx, Collector<Envelope> out) throws Exception {
        String id = heartbeat.agent().instanceId();
        Heartbeat current = (Heartbeat) agents.get(id);
        if (!ProgressRules.supersedes(heartbeat, current)) {
            return;
        }
        agents.put(id, heartbeat);
        schedule(ctx.timerService().currentProcessingTime() + emitIntervalMs, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        Long due = nextEmit.value();
        if (due == null || due > timestamp) {
            return; // a timer that was superseded by an earlier one
        }
        nextEmit.clear();
        long now = ctx.timerService().currentProcessingTime();
        List<Heartbeat> latest = new ArrayList<>();
        for (AuditMessage m : agents.values()) {
            latest.add((Heartbeat) m);
        }
        for (TierProgress p : ProgressRules.compute(ctx.getCurrentKey(), latest, now, livenessMs)) {
            out.collect(Envelope.partitioned(aggregatesTopic, AuditCodec.kafkaKey(p), AuditCodec.encode(p), p.topic()));
        }
        long expiry = ProgressRules.nextExpiry(latest, now, livenessMs);
        if (expiry != Long.MAX_VALUE) {
            schedule(Math.max(expiry, now + 1), ctx.timerService());
        }
    }

    private void schedule(long at, org.apache.flink.streaming.api.TimerService timers) throws Exception {
        Long due = nextEmit.value();
        if (due != null && due <= at) {
            return;
        }
        nextEmit.update(at);
        timers.registerProcessingTimeTimer(at);
    }
}
