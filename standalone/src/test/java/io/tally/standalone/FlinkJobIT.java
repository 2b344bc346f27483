package io.tally.standalone;

import static io.tally.standalone.ApiClient.pause;
import static io.tally.standalone.AuditedClients.background;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Frameworks": a Flink job as users write one, on a MiniCluster of its own: {@code KafkaSource} with a
 * group id, committing its offsets only when a checkpoint completes, and {@code KafkaSink} exactly-once (a
 * transaction per checkpoint), the agent attached through the connectors' Kafka properties only. Its source's group
 * counts at checkpoints, its sink's producer is transactional (its agent says so, and the output's
 * {@code read_committed} readers are compared with {@code log.committed}), and the output is visible to them only
 * when a checkpoint commits it. Every tier must agree, every bucket be judged, nothing be alarmed; then records of
 * the output deleted before its reader read them are a LOSS with their ids, alerted.
 */
class FlinkJobIT {
    private static final long BUCKET_MS = 5_000;
    /** Shorter than the 90 s of many deployments, to keep the test short; every rule is the same at 90 s. */
    private static final Duration CHECKPOINTS = Duration.ofSeconds(15);

    private static final String IN = "flink-in";
    private static final String OUT = "flink-out";
    private static final String JOB_GROUP = "enricher";
    private static final String READER = "dashboard";

    @Test
    void
            an_exactly_once_kafka_to_kafka_job_committing_at_checkpoints_is_judged_complete_and_a_deleted_range_is_a_named_loss(
                    @TempDir Path dir) throws Exception {
        Standalone.Options options = AuditedClients.frameworkTally(dir.resolve("tally"), BUCKET_MS, Map.of());
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, IN, 3);
            AuditedClients.createTopic(kafka, OUT, 3);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            GroupWatch inWatch = new GroupWatch(api, IN, JOB_GROUP);
            GroupWatch outWatch = new GroupWatch(api, OUT, READER);

            JobClient job = startJob(kafka);
            try {
                Thread producer = background(
                        "in", failures, () -> AuditedClients.produceUntil(kafka, BUCKET_MS, IN, producing, sent));
                Thread reader = background("dashboard", failures, () -> readOutput(kafka, reading));
                watchBoth(inWatch, outWatch, 30_000); // two checkpoints
                AuditedClients.stop(producing, List.of(producer));
                long total = sent.get();
                GroupWatch.awaitTotal(api, OUT, "consumer." + READER, total);
                JsonNode in = inWatch.awaitAllFinal();
                JsonNode out = outWatch.awaitAllFinal();
                watchBoth(inWatch, outWatch, 6_000); // past the alert hold
                in = inWatch.report();
                out = outWatch.report();

                assertThat(failures).isEmpty();
                assertThat(inWatch.falseAlarms).as("alarms on the job's group").isEmpty();
                // a checkpoint's transaction can hold late records of a bucket already past its grace: the reader
                // counts them at its commit, the log tier a few hundred ms later, and the bucket may show a
                // DUPLICATION for that long, resolved before any alert (README, Limitations). Nothing else.
                assertThat(outWatch.falseAlarms.keySet())
                        .as("stalls on the output's reader")
                        .noneMatch(key -> key.startsWith("stalled"));
                assertThat(LostRecords.discrepancies(api, OUT, "DUPLICATION"))
                        .as(
                                "duplications on the output, other than the moment the log tier's counts trail the reader's")
                        .allSatisfy(d -> {
                            assertThat(d.get("upstreamTier").asText()).isEqualTo("log.committed");
                            assertThat(d.get("status").asText()).isEqualTo("RESOLVED");
                            assertThat(d.get("resolvedAt").asLong()
                                            - d.get("detectedAt").asLong())
                                    .isLessThan(5_000);
                        });
                assertThat(LostRecords.discrepancies(api, OUT, "LOSS")).isEmpty();
                assertThat(LostRecords.discrepancies(api, OUT, "MIXED")).isEmpty();
                assertThat(AlertsTopic.open(kafka)).as("alerts").isEmpty();
                assertThat(GroupWatch.total(in, "producer")).isEqualTo(total);
                assertThat(GroupWatch.total(in, "log")).isEqualTo(total);
                assertThat(GroupWatch.total(in, "consumer." + JOB_GROUP))
                        .as("the job's source counted each record once, at its checkpoints")
                        .isEqualTo(total);
                assertThat(GroupWatch.total(out, "producer"))
                        .as("the job's transactional sink")
                        .isEqualTo(total);
                assertThat(GroupWatch.total(out, "log.committed")).isEqualTo(total);
                assertThat(GroupWatch.total(out, "consumer." + READER)).isEqualTo(total);
                assertThat(outWatch.upstreamsOfGroup(out))
                        .as("a read_committed reader of a topic written in transactions")
                        .containsExactly("log.committed");

                // retention deletes output the reader has not read yet
                AuditedClients.stop(reading, List.of(reader));
                Map<TopicPartition, Long> from = LostRecords.ends(kafka, OUT);
                AuditedClients.produceBurst(kafka, BUCKET_MS, IN, sent, 30);
                Map<TopicPartition, Long> to = awaitCommittedOutput(kafka, from, 30);
                Set<String> lostIds = LostRecords.idsBetween(kafka, from, to);
                assertThat(lostIds).hasSize(30);
                GroupWatch.awaitTotal(api, OUT, "log.committed", sent.get());
                LostRecords.deleteBefore(kafka, to);
                reading.set(true);
                reader = background("dashboard", failures, () -> readOutput(kafka, reading));
                producing.set(true);
                producer = background(
                        "in", failures, () -> AuditedClients.produceUntil(kafka, BUCKET_MS, IN, producing, sent));

                LostRecords.assertNamedLossAlerted(api, kafka, OUT, "log.committed", "consumer." + READER, lostIds);
                AuditedClients.stop(producing, List.of(producer));
                AuditedClients.stop(reading, List.of(reader));
                assertThat(failures).isEmpty();
            } finally {
                producing.set(false);
                reading.set(false);
                job.cancel().get();
            }
        }
    }

    /** The user's job: read {@code flink-in}, upper-case, write {@code flink-out} exactly once. */
    private static JobClient startJob(String kafka) throws Exception {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINTS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(kafka)
                .setTopics(IN)
                .setGroupId(JOB_GROUP)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperties(agent("interceptor.classes", "io.tally.agent.AuditConsumerInterceptor"))
                .setProperty("tally.consumer.partition.idle.ms", "5000")
                .build();
        Properties producer = agent("interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        producer.setProperty("transaction.timeout.ms", "120000");
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(kafka)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(OUT)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("enricher")
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "orders")
                .map(String::toUpperCase)
                .sinkTo(sink);
        return env.executeAsync("enricher");
    }

    /** The connector's Kafka properties that attach the agent: the interceptor and the agent's own settings. */
    private static Properties agent(String key, String interceptor) {
        Properties p = new Properties();
        p.setProperty(key, interceptor);
        p.setProperty("tally.bucket.ms", String.valueOf(BUCKET_MS));
        p.setProperty("tally.flush.interval.ms", "200");
        return p;
    }

    /** The audited read_committed group of the output, committing after each poll. */
    private static void readOutput(String kafka, AtomicBoolean reading) {
        Properties p = AuditedClients.consumer(kafka, READER, "earliest", BUCKET_MS);
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(OUT));
            while (reading.get()) {
                if (!c.poll(Duration.ofMillis(100)).isEmpty()) {
                    c.commitSync();
                }
            }
        }
    }

    private static void watchBoth(GroupWatch a, GroupWatch b, long ms) throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < until) {
            a.watchFor(1);
            b.watchFor(1);
            pause(250);
        }
    }

    /**
     * Waits until a checkpoint has committed {@code n} more records to the output (each partition's end also passes
     * the transaction's marker); returns the ends then.
     */
    private static Map<TopicPartition, Long> awaitCommittedOutput(
            String kafka, Map<TopicPartition, Long> from, long n) {
        Instant deadline = Instant.now().plus(CHECKPOINTS.multipliedBy(4));
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = List.copyOf(from.keySet());
            c.assign(tps);
            tps.forEach(tp -> c.seek(tp, from.get(tp)));
            long read = 0;
            while (read < n) {
                read += c.poll(Duration.ofMillis(500)).count();
                assertThat(Instant.now())
                        .as("a checkpoint commits the job's output; " + read + " of " + n + " so far")
                        .isBefore(deadline);
            }
            assertThat(read).isEqualTo(n);
            return c.endOffsets(tps);
        }
    }
}
