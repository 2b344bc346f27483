package io.tally.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.sketch.IdDigest;
import io.tally.testing.Eventually;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped jar, as users attach it: an ordinary producer and consumer in their own JVM, with only kafka-clients,
 * SLF4J and {@code tally-agent.jar} on the class path, configured through properties alone.
 */
class AgentJarIT {
    private static final Path AGENT_JAR = Path.of("target", "tally-agent.jar");
    private static BundledBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = BundledBroker.start(
                BrokerConfig.builder().temporaryDataDir().listenerPort(0).build());
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
            jar.stream()
                    .map(e -> e.getName())
                    .filter(name ->
                            !name.startsWith("io/tally/") && !name.equals("io/") && !name.startsWith("META-INF/"))
                    .forEach(outside::add);
            assertThat(jar.getEntry("io/tally/agent/AuditProducerInterceptor.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/tally/agent/shaded/jackson/core/JsonFactory.class"))
                    .isNotNull();
            assertThat(jar.stream().map(e -> e.getName()))
                    .noneMatch(n -> n.startsWith("org/apache/kafka/"))
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
        runClient(
                "produce", broker.bootstrapServers(), topic, String.valueOf(n), common, "tally.flush.interval.ms=500");
        runClient("consume", broker.bootstrapServers(), topic, String.valueOf(n), "billing", common);

        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "producer") == 1
                            && AuditTopicReader.closedAgents(m, "consumer.billing") == 1,
                    Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "producer")).isEqualTo(n);
            assertThat(AuditTopicReader.counted(messages, "consumer.billing")).isEqualTo(n);
            assertThat(perBucket(messages, "consumer.billing")).isEqualTo(perBucket(messages, "producer"));
            for (Long bucket : perBucket(messages, "producer").keySet()) {
                IdDigest produced = digest(messages, "producer", bucket);
                IdDigest consumed = digest(messages, "consumer.billing", bucket);
                assertThat(consumed.minus(produced).isEmpty())
                        .as("ids of bucket %d", bucket)
                        .isTrue();
                assertThat(produced.totalCount())
                        .isEqualTo(perBucket(messages, "producer").get(bucket));
            }
            assertThat(AuditTopicReader.records(messages, "producer"))
                    .allSatisfy(r -> assertThat(r.bucket().sizeMs()).isEqualTo(10_000));
        }
    }

    /**
     * The shipped agent jar on the oldest 3.x and the newest 4.x kafka-clients Maven Central serves, through the
     * bundled broker: exact counts per bucket; on 3.x, whose interceptors get no headers with acknowledgements, the
     * producer tier counts without ids (no digest: compared by counts only, never a false MIXED), on 4.x with them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"3.0.0", "4.4.0"})
    void the_agent_counts_exactly_on_the_client_versions_applications_run(String version) throws Exception {
        String tag = "v" + version.replace(".", "");
        String topic = "orders-" + tag;
        int n = 1_500;
        createTopic(topic);
        runClientOn(
                version,
                "produce",
                broker.bootstrapServers(),
                topic,
                String.valueOf(n),
                "tally.bucket.ms=10000",
                "tally.flush.interval.ms=500",
                "tally.tier=producer." + tag);
        runClientOn(
                version, "consume", broker.bootstrapServers(), topic, String.valueOf(n), tag, "tally.bucket.ms=10000");
        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "producer." + tag) == 1
                            && AuditTopicReader.closedAgents(m, "consumer." + tag) == 1,
                    Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "producer." + tag)).isEqualTo(n);
            assertThat(AuditTopicReader.counted(messages, "consumer." + tag)).isEqualTo(n);
            assertThat(perBucket(messages, "consumer." + tag, topic))
                    .isEqualTo(perBucket(messages, "producer." + tag, topic));
            if (version.startsWith("3.")) {
                assertThat(AuditTopicReader.records(messages, "producer." + tag))
                        .as("no ids: counts only")
                        .allMatch(r -> r.digest() == null);
            } else {
                assertSameIds(messages, topic, "producer." + tag, "consumer." + tag);
            }
        }
    }

    @Test
    void a_consumer_killed_between_commits_is_not_a_duplicate_when_its_successor_reads_again() throws Exception {
        String topic = "orders-crash";
        int n = 2_000;
        createTopic(topic);
        // a tier of its own: the other tests' producers write to the same audit topic
        runClient(
                "produce",
                broker.bootstrapServers(),
                topic,
                String.valueOf(n),
                "tally.bucket.ms=10000",
                "tally.tier=producer.crash");
        String[] consumer = {
            broker.bootstrapServers(),
            topic,
            "",
            "crashing",
            "tally.bucket.ms=10000",
            "tally.flush.interval.ms=200",
            "max.poll.records=100"
        };
        Process crashing = startClient("crash", with(consumer, 2, "1000"));
        long committed = awaitCommitted(crashing, "crash");
        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.counted(m, "consumer.crashing") >= committed, Duration.ofSeconds(30));
            assertThat(AuditTopicReader.counted(messages, "consumer.crashing"))
                    .as("what it read after its last commit is not counted")
                    .isEqualTo(committed);
            crashing.destroyForcibly(); // SIGKILL: no close, no last flush
            assertThat(crashing.waitFor(30, TimeUnit.SECONDS)).isTrue();

            runClient(with(with(consumer, 2, String.valueOf(n - committed)), -1, "consume"));
            messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "consumer.crashing") == 1
                            && AuditTopicReader.counted(m, "consumer.crashing") >= n,
                    Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "consumer.crashing")).isEqualTo(n);
            assertSameIds(messages, topic, "producer.crash", "consumer.crashing");
        }
    }

    @Test
    void
            an_exactly_once_consumer_killed_mid_transaction_counts_each_record_once_with_its_commits_learned_from_the_group()
                    throws Exception {
        String topic = "orders-eos";
        int n = 2_000;
        createTopic(topic);
        runClient(
                "produce",
                broker.bootstrapServers(),
                topic,
                String.valueOf(n),
                "tally.bucket.ms=10000",
                "tally.tier=producer.eos");
        String[] transform = {
            broker.bootstrapServers(),
            topic,
            "",
            "transform",
            "tally.bucket.ms=10000",
            "tally.flush.interval.ms=200",
            "max.poll.records=100"
        };
        Process crashing = startClient("eos-crash", plus(with(transform, 2, "1000"), "client.id=transform-1"));
        long committed = awaitCommitted(crashing, "eos-crash");
        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.counted(m, "consumer.transform") >= committed, Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "consumer.transform"))
                    .as("what its transactions committed, learned from the group; not its open transaction")
                    .isEqualTo(committed);
            crashing.destroyForcibly(); // SIGKILL mid-transaction: the next instance fences and aborts it
            assertThat(crashing.waitFor(30, TimeUnit.SECONDS)).isTrue();

            runClient(with(
                    plus(with(transform, 2, String.valueOf(n - committed)), "client.id=transform-2"), -1, "eos"));
            messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "consumer.transform") == 1
                            && AuditTopicReader.counted(m, "consumer.transform") >= n,
                    Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "consumer.transform")).isEqualTo(n);
            assertThat(AuditTopicReader.records(messages, "consumer.transform"))
                    .allMatch(r -> r.mode() == io.tally.core.CountingMode.COMMIT);
            assertSameIds(messages, topic, "producer.eos", "consumer.transform");
        }
    }

    @Test
    void exactly_once_consumers_count_each_record_once_when_a_rebalance_moves_partitions_between_them()
            throws Exception {
        String topic = "orders-handover";
        int n = 6_000;
        createTopic(topic);
        runClient("produce", broker.bootstrapServers(), topic, String.valueOf(n), "tally.bucket.ms=10000");
        String[] transform = {
            broker.bootstrapServers(),
            topic,
            "1",
            "handover",
            "tally.bucket.ms=10000",
            "tally.flush.interval.ms=200",
            "max.poll.records=25",
            "poll.pause.ms=20",
            // as Kafka Streams assigns: a partition moves only after its owner gave it up (and committed)
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
        };
        // the first reads alone for a while, its records waiting for commits it learns of only from the group; then
        // the second joins and the rebalance moves partitions to it
        Process first = startClient(
                "eos-handover-1", plus(plus(transform, "client.id=handover-1"), "transactional.id=handover-1"));
        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            awaitLine(first, "eos-handover-1", "reading");
            Thread.sleep(2_000); // it reads alone meanwhile (the whole topic would take it about 30 s)
            runClient(with(
                    plus(plus(transform, "client.id=handover-2"), "transactional.id=handover-2"),
                    -1,
                    "eos-handover-2"));
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "consumer.handover") == 2, Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "consumer.handover"))
                    .as("what each committed before the partitions moved, and after")
                    .isEqualTo(n);
        }
    }

    @Test
    void a_consumer_evicted_from_its_group_mid_batch_leaves_its_uncommitted_records_to_the_next_owner()
            throws Exception {
        String topic = "orders-stall";
        int n = 2_000;
        createTopic(topic);
        runClient(
                "produce",
                broker.bootstrapServers(),
                topic,
                String.valueOf(n),
                "tally.bucket.ms=10000",
                "tally.tier=producer.stall");
        String[] consumer = {
            broker.bootstrapServers(),
            topic,
            "",
            "stalling",
            "tally.bucket.ms=10000",
            "tally.flush.interval.ms=200",
            "max.poll.records=100",
            "max.poll.interval.ms=10000",
            "tally.consumer.commit.wait.ms=5000"
        };
        Process stalled = startClient("stall", with(consumer, 2, "1000"));
        long committed = awaitCommitted(stalled, "stall");
        // its partitions go to a new member once the group evicts it; that one reads on from the commits
        runClient(with(with(consumer, 2, String.valueOf(n - committed)), -1, "consume"));
        assertThat(stalled.waitFor(90, TimeUnit.SECONDS))
                .as("the stalled consumer closes")
                .isTrue();
        try (AuditTopicReader reader = new AuditTopicReader(broker.bootstrapServers())) {
            List<AuditMessage> messages = reader.readUntil(
                    m -> AuditTopicReader.closedAgents(m, "consumer.stalling") == 2, Duration.ofSeconds(60));
            assertThat(AuditTopicReader.counted(messages, "consumer.stalling")).isEqualTo(n);
            assertSameIds(messages, topic, "producer.stall", "consumer.stalling");
        }
    }

    /** Every id the producer counted on {@code topic} is counted once by {@code tier}, bucket by bucket. */
    private static void assertSameIds(List<AuditMessage> messages, String topic, String producer, String tier) {
        for (Long bucket : perBucket(messages, producer, topic).keySet()) {
            IdDigest produced = digest(messages, producer, topic, bucket);
            IdDigest consumed = digest(messages, tier, topic, bucket);
            assertThat(consumed.minus(produced).isEmpty())
                    .as("ids of bucket %d", bucket)
                    .isTrue();
        }
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** @return {@code args} with {@code value} at {@code index}, or first for -1 */
    private static String[] plus(String[] args, String value) {
        List<String> out = new ArrayList<>(List.of(args));
        out.add(value);
        return out.toArray(String[]::new);
    }

    private static String[] with(String[] args, int index, String value) {
        List<String> out = new ArrayList<>(List.of(args));
        if (index < 0) {
            out.add(0, value);
        } else {
            out.set(index, value);
        }
        return out.toArray(String[]::new);
    }

    /** Waits for a client to print {@code line}. */
    private static void awaitLine(Process client, String mode, String line) throws Exception {
        Path log = Path.of("target", "agent-jar-client-" + mode + ".log");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).contains(line)) {
                return;
            }
            assertThat(client.isAlive())
                    .as("client %s is running; see %s", mode, log)
                    .isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("client " + mode + " never printed '" + line + "'; see " + log);
    }

    /** Waits for a {@code crash} or {@code stall} client to say it is ready; @return how many records it committed */
    private static long awaitCommitted(Process client, String mode) throws Exception {
        Path log = Path.of("target", "agent-jar-client-" + mode + ".log");
        String out = Eventually.await(
                Duration.ofSeconds(90),
                Duration.ofMillis(200),
                "client " + mode + " to get ready; see " + log,
                () -> Files.exists(log) ? Files.readString(log) : "",
                text -> text.contains("ready") || !client.isAlive());
        assertThat(out)
                .as("client %s got ready before it ended; see %s", mode, log)
                .contains("ready");
        return out.lines()
                .filter(l -> l.startsWith("committed "))
                .mapToLong(l -> Long.parseLong(l.substring(10)))
                .findFirst()
                .orElseThrow();
    }

    private static Map<Long, Long> perBucket(List<AuditMessage> messages, String tier) {
        return perBucket(messages, tier, "orders-jar");
    }

    private static Map<Long, Long> perBucket(List<AuditMessage> messages, String tier, String topic) {
        return AuditTopicReader.records(messages, tier).stream()
                .filter(r -> r.topic().equals(topic))
                .collect(Collectors.groupingBy(
                        r -> r.bucket().start(), TreeMap::new, Collectors.summingLong(AuditRecord::count)));
    }

    private static IdDigest digest(List<AuditMessage> messages, String tier, long bucket) {
        return digest(messages, tier, "orders-jar", bucket);
    }

    private static IdDigest digest(List<AuditMessage> messages, String tier, String topic, long bucket) {
        IdDigest sum = new IdDigest(IdDigest.DEFAULT_CELLS);
        AuditTopicReader.records(messages, tier).stream()
                .filter(r -> r.topic().equals(topic) && r.bucket().equals(new Bucket(bucket, 10_000)))
                .forEach(r -> sum.merge(r.digest()));
        return sum;
    }

    /** Runs {@link AgentJarClient} to its end in a JVM whose class path has the agent jar and no other Tally class. */
    private static void runClient(String... args) throws Exception {
        runClientOn(null, args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    /** Starts {@link AgentJarClient} in mode {@code mode}; its output goes to target/agent-jar-client-MODE.log. */
    private static Process startClient(String mode, String... args) throws Exception {
        return startClient(null, mode, args);
    }

    /**
     * As {@link #startClient(String, String...)} on kafka-clients {@code version} (a jar of
     * target/client-versions), or on the build's when null; output to target/agent-jar-client-MODE[-VERSION].log.
     */
    private static Process startClient(String version, String mode, String... args) throws Exception {
        List<String> classPath = new ArrayList<>();
        classPath.add(AGENT_JAR.toAbsolutePath().toString());
        classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        if (version != null) {
            Path jar = Path.of("target", "client-versions", "kafka-clients-" + version + ".jar");
            assertThat(jar).as("copied by the build (pre-integration-test)").exists();
            classPath.add(jar.toAbsolutePath().toString());
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if ((name.startsWith("kafka-clients-") && version == null)
                    || name.startsWith("slf4j-")
                    || name.startsWith("lz4-")
                    || name.startsWith("snappy-")
                    || name.startsWith("zstd-")) {
                classPath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                String.join(File.pathSeparator, classPath),
                AgentJarClient.class.getName(),
                mode));
        command.addAll(List.of(args));
        String log = "agent-jar-client-" + mode + (version == null ? "" : "-" + version) + ".log";
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", log).toFile())
                .start();
    }

    /** Runs a client to its end on kafka-clients {@code version}, or the build's when null. */
    private static void runClientOn(String version, String mode, String... args) throws Exception {
        Process process = startClient(version, mode, args);
        String log = "target/agent-jar-client-" + mode + (version == null ? "" : "-" + version) + ".log";
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("client %s finished; see %s", mode, log)
                .isTrue();
        assertThat(process.exitValue())
                .as("client %s exit code; see %s", mode, log)
                .isZero();
    }
}
