package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.TierAggregate;
import io.tally.core.codec.AuditCodec;
import io.tally.standalone.cluster.FlinkSessionCluster;
import io.tally.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The aggregation job as users run it on a Flink cluster: the shipped job jar submitted through the REST API of a
 * session cluster whose JobManager and two TaskManagers are JVMs of their own, its four tasks spread over both. A
 * TaskManager SIGKILLed under load: the job restores from its last checkpoint on the one left, and its totals come
 * out exact — every record the audited producer sent, counted once — with the time the recovery took printed.
 */
class FlinkSessionClusterIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "cluster-orders";
    private static final Path JOB_JAR = Path.of("..", "aggregator", "target", "tally-aggregator-job.jar");
    /** The cluster's folder, its processes' logs among it, kept for a failure to be read against. */
    private static final Path CLUSTER = Path.of("target", "flink-session-cluster-it");

    @Test
    void the_job_jar_runs_on_a_session_cluster_and_restores_exact_totals_when_a_taskmanager_dies() throws Exception {
        org.apache.commons.io.FileUtils.deleteDirectory(CLUSTER.toFile());
        assertThat(JOB_JAR)
                .as("the shipped job jar (mvn package -pl aggregator)")
                .isRegularFile();
        try (BundledBroker broker = BundledBroker.start(BrokerConfig.builder()
                        .temporaryDataDir()
                        .listenerPort(0)
                        .build());
                FlinkSessionCluster flink = new FlinkSessionCluster(CLUSTER, 2, 2)) {
            String kafka = broker.bootstrapServers();
            long began = System.nanoTime();
            flink.start(Duration.ofSeconds(120));
            System.out.printf("Flink session cluster up in %d ms%n", (System.nanoTime() - began) / 1_000_000);
            JobID job = flink.submit(
                    JOB_JAR,
                    List.of(
                            "aggregation",
                            "--tally.kafka.bootstrap.servers",
                            kafka,
                            "--tally.bucket.ms",
                            String.valueOf(BUCKET_MS),
                            "--tally.aggregator.parallelism",
                            "2",
                            "--tally.aggregator.checkpoint.interval.ms",
                            "1000",
                            "--tally.aggregator.emit.interval.ms",
                            "500",
                            "--tally.aggregator.checkpoint.dir",
                            flink.checkpoints().toString()),
                    2);
            System.out.printf(
                    "job %s running %d ms after its submission%n",
                    job, flink.awaitRunning(job, Duration.ofSeconds(120)).toMillis());
            AuditedClients.createTopic(kafka, TOPIC, 3);

            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Thread producer = AuditedClients.background(
                    "producer",
                    new java.util.concurrent.CopyOnWriteArrayList<>(),
                    () -> produce(kafka, producing, sent));
            Eventually.await(
                    Duration.ofSeconds(60),
                    Duration.ofMillis(200),
                    "aggregates of the producer tier",
                    () -> producerTotal(kafka) > 0);
            // a host dies: its tasks' state comes back from the last checkpoint on the TaskManager left
            long killedAt = System.currentTimeMillis();
            flink.killTaskManager(1);
            Duration recovery = flink.awaitRecovered(job, killedAt, Duration.ofSeconds(120));
            System.out.printf(
                    "TaskManager SIGKILLed: the job restored and ran again on the other after %d ms%n",
                    recovery.toMillis());
            Thread.sleep(3_000);
            AuditedClients.stop(producing, List.of(producer));

            long counted = Eventually.await(
                    Duration.ofSeconds(60),
                    Duration.ofMillis(500),
                    "the producer tier's total to reach what was sent (" + sent.get() + ")",
                    () -> producerTotal(kafka),
                    total -> total == sent.get());
            assertThat(counted)
                    .as("every record counted once, across the restore")
                    .isEqualTo(sent.get());
            assertThat(Files.readString(CLUSTER.resolve("logs/jobmanager.log")))
                    .as("restored from a checkpoint, not started over")
                    .containsPattern("Restoring job " + job + " from Checkpoint");
            assertThat(recovery).isPositive();
        }
    }

    /** About 200 records a second on {@link #TOPIC}, until told to stop; counts those acknowledged. */
    private static void produce(String kafka, AtomicBoolean producing, AtomicLong sent) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(AuditedClients.producer(kafka, BUCKET_MS))) {
            for (long n = 0; producing.get(); n++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + n % 50, "v" + n), (m, e) -> {
                    if (e == null) {
                        sent.incrementAndGet();
                    }
                });
                if (n % 10 == 9) {
                    ApiClient.pause(50);
                }
            }
        }
    }

    /** @return the producer tier's count of {@link #TOPIC}, summed over the latest aggregate of each bucket */
    private static long producerTotal(String kafka) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        Map<Long, Long> byBucket = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<org.apache.kafka.common.TopicPartition> partitions =
                    consumer.partitionsFor("tally.aggregates").stream()
                            .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null
                            && AuditCodec.decodeAggregatorMessage(r.value()) instanceof TierAggregate a
                            && a.topic().equals(TOPIC)
                            && a.tier().equals("producer")) {
                        byBucket.merge(a.bucket().start(), a.count(), Math::max); // totals only grow
                    }
                }
            }
        }
        return byBucket.values().stream().mapToLong(Long::longValue).sum();
    }
}
