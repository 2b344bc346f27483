package io.tally.aggregator;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditIds;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.codec.AuditCodec;
import io.tally.core.settings.SharedSettings;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput of the two jobs against a plain {@link KafkaConsumer} reading the same topic, measured in one run on
 * the bundled broker and a local MiniCluster. Each job runs bounded (to the end offsets at start) once on an empty
 * topic and once on the full one, after a warm-up run; its rate is {@code records / (time full − time empty)},
 * which takes the MiniCluster's start, the job's deployment and the final checkpoint out; the figure is the median
 * of three such rounds. A first run of each job on the full topic warms the JIT. Run in a JVM of its own (Flink's
 * dispatcher resolves operator classes through
 * the system class loader, which {@code exec:java} does not set):
 * <pre>
 *   mvn -q -pl aggregator test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 * -Dexec.args="-Xmx2g -cp %classpath io.tally.aggregator.AggregatorBenchmark [LOG_RECORDS AUDIT_RECORDS
 * [log|aggregation]]"
 * </pre>
 */
public final class AggregatorBenchmark {
    private static final int PARALLELISM = 2;
    private static final int ROUNDS = 3;

    private AggregatorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int logRecords = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int auditRecords = args.length > 1 ? Integer.parseInt(args[1]) : 1_200_000;
        boolean log = args.length < 3 || !args[2].equals("aggregation");
        boolean aggregate = args.length < 3 || !args[2].equals("log");
        try (BundledBroker broker =
                BundledBroker.start(BrokerConfig.builder().listenerPort(0).build())) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(
                                new NewTopic("bench.events", 2, (short) 1),
                                new NewTopic("bench.empty", 2, (short) 1),
                                new NewTopic("tally.bench.audit", 2, (short) 1),
                                new NewTopic("tally.bench.empty", 2, (short) 1),
                                new NewTopic("tally.bench.out", 2, (short) 1),
                                new NewTopic("tally.bench.aggregates", 2, (short) 1),
                                new NewTopic("tally.bench.dlq", 1, (short) 1)))
                        .all()
                        .get();
            }
            produceEvents(bootstrap, log ? logRecords : 0);
            produceAudit(bootstrap, aggregate ? auditRecords : 0);
            // warm-up on the full topics: the first job in a JVM pays for class loading, and a record path that has
            // not run yet is compiled while it is measured
            if (log) {
                runSeconds(bootstrap, "bench\\.events", null);
            }
            if (aggregate) {
                runSeconds(bootstrap, null, "tally.bench.audit");
            }

            double consumerLog = log ? consumerRate(bootstrap, "bench.events", logRecords) : Double.NaN;
            double logTier = log ? jobRate(bootstrap, logRecords, "bench\\.events", "bench\\.empty", null) : Double.NaN;
            double consumerAudit = aggregate ? consumerRate(bootstrap, "tally.bench.audit", auditRecords) : Double.NaN;
            double aggregation = aggregate ? jobRate(bootstrap, auditRecords, null, null, "tally.bench") : Double.NaN;

            System.out.printf(
                    "%nlog tier, parallelism %d, %,d records of 100 B + tally.id header:%n", PARALLELISM, logRecords);
            System.out.printf("  plain KafkaConsumer   %,12.0f records/s%n", consumerLog);
            System.out.printf("  log-tier job          %,12.0f records/s%n", logTier);
            System.out.printf("  ratio                 %12.2f%n", logTier / consumerLog);
            System.out.printf(
                    "aggregation, parallelism %d, %,d audit records (5 ids each, 128-cell digest):%n",
                    PARALLELISM, auditRecords);
            System.out.printf("  plain KafkaConsumer   %,12.0f records/s%n", consumerAudit);
            System.out.printf("  aggregation job       %,12.0f audit records/s%n", aggregation);
            System.out.printf("  ratio                 %12.2f%n", aggregation / consumerAudit);
        }
    }

    private static void produceEvents(String bootstrap, int n) {
        Random random = new Random(1);
        byte[] value = new byte[100];
        long now = System.currentTimeMillis();
        produce(bootstrap, producer -> {
            for (int i = 0; i < n; i++) {
                random.nextBytes(value);
                ProducerRecord<byte[], byte[]> r =
                        new ProducerRecord<>("bench.events", null, now - random.nextInt(600_000), null, value.clone());
                r.headers().add(AuditIds.HEADER, AuditIds.toHex(random.nextLong()));
                producer.send(r);
            }
        });
    }

    private static void produceAudit(String bootstrap, int n) {
        Random random = new Random(2);
        List<AgentIdentity> agents = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            agents.add(new AgentIdentity("bench-agent-" + i, "host-" + i));
        }
        long[] seqs = new long[agents.size()];
        long now = System.currentTimeMillis();
        long b0 = now - Math.floorMod(now, 60_000) - 3_600_000;
        produce(bootstrap, producer -> {
            for (int i = 0; i < n; i++) {
                int a = random.nextInt(agents.size());
                LatencySketch latency = new LatencySketch();
                IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
                for (int k = 0; k < 5; k++) {
                    latency.add(random.nextInt(2_000));
                    digest.add(random.nextLong());
                }
                AuditRecord r = AuditRecord.builder(
                                agents.get(a),
                                a % 2 == 0 ? "producer" : "consumer.g",
                                "topic-" + random.nextInt(10),
                                new Bucket(b0 + random.nextInt(60) * 60_000L, 60_000),
                                CountingMode.ACK)
                        .seq(seqs[a]++)
                        .emittedAt(now)
                        .count(5)
                        .bytes(500)
                        .latency(latency)
                        .digest(digest)
                        .build();
                producer.send(new ProducerRecord<>(
                        "tally.bench.audit",
                        AuditCodec.kafkaKey(r).getBytes(StandardCharsets.UTF_8),
                        AuditCodec.encode(r)));
            }
        });
    }

    private static void produce(String bootstrap, Consumer<KafkaProducer<byte[], byte[]>> body) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "1",
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            body.accept(producer);
        }
    }

    /** @return the best of two reads of the whole topic by one plain consumer, records per second */
    private static double consumerRate(String bootstrap, String topic, int n) {
        double best = 0;
        for (int round = 0; round < 2; round++) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long start = System.nanoTime();
                long read = 0;
                while (read < n) {
                    read += consumer.poll(Duration.ofMillis(500)).count();
                }
                best = Math.max(best, n / ((System.nanoTime() - start) / 1e9));
            }
        }
        return best;
    }

    /**
     * @return records per second of the bounded job, the median of {@value #ROUNDS} rounds of (full run − empty run)
     */
    private static double jobRate(String bootstrap, int n, String logTopics, String emptyLogTopics, String auditPrefix)
            throws Exception {
        double[] rates = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            double empty = runSeconds(bootstrap, emptyLogTopics, auditPrefix == null ? null : auditPrefix + ".empty");
            double full = runSeconds(bootstrap, logTopics, auditPrefix == null ? null : auditPrefix + ".audit");
            rates[round] = n / (full - empty);
            System.out.printf(
                    "  (%s round %d: %.1f s on the full topic, %.1f s on an empty one: %,.0f records/s)%n",
                    logTopics != null ? "log tier" : "aggregation", round + 1, full, empty, rates[round]);
        }
        Arrays.sort(rates);
        return rates[ROUNDS / 2];
    }

    private static int runs;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double runSeconds(String bootstrap, String logTopics, String auditTopic) throws Exception {
        AggregatorConfig config = AggregatorConfig.defaults()
                .with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrap)
                .with(AggregatorConfig.PARALLELISM, PARALLELISM)
                .with(AggregatorConfig.GROUP_ID, "bench-" + runs++)
                .with(SharedSettings.AUDIT_TOPIC, auditTopic != null ? auditTopic : "tally.bench.out")
                .with(SharedSettings.AGGREGATES_TOPIC, "tally.bench.aggregates")
                .with(SharedSettings.DLQ_TOPIC, "tally.bench.dlq")
                .with(AggregatorConfig.CHECKPOINT_INTERVAL_MS, Duration.ofSeconds(1))
                .with(AggregatorConfig.CREATE_TOPICS, false);
        if (logTopics != null) {
            config = config.with(SharedSettings.LOG_TOPICS, logTopics);
        }
        Configuration settings = Jobs.flinkSettings(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, settings);
        Jobs.configure(env, config);
        if (logTopics != null) {
            LogTierJob.addTo(env, config, true);
        } else {
            AggregationJob.addTo(env, config, true);
        }
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        env.execute("bench");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("    (job run: %.2f s, process CPU %.2f s)%n", seconds, (processCpuNanos() - cpuStart) / 1e9);
        return seconds;
    }
}
