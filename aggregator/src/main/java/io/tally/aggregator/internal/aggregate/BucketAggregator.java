package io.tally.aggregator.internal.aggregate;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.TierAggregate;
import io.tally.core.codec.AuditCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keyed by {@code topic|tier|bucketStart}: adds each partial sum of deduplicated audit records (from the
 * {@link LocalCombiner}s) to its bucket's accumulator and upserts the cumulative aggregate to the aggregates topic
 * at most once per emit interval per key.
 *
 * <p>Once a bucket is older than the retention (its start plus {@code ttl}, by the processing-time clock: the decoder
 * refuses records that old) its key gets a tombstone, so the compacted aggregates topic holds only the buckets
 * within the retention and a reconciler's replay stays bounded however long the job runs.
 */
public final class BucketAggregator extends KeyedProcessFunction<String, Accumulator, Envelope> {
    private static final long serialVersionUID = 1L;

    private final String aggregatesTopic;
    private final long emitIntervalMs;
    private final Duration ttl;
    private transient ValueState<Accumulator> state;

    /**
     * @param ttl how long a bucket's sum is kept after its last update: the retention plus a margin, so that a
     *            record the decoder accepts finds its bucket's sum
     */
    public BucketAggregator(String aggregatesTopic, Duration emitInterval, Duration ttl) {
        this.aggregatesTopic = aggregatesTopic;
        this.emitIntervalMs = emitInterval.toMillis();
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<Accumulator> descriptor =
                new ValueStateDescriptor<>("bucket-sum", AccumulatorSerializer.TYPE_INFO);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        state = getRuntimeContext().getState(descriptor);
    }

    /** When the bucket of {@code key} ({@code topic|tier|bucketStart}) leaves the retention. */
    private long expiryOf(String key) {
        long bucketStart = Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
        return bucketStart + ttl.toMillis();
    }

    @Override
    public void processElement(Accumulator partial, Context ctx, Collector<Envelope> out) throws Exception {
        Accumulator acc = state.value();
        if (acc == null) {
            acc = partial;
            acc.emitPending = false;
            // one timer per key and timestamp: registering again after the state expired changes nothing
            ctx.timerService().registerProcessingTimeTimer(Math.max(expiryOf(ctx.getCurrentKey()),
                    ctx.timerService().currentProcessingTime() + 1));
        } else {
            acc.merge(partial);
        }
        if (!acc.emitPending) {
            acc.emitPending = true;
            ctx.timerService().registerProcessingTimeTimer(
                    ctx.timerService().currentProcessingTime() + emitIntervalMs);
        }
        state.update(acc);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        String key = ctx.getCurrentKey();
        if (timestamp >= expiryOf(key)) {
            state.clear();
            out.collect(Envelope.partitioned(aggregatesTopic, key, null, key.substring(0, key.indexOf('|'))));
            return;
        }
        Accumulator acc = state.value();
        if (acc == null || !acc.emitPending) {
            return;
        }
        acc.emitPending = false;
        state.update(acc);
        TierAggregate aggregate = acc.toAggregate();
        out.collect(Envelope.partitioned(aggregatesTopic, aggregate.key(), AuditCodec.encode(aggregate),
                aggregate.topic()));
    }
}
