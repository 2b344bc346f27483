package io.tally.aggregator.internal.dedup;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.decode.AuditDecoder;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
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
 * Keyed by agent instance id: decodes each record routed here ({@link AuditDecoder}; what cannot be used goes to
 * {@link #DEAD_LETTERS} with the reason) and passes each {@code (agent, seq)} on once — audit records on the main
 * output, heartbeats on {@link #HEARTBEATS}. Metrics: {@value #DEAD_LETTER_METRIC}, {@value #DUPLICATES},
 * {@value #GIVEN_UP}. Flink's processing-time clock decides which buckets are past the retention.
 */
public final class DedupFunction extends KeyedProcessFunction<String, RawRecord, AuditRecord>
        implements ResultTypeQueryable<AuditRecord> {
    private static final long serialVersionUID = 1L;
    public static final String DEAD_LETTER_METRIC = "deadLetters";
    public static final String DUPLICATES = "duplicatesDropped";
    public static final String GIVEN_UP = "seqGivenUp";
    /** Side output of the heartbeats. */
    public static final OutputTag<Heartbeat> HEARTBEATS =
            new OutputTag<>("heartbeats", AuditMessageSerializer.typeInfo(Heartbeat.class));
    /** Side output of the records that go to the dead-letter topic. */
    public static final OutputTag<Envelope> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(Envelope.class));

    private final AuditDecoder decoder;
    private final String dlqTopic;
    private final Duration retention;
    private final int window;
    private transient ValueState<long[]> seen;
    private transient Counter deadLetters;
    private transient Counter duplicates;
    private transient Counter givenUp;

    public DedupFunction(AuditDecoder decoder, String dlqTopic, Duration retention, int window) {
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
        deadLetters = getRuntimeContext().getMetricGroup().counter(DEAD_LETTER_METRIC);
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES);
        givenUp = getRuntimeContext().getMetricGroup().counter(GIVEN_UP);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<AuditRecord> out) throws Exception {
        AuditMessage message;
        try {
            message = decoder.decode(raw, ctx.timerService().currentProcessingTime());
        } catch (CodecException e) {
            reject(raw, e.getMessage(), ctx);
            return;
        }
        if (!message.agent().instanceId().equals(ctx.getCurrentKey())) {
            reject(raw, "ambiguous agent field", ctx);
            return;
        }
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

    private void reject(RawRecord raw, String reason, Context ctx) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, Envelope.deadLetter(dlqTopic, raw.key, raw.value, reason, raw.origin()));
    }
}
