package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditIds;
import io.tally.core.AuditRecord;
import io.tally.core.TierAggregate;
import io.tally.core.settings.SharedSettings;
import io.tally.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancels the running jobs while audit records and audited messages keep arriving, restores them from the last
 * retained checkpoint, and checks that every aggregate — agents' tiers and the log tier — is exact afterwards.
 */
class RestartIT {
    private static final long BUCKET = 10_000;
    private static final String TOPIC = "restartit.events";

    @TempDir
    Path checkpoints;

    private final Random random = new Random(3);
    private final AgentIdentity agent = AuditTraffic.agent("producer-r");
    private long seq;
    private long b0;
    private AuditTraffic traffic;
    private final List<AuditRecord> sentRecords = new ArrayList<>();

    @Test
    void aggregates_are_exact_after_cancel_mid_stream_and_restore_from_the_last_checkpoint() throws Exception {
        String bootstrap = TestCluster.bootstrapServers();
        AggregatorConfig config = TestCluster.config("restart-it", BUCKET, Duration.ofMillis(100))
                .with(SharedSettings.LOG_TOPICS, "restartit\\..*")
                .with(AggregatorConfig.LOG_FLUSH_INTERVAL_MS, Duration.ofMillis(200))
                .with(AggregatorConfig.CHECKPOINT_INTERVAL_MS, Duration.ofMillis(700))
                .with(AggregatorConfig.CHECKPOINT_DIR, checkpoints.toUri().toString());
        Jobs.ensureTopics(config);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        String audit = config.getString(SharedSettings.AUDIT_TOPIC);
        String aggregates = config.getString(SharedSettings.AGGREGATES_TOPIC);
        long now = System.currentTimeMillis();
        b0 = now - Math.floorMod(now, BUCKET) - 4 * BUCKET;
        traffic = new AuditTraffic(BUCKET);

        try (KafkaProducer<byte[], byte[]> producer = AuditTraffic.producer(bootstrap)) {
            sendSome(producer, audit, 200);
            JobClient first = start(config, null);
            Map<String, Long> states = statesByTopicTier(awaitExact(bootstrap, aggregates, Duration.ofSeconds(60)));
            assertThat(states.values())
                    .as("a start without restored state says when each topic|tier's state began")
                    .isNotEmpty()
                    .allSatisfy(since -> assertThat(since).isGreaterThanOrEqualTo(now));

            // keep sending while the job is cancelled: some of it is counted after the last checkpoint
            AtomicBoolean stop = new AtomicBoolean();
            List<Exception> failures = new ArrayList<>();
            AtomicInteger batches = new AtomicInteger();
            Thread sender = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        sendSome(producer, audit, 5);
                        batches.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            sender.start();
            awaitNextCheckpoint();
            int batchesAtCheckpoint = batches.get();
            Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(5),
                    "more audit records sent after the last checkpoint",
                    () -> batches.get() > batchesAtCheckpoint + 3);
            first.cancel().get();
            stop.set(true);
            sender.join();
            assertThat(failures).isEmpty();

            // an agent resends what it is not sure was delivered: repeats of (agent, seq)
            for (AuditRecord r : sentRecords.subList(sentRecords.size() - 10, sentRecords.size())) {
                AuditTraffic.send(producer, audit, r);
            }
            sendSome(producer, audit, 100);
            AuditTraffic.flush(producer);

            String checkpoint = LocalAggregator.latestCheckpoint(
                            checkpoints.toUri().toString())
                    .orElseThrow();
            JobClient second = start(config, checkpoint);
            try {
                awaitExact(bootstrap, aggregates, Duration.ofSeconds(90));
                // several checkpoints and emit intervals: a double count would show now
                awaitNextCheckpoint();
                awaitNextCheckpoint();
                Map<String, TierAggregate> actual = AuditTraffic.latestAggregates(AuditTraffic.readUntil(
                        bootstrap,
                        aggregates,
                        Duration.ofSeconds(30),
                        read -> AuditTraffic.latestAggregates(read)
                                .keySet()
                                .containsAll(traffic.expected().keySet())));
                for (Map.Entry<String, TierAggregate> e : traffic.expected().entrySet()) {
                    assertThat(AuditTraffic.counts(actual.get(e.getKey())))
                            .isEqualTo(AuditTraffic.counts(e.getValue()));
                }
                assertThat(statesByTopicTier(actual))
                        .as("restored: the same state of each topic|tier, not a start without it")
                        .isEqualTo(states);
            } finally {
                second.cancel().get();
            }
        }
    }

    private JobClient start(AggregatorConfig config, String restoreFrom) throws Exception {
        Configuration settings = Jobs.flinkSettings(config);
        if (restoreFrom != null) {
            settings.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = TestCluster.environment(settings, 2);
        Jobs.configure(env, config);
        AggregationJob.addTo(env, config);
        LogTierJob.addTo(env, config);
        return env.executeAsync("restart-it");
    }

    /** Sends {@code n} audited messages and, for every fifth, an agent's audit record; records what to expect. */
    private void sendSome(KafkaProducer<byte[], byte[]> producer, String audit, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            long timestamp = b0 + random.nextInt((int) (3 * BUCKET));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    TOPIC, null, timestamp, null, ("m" + random.nextInt()).getBytes(StandardCharsets.UTF_8));
            byte[] id = AuditIds.toHex(random.nextLong());
            record.headers().add(AuditIds.HEADER, id);
            RecordMetadata meta = producer.send(record).get();
            traffic.expectLogged(TOPIC, timestamp, id, meta.partition(), meta.offset(), meta.serializedValueSize());
            if (i % 5 == 0) {
                AuditRecord r = traffic.record(
                        agent,
                        seq++,
                        "producer",
                        TOPIC,
                        b0 + random.nextInt(3) * BUCKET,
                        4,
                        System.currentTimeMillis());
                sentRecords.add(r);
                AuditTraffic.send(producer, audit, r);
            }
        }
        AuditTraffic.flush(producer);
    }

    /** @return topic|tier → the {@code stateSince} its aggregates say */
    private static Map<String, Long> statesByTopicTier(Map<String, TierAggregate> aggregates) {
        Map<String, Long> out = new java.util.HashMap<>();
        aggregates.values().forEach(a -> out.put(a.topic() + '|' + a.tier(), a.stateSince()));
        return out;
    }

    /** Waits until a checkpoint completes after the latest one at the call. */
    private void awaitNextCheckpoint() {
        String dir = checkpoints.toUri().toString();
        Optional<String> before = LocalAggregator.latestCheckpoint(dir);
        Eventually.await(
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                "a checkpoint after " + before.orElse("none"),
                () -> !LocalAggregator.latestCheckpoint(dir).equals(before));
    }

    private Map<String, TierAggregate> awaitExact(String bootstrap, String aggregates, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> read = AuditTraffic.readUntil(
                bootstrap,
                aggregates,
                timeout,
                r -> AuditTraffic.sameCounts(AuditTraffic.latestAggregates(r), traffic.expected()));
        Map<String, TierAggregate> actual = AuditTraffic.latestAggregates(read);
        for (Map.Entry<String, TierAggregate> e : traffic.expected().entrySet()) {
            assertThat(actual.get(e.getKey())).as(e.getKey()).isNotNull();
            assertThat(AuditTraffic.counts(actual.get(e.getKey()))).isEqualTo(AuditTraffic.counts(e.getValue()));
        }
        return actual;
    }
}
