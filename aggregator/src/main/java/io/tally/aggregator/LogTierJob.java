package io.tally.aggregator;

import io.tally.aggregator.internal.kafka.CommittedTopicsSubscriber;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.KafkaEdges;
import io.tally.aggregator.internal.logtier.LogCounter;
import io.tally.aggregator.internal.logtier.LogObservation;
import io.tally.aggregator.internal.logtier.LogRecordDeserializer;
import io.tally.aggregator.internal.logtier.LogTierOperator;
import io.tally.core.AuditedTopics;
import io.tally.core.EventTimeSpec;
import io.tally.core.settings.SharedSettings;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The log-tier auditor: reads every audited topic ({@link SharedSettings#LOG_TOPICS}; never {@code tally.*} or
 * {@code __*}) and counts what is really in the broker as tier {@code log}, in counting mode {@code log}, emitting
 * audit records and heartbeats to the audit topic as an agent would. The topics of
 * {@link SharedSettings#LOG_COMMITTED_TOPICS}, and those the brokers say are written in transactions, are read a
 * second time, with {@code isolation.level=read_committed}, and counted as tier {@code log.committed}: what
 * transactions committed, the reference of read_committed readers ({@link CommittedTopicsSubscriber}).
 * One agent per source subtask; its audit records are written in Kafka transactions committed at checkpoints, so they
 * appear with each checkpoint and a
 * restored job neither loses nor repeats a count.
 *
 * <p>It reads timestamps, headers and sizes only; a value is parsed only for a {@code json:PATH} event time.
 */
public final class LogTierJob {
    /** Default job name. */
    public static final String NAME = "tally-log-tier";

    private LogTierJob() {}

    /** Adds the log-tier pipeline to {@code env}; needs checkpointing on (see {@link Jobs#configure}). */
    public static void addTo(StreamExecutionEnvironment env, AggregatorConfig config) {
        addTo(env, config, false);
    }

    /** @param bounded whether to stop at the topics' end offsets at start (benchmarks) */
    static void addTo(StreamExecutionEnvironment env, AggregatorConfig config, boolean bounded) {
        String topics = config.getString(SharedSettings.LOG_TOPICS);
        addCounter(
                env,
                config,
                bounded,
                LogCounter.TIER,
                false,
                "log",
                b -> b.setTopicPattern(AuditedTopics.pattern(topics)));
        String listed = config.getString(SharedSettings.LOG_COMMITTED_TOPICS);
        addCounter(
                env,
                config,
                bounded,
                LogCounter.COMMITTED_TIER,
                true,
                "log-committed",
                b -> b.setKafkaSubscriber(new CommittedTopicsSubscriber(topics, listed)));
    }

    /** Adds one source read one way, counted as {@code tier}; {@code name} sets its group, uids and transactions. */
    private static void addCounter(
            StreamExecutionEnvironment env,
            AggregatorConfig config,
            boolean bounded,
            String tier,
            boolean readCommitted,
            String name,
            Consumer<KafkaSourceBuilder<LogObservation>> subscribe) {
        int parallelism = config.getInt(AggregatorConfig.PARALLELISM);
        KafkaSourceBuilder<LogObservation> builder = KafkaEdges.<LogObservation>auditedTopicsSource(
                        config, readCommitted, "." + name)
                .setDeserializer(new LogRecordDeserializer(
                        EventTimeSpec.parse(config.getString(AggregatorConfig.LOG_EVENT_TIME))));
        subscribe.accept(builder);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest()).setProperty("partition.discovery.interval.ms", "-1");
        }
        KafkaSource<LogObservation> source = builder.build();
        // the first counter keeps the uids it always had, so that existing savepoints restore onto it
        String uid = "tally-" + name;
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "audited topics (" + tier + ")")
                .uid(uid + "-source")
                .setParallelism(parallelism)
                .transform(
                        "count as tier " + tier,
                        TypeInformation.of(Envelope.class),
                        new LogTierOperator(
                                tier,
                                config.getString(SharedSettings.AUDIT_TOPIC),
                                config.getLong(SharedSettings.BUCKET_MS),
                                config.getInt(SharedSettings.DIGEST_CELLS),
                                config.getLong(SharedSettings.SKEW_FUTURE_MS),
                                config.getLong(SharedSettings.SKEW_PAST_MS),
                                config.duration(AggregatorConfig.LOG_FLUSH_INTERVAL_MS)
                                        .toMillis(),
                                config.duration(AggregatorConfig.LOG_PARTITION_IDLE_MS)
                                        .toMillis()))
                .uid(uid + "-counter")
                .setParallelism(parallelism)
                .sinkTo(KafkaEdges.transactionalSink(config, config.getString(AggregatorConfig.GROUP_ID) + "-" + name))
                .name("audit records (" + tier + ")")
                .uid(uid + "-sink")
                .setParallelism(parallelism);
    }
}
