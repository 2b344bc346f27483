package io.tally.aggregator;

import io.tally.aggregator.internal.aggregate.LocalCombiner;
import io.tally.aggregator.internal.aggregate.Partial;
import io.tally.aggregator.internal.aggregate.PartialSerializer;
import io.tally.aggregator.internal.aggregate.TopicGroups;
import io.tally.aggregator.internal.aggregate.TopicTierAggregator;
import io.tally.aggregator.internal.decode.AuditDecoder;
import io.tally.aggregator.internal.dedup.DedupFunction;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.KafkaEdges;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The aggregation job: {@code tally.audit} → route by agent → decode (bad input to the dead-letter topic with the
 * reason), drop repeated {@code (agent, seq)}, and pass each agent's heartbeat on after the messages it numbered
 * before it → partial sums per subtask (flushed before each checkpoint, and a topic's ahead of its heartbeat) → per
 * {@code (topic, tier)}: cumulative {@link io.tally.core.TierAggregate} upserts of the buckets that changed, then the
 * tier's {@link io.tally.core.TierProgress}, on the aggregates topic, debounced per key. So progress never gets ahead
 * of the counts it covers.
 *
 * <p>No window closes: a late record, of any age within the state retention, updates its bucket and the bucket's
 * aggregate is emitted again. Every stateful operator has a stable uid, so a job restored from a checkpoint or
 * savepoint of an earlier build keeps its state.
 *
 * <p>Metrics (per operator): {@code deadLetters}, {@code duplicatesDropped}, {@code seqGivenUp}.
 */
public final class AggregationJob {
    /**
     * How long a heartbeat waits for the messages its agent numbered before it: past it they are taken as dropped by
     * the agent (its buffer was full), and the heartbeat goes on.
     */
    static final Duration HEARTBEAT_HOLD = Duration.ofSeconds(30);

    /** Default job name. */
    public static final String NAME = "tally-aggregation";

    private AggregationJob() {}

    /**
     * Adds the aggregation pipeline to {@code env} (its checkpointing is left as it is; see
     * {@link Jobs#configure(StreamExecutionEnvironment, AggregatorConfig)}).
     */
    public static void addTo(StreamExecutionEnvironment env, AggregatorConfig config) {
        addTo(env, config, false);
    }

    /** @param bounded whether to stop at the audit topic's end offsets at start (benchmarks) */
    static void addTo(StreamExecutionEnvironment env, AggregatorConfig config, boolean bounded) {
        int parallelism = config.getInt(AggregatorConfig.PARALLELISM);
        long bucketMs = config.getLong(SharedSettings.BUCKET_MS);
        Duration retention = config.duration(AggregatorConfig.STATE_RETENTION_MS);
        Duration emit = config.duration(AggregatorConfig.EMIT_INTERVAL_MS);
        String aggregates = config.getString(SharedSettings.AGGREGATES_TOPIC);

        DataStream<RawRecord> raw = env.fromSource(
                        KafkaEdges.auditSource(config, bounded), WatermarkStrategy.noWatermarks(), "audit source")
                .uid("tally-audit-source")
                .setParallelism(parallelism);
        // routed by agent (a streaming scan of the agent field), decoded and deduplicated where the agent's state is;
        // an agent's heartbeat leaves after every message it numbered before it
        SingleOutputStreamOperator<AuditMessage> unique = raw.keyBy(r -> r.agent, Types.STRING)
                .process(new DedupFunction(
                        new AuditDecoder(bucketMs, retention.toMillis(), config.getLong(SharedSettings.SKEW_FUTURE_MS)),
                        config.getString(SharedSettings.DLQ_TOPIC),
                        retention,
                        config.getInt(AggregatorConfig.DEDUP_WINDOW),
                        HEARTBEAT_HOLD))
                .name("decode, dedup (agent, seq)")
                .uid("tally-dedup")
                .setParallelism(parallelism);

        // a bucket's sum lives the retention past the bucket's end, plus an hour for clocks ahead of the aggregator's
        Duration bucketTtl = retention.plusMillis(bucketMs).plusHours(1);
        long combineMs = Math.max(10, Math.min(250, emit.toMillis() / 4));
        DataStream<Envelope> sums = unique.transform(
                        "combine per topic|tier|bucket",
                        PartialSerializer.TYPE_INFO,
                        new LocalCombiner(combineMs, 10_000))
                .uid("tally-combine")
                .setParallelism(parallelism)
                .keyBy(Partial::key, Types.STRING)
                .process(
                        new TopicTierAggregator(
                                aggregates,
                                emit,
                                bucketTtl,
                                config.duration(AggregatorConfig.LIVENESS_TIMEOUT_MS),
                                retention,
                                TopicGroups.parse(config.getString(AggregatorConfig.TOPIC_GROUPS))),
                        TypeInformation.of(Envelope.class))
                .name("sum and progress per topic|tier")
                .uid("tally-topic-tier")
                .setParallelism(parallelism);

        sums.union(unique.getSideOutput(DedupFunction.DEAD_LETTERS))
                .sinkTo(KafkaEdges.upsertSink(config))
                .name("aggregates and dead letters")
                .uid("tally-aggregates-sink")
                .setParallelism(parallelism);
    }
}
