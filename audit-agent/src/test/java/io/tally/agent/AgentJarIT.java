package io.tally.agent;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.sketch.IdDigest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped jar, as users attach it: an ordinary producer and consumer in their own JVM, with only kafka-clients,
 * SLF4J and {@code tally-agent.jar} on the class path, configured through properties alone.
 */
class AgentJarIT {
    private static final Path AGENT_JAR = Path.of("target", "tally-agent.jar");
    private static BundledBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = BundledBroker.start(BrokerConfig.builder().temporaryDataDir().listenerPort(0).build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void the_jar_holds_only_tally_classes_and_dependencies_relocated_under_them() throws Exception {
        List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(AGENT_JAR.toFile())) {
            jar.stream().map(e -> e.getName())
                    .filter(name -> !name.startsWith("io/tally/") && !name.equals("io/")
                            && !name.startsWith("META-INF/"))
                    .forEach(outside::add);
            assertThat(jar.getEntry("io/tally/agent/AuditProducerInterceptor.class")).isNotNull();
            assertThat(jar.getEntry("io/tally/agent/shaded/jackson/core/JsonFactory.class")).isNotNull();
            assertThat(jar.stream().map(e -> e.getName())).noneMatch(n -> n.startsWith("org/apache/kafka/"))
                    .noneMatch(n -> n.contains("com/fasterxml/") && !n.startsWith("io/tally/"))
                    .noneMatch(n -> n.startsWith("META-INF/versions/"));
        }
        assertThat(outside).isEmpty();
        assertThat(Files.size(AGENT_JAR)).isLessThan(1_500_000);
    }

    @Test
    void every_produced_and_consumed_record_is_counted_once_per_tier_with_its_bucket_and_id() throws Exception {
        String topic = "orders-jar";
        int n = 3_000;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String common = "tally.bucket.ms=10000";
        runClient("produce", broker.bootstrapServers(), topic, String.valueOf(n), common, "tally.flush.interval.ms=500");
        runClient("consume", broker.bootstrapServers(), topic, String.valueOf(n), "billing", common);

        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(m -> AuditTopicReader.closedAgents(m, "producer") == 1
                    && AuditTopicReader.closedAgents(m, "consumer.billing") == 1, Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "producer")).isEqualTo(n);
            assertThat(AuditTopicReader.counted(messages, "consumer.billing")).isEqualTo(n);
            assertThat(perBucket(messages, "consumer.billing")).isEqualTo(perBucket(messages, "producer"));
            for (Long bucket : perBucket(messages, "producer").keySet()) {
                IdDigest produced = digest(messages, "producer", bucket);
                IdDigest consumed = digest(messages, "consumer.billing", bucket);
                assertThat(consumed.minus(produced).isEmpty()).as("ids of bucket %d", bucket).isTrue();
                assertThat(produced.totalCount()).isEqualTo(perBucket(messages, "producer").get(bucket));
            }
            assertThat(AuditTopicReader.records(messages, "producer"))
                    .allSatisfy(r -> assertThat(r.bucket().sizeMs()).isEqualTo(10_000));
        }
    }

    private static Map<Long, Long> perBucket(List<AuditMessage> messages, String tier) {
        return AuditTopicReader.records(messages, tier).stream().filter(r -> r.topic().equals("orders-jar"))
                .collect(Collectors.groupingBy(r -> r.bucket().start(), TreeMap::new,
                        Collectors.summingLong(AuditRecord::count)));
    }

    private static IdDigest digest(List<AuditMessage> messages, String tier, long bucket) {
        IdDigest sum = new IdDigest(IdDigest.DEFAULT_CELLS);
        AuditTopicReader.records(messages, tier).stream()
                .filter(r -> r.topic().equals("orders-jar") && r.bucket().equals(new Bucket(bucket, 10_000)))
                .forEach(r -> sum.merge(r.digest()));
        return sum;
    }

    /** Runs {@link AgentJarClient} in a JVM whose class path has the agent jar and no other Tally class. */
    private static void runClient(String... args) throws Exception {
        List<String> classPath = new ArrayList<>();
        classPath.add(AGENT_JAR.toAbsolutePath().toString());
        classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("kafka-clients-") || name.startsWith("slf4j-") || name.startsWith("lz4-")
                    || name.startsWith("snappy-") || name.startsWith("zstd-")) {
                classPath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", String.join(File.pathSeparator, classPath), AgentJarClient.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "agent-jar-client-" + args[0] + ".log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("client %s finished", args[0]).isTrue();
        assertThat(process.exitValue()).as("client %s exit code; see target/agent-jar-client-%s.log", args[0], args[0])
                .isZero();
    }
}
