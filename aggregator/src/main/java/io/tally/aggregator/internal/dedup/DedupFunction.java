package io.tally.aggregator.internal.dedup;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Keyed by agent instance id: passes each {@code (agent, seq)} on once, audit records on the main output and
 * heartbeats on {@link #HEARTBEATS}. Counts repeats in the metric
 * {@value #DUPLICATES} and seqs given up by the window in {@value #GIVEN_UP}.
 */
public final class DedupFunction extends KeyedProcessFunction<String, AuditMessage, AuditRecord>
        implements ResultTypeQueryable<AuditRecord> {
    private static final long serialVersionUID = 1L;
    /** Side output of the heartbeats. */
    public static final OutputTag<Heartbeat> HEARTBEATS =
            new OutputTag<>("heartbeats", AuditMessageSerializer.typeInfo(Heartbeat.class));
    public static final String DUPLICATES = "duplicatesDropped";
    public static final String GIVEN_UP = "seqGivenUp";

    private final Duration retention;
    private final int window;
    private transient ValueState<long[]> seen;
    private transient Counter duplicates;
    private transient Counter givenUp;

    public DedupFunction(Duration retention, int window) {
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
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES);
        givenUp = getRuntimeContext().getMetricGroup().counter(GIVEN_UP);
    }

    @Override
    public void processElement(AuditMessage message, Context ctx, Collector<AuditRecord> out) throws Exception {
        SeqWindow w = SeqWindow.fromState(seen.value());
        if (!w.add(message.seq(), window)) {
            duplicates.inc();
            return;
        }
        givenUp.inc(w.givenUp());
        seen.update(w.toState());
        if (message instanceof AuditRecord r) {
            out.collect(r);
        } else {
            ctx.output(HEARTBEATS, (Heartbeat) message);
        }
    }

    @Override
    public TypeInformation<AuditRecord> getProducedType() {
        return AuditMessageSerializer.typeInfo(AuditRecord.class);
    }
}
