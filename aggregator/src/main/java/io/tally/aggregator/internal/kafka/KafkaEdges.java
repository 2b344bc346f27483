package io.tally.aggregator.internal.kafka;

import io.tally.aggregator.AggregatorConfig;
import io.tally.core.settings.SharedSettings;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The sources and sinks of the jobs, configured the one way Tally needs them. */
public final class KafkaEdges {
    /** Producer transaction timeout of the log-tier job: within the broker's default maximum of 15 minutes. */
    private static final String TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaEdges() {}

    /**
     * @param bounded whether to stop at the end offsets found at start (benchmarks)
     * @return a source of {@code tally.audit}, read_committed, from the committed offsets or else the earliest
     */
    public static KafkaSource<RawRecord> auditSource(AggregatorConfig config, boolean bounded) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClients.common(config))
                .setTopics(config.getString(SharedSettings.AUDIT_TOPIC))
                .setGroupId(config.getString(AggregatorConfig.GROUP_ID) + ".audit")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * @param readCommitted whether to read with {@code isolation.level=read_committed} (else read_uncommitted:
     *                      everything appended)
     * @param groupSuffix   appended to the job's group id, one per source
     * @return a builder for the audited topics' source, with its offsets set; the caller subscribes it
     */
    public static <T> KafkaSourceBuilder<T> auditedTopicsSource(
            AggregatorConfig config, boolean readCommitted, String groupSuffix) {
        OffsetResetStrategy reset =
                config.getString(AggregatorConfig.LOG_STARTING_OFFSETS).equals("latest")
                        ? OffsetResetStrategy.LATEST
                        : OffsetResetStrategy.EARLIEST;
        return KafkaSource.<T>builder()
                .setProperties(KafkaClients.common(config))
                .setGroupId(config.getString(AggregatorConfig.GROUP_ID) + groupSuffix)
                .setProperty("isolation.level", readCommitted ? "read_committed" : "read_uncommitted")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
                .setProperty("partition.discovery.interval.ms", "5000")
                .setProperty("commit.offsets.on.checkpoint", "true");
    }

    /**
     * The aggregation job's sink: at-least-once. Its outputs are cumulative upserts and its input is deduplicated,
     * so a record written twice after a restart carries the same or a newer total, never an added one.
     */
    public static KafkaSink<Envelope> upsertSink(AggregatorConfig config) {
        return KafkaSink.<Envelope>builder()
                .setKafkaProducerConfig(KafkaClients.common(config))
                .setRecordSerializer(new EnvelopeSerializationSchema())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("linger.ms", "20")
                .build();
    }

    /**
     * The log-tier job's sink: exactly-once (Kafka transactions committed at checkpoints). What the job counted
     * after its last checkpoint is aborted on a failure and counted again after the restore, so the audit records
     * of a restarted log tier neither lose nor repeat a message.
     */
    public static KafkaSink<Envelope> transactionalSink(AggregatorConfig config, String transactionalIdPrefix) {
        return KafkaSink.<Envelope>builder()
                .setKafkaProducerConfig(KafkaClients.common(config))
                .setRecordSerializer(new EnvelopeSerializationSchema())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
