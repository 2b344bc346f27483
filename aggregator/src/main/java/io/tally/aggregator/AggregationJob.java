package io.tally.aggregator;

import io.tally.aggregator.internal.aggregate.Accumulator;
import io.tally.aggregator.internal.aggregate.AccumulatorSerializer;
import io.tally.aggregator.internal.aggregate.BucketAggregator;
import io.tally.aggregator.internal.aggregate.LocalCombiner;
import io.tally.aggregator.internal.decode.AuditDecoder;
import io.tally.aggregator.internal.dedup.DedupFunction;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.KafkaEdges;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.aggregator.internal.progress.ProgressFunction;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The aggregation job: {@code tally.audit} → route by agent → decode (bad input to the dead-letter topic with the
 * reason) and drop repeated {@code (agent, seq)} → partial sums per subtask (flushed before each checkpoint) → sum per
 * {@code (topic, tier, bucket)} → cumulative {@link io.tally.core.TierAggregate}
 * upserts on the aggregates topic, debounced per key; heartbeats → per-(tier, topic) {@link io.tally.core.TierProgress}
 * on the same topic.
 *
 * <p>No window closes: a late record, of any age within the state retention, updates its bucket and the bucket's
 * aggregate is emitted again. Every stateful operator has a stable uid, so a job restored from a checkpoint or
 * savepoint of an earlier build keeps its state.
 *
 * <p>Metrics (per operator): {@code deadLetters}, {@code duplicatesDropped}, {@code seqGivenUp}.
 */
public final class AggregationJob {
    /** Default job name. */
    public static final String NAME = "tally-aggregation";

    private AggregationJob() {
    }

    /**
     * Adds the aggregation pipeline to {@code env} (its checkpointing is left as it is; see
     * {@link Jobs#configure(StreamExecutionEnvironment, AggregatorConfig)}).
     */
    public static void addTo(StreamExecutionEnvironment env, AggregatorConfig config) {
        addTo(env, config, false);
    }

    /** @param bounded whether to stop at the audit topic's end offsets at start (benchmarks) */
    static void addTo(StreamExecutionEnvironment env, AggregatorConfig config, boolean bounded) {
        int parallelism = config.get(AggregatorConfig.PARALLELISM);
        long bucketMs = config.get(AggregatorConfig.BUCKET_MS);
        Duration retention = config.get(AggregatorConfig.STATE_RETENTION);
        Duration emit = config.get(AggregatorConfig.EMIT_INTERVAL);
        String aggregates = config.get(AggregatorConfig.AGGREGATES_TOPIC);

        DataStream<RawRecord> raw = env.fromSource(KafkaEdges.auditSource(config, bounded), WatermarkStrategy.noWatermarks(),
                        "audit source").uid("tally-audit-source").setParallelism(parallelism);
        // routed by agent (a streaming scan of the agent field), decoded and deduplicated where the agent's state is
        SingleOutputStreamOperator<AuditRecord> unique = raw
                .keyBy(r -> r.agent, Types.STRING)
                .process(new DedupFunction(new AuditDecoder(bucketMs, retention.toMillis()),
                        config.get(AggregatorConfig.DLQ_TOPIC), retention, config.get(AggregatorConfig.DEDUP_WINDOW)))
                .name("decode, dedup (agent, seq)").uid("tally-dedup").setParallelism(parallelism);

        // a bucket's sum lives the retention past the bucket's end, plus an hour for clocks ahead of the aggregator's
        Duration bucketTtl = retention.plusMillis(bucketMs).plusHours(1);
        long combineMs = Math.max(10, Math.min(250, emit.toMillis() / 4));
        DataStream<Envelope> sums = unique
                .transform("combine per topic|tier|bucket", AccumulatorSerializer.TYPE_INFO,
                        new LocalCombiner(combineMs, 10_000))
                .uid("tally-combine").setParallelism(parallelism)
                .keyBy(Accumulator::key, Types.STRING)
                .process(new BucketAggregator(aggregates, emit, bucketTtl), TypeInformation.of(Envelope.class))
                .name("sum per topic|tier|bucket").uid("tally-sum").setParallelism(parallelism);
        DataStream<Envelope> progress = unique.getSideOutput(DedupFunction.HEARTBEATS)
                .keyBy(Heartbeat::tier, Types.STRING)
                .process(new ProgressFunction(aggregates, emit, config.get(AggregatorConfig.LIVENESS_TIMEOUT),
                        retention), TypeInformation.of(Envelope.class))
                .name("tier progress").uid("tally-progress").setParallelism(parallelism);

        sums.union(progress, unique.getSideOutput(DedupFunction.DEAD_LETTERS))
                .sinkTo(KafkaEdges.upsertSink(config)).name("aggregates and dead letters")
                .uid("tally-aggregates-sink").setParallelism(parallelism);
    }

}
