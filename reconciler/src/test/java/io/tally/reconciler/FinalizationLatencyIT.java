package io.tally.reconciler;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.Bucket;
import io.tally.core.Clock;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import io.tally.core.settings.SharedSettings;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import io.tally.storage.testing.CassandraNodeExtension;
import io.tally.testing.Eventually;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The finalization figures of BENCHMARKS.md: 1,000 topics with four tiers each, one bucket after another. For each
 * bucket the counts are published first, then — at the moment the bucket becomes final — the progress of every tier
 * past its end plus grace; one topic in a hundred has a loss. Measured per topic: from the write of the progress that
 * makes the bucket final (the broker's acknowledgement of the last of its four tiers' progress) to the write of the
 * last of its verdicts in Cassandra (the cell's write time), and
 * for a loss to its alert on {@code tally.alerts} (the record's timestamp), with {@code alert.hold.ms} 0 so that the
 * figure is the machinery's (the hold is then added by design). The reconciler runs as deployed: its own Kafka
 * clients, the real Cassandra node, the system clock. Prints p50/p99 per round and over the rounds after the first
 * (which runs while the JIT compiles the loop); asserts nothing about time. Run with
 * {@code mvn -pl reconciler verify -Dit.test=FinalizationLatencyIT -Dtally.benchmark=true -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tally.benchmark", matches = "true")
@ExtendWith(CassandraNodeExtension.class)
class FinalizationLatencyIT {
    private static final long SIZE = 10_000;
    private static final long GRACE = 2_000;
    private static final int TOPICS = 1_000;
    private static final int ROUNDS = 6;
    /** Rounds printed but left out of the figures: the first one runs while the JIT compiles the loop. */
    private static final int WARM_UP_ROUNDS = 1;

    private static final String KEYSPACE = "tally_finalization";
    private static final String[] TIERS = {"producer", "log", "consumer.a", "consumer.b"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void from_final_to_verdict_and_to_alert(LocalCassandraNode node, CqlSession session) throws Exception {
        try (BundledBroker broker =
                BundledBroker.start(BrokerConfig.builder().listenerPort(0).build())) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(
                                new NewTopic("tally.aggregates", 6, (short) 1)
                                        .configs(Map.of("cleanup.policy", "compact")),
                                new NewTopic("tally.audit", 2, (short) 1),
                                new NewTopic("tally.alerts", 1, (short) 1)))
                        .all()
                        .get();
            }
            InetSocketAddress cql = node.contactPoint();
            Map<String, Object> props = new HashMap<>();
            props.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
            props.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cql.getHostString() + ":" + cql.getPort());
            props.put(SharedSettings.CASSANDRA_KEYSPACE, KEYSPACE);
            props.put(SharedSettings.CASSANDRA_SCHEMA_APPLY, true); // one reconciler: no schema service
            props.put(ReconcilerConfig.GRACE_MS, GRACE);
            props.put(ReconcilerConfig.ALERT_HOLD_MS, 0);
            props.put(ReconcilerConfig.ALERT_LOG, false);
            // buckets here are in the past: no tier may count as idle (its watermark would follow the clock and
            // finalize the bucket before its progress is written)
            props.put(ReconcilerConfig.IDLE_AFTER_MS, 600_000);
            CassandraAuditStore store = CassandraAuditStore.create(
                    session, TallySchema.builder().keyspace(KEYSPACE).build());
            List<Long> toVerdict = new ArrayList<>();
            List<Long> toAlert = new ArrayList<>();
            try (ReconcilerService service = ReconcilerService.builder(ReconcilerConfig.fromProperties(props))
                            .build()
                            .start();
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                            Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 5),
                            new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                long first = Bucket.startOf(Clock.system().millis(), SIZE) - (ROUNDS + 2) * SIZE;
                for (int round = 0; round < ROUNDS; round++) {
                    Bucket b = new Bucket(first + round * SIZE, SIZE);
                    List<WireMessage> counts = new ArrayList<>();
                    for (int t = 0; t < TOPICS; t++) {
                        for (String tier : TIERS) {
                            boolean loss = t % 100 == 0 && tier.equals("consumer.a");
                            counts.add(aggregate("topic-" + t, tier, b, loss ? 97 : 100));
                        }
                    }
                    long storedBefore = service.stats().aggregatesStored();
                    send(producer, counts).forEach(f -> join(f));
                    Eventually.await(
                            Duration.ofSeconds(60),
                            Duration.ofMillis(50),
                            "the reconciler to store the round's " + counts.size() + " counts",
                            () -> service.stats().aggregatesStored() - storedBefore,
                            stored -> stored >= counts.size());
                    // the counts are in; now every tier passes the bucket's end plus grace
                    List<WireMessage> progress = new ArrayList<>();
                    for (int t = 0; t < TOPICS; t++) {
                        for (String tier : TIERS) {
                            progress.add(TierProgress.builder(tier, "topic-" + t)
                                    .watermark(b.end() + GRACE)
                                    .lastHeartbeatAt(Clock.system().millis())
                                    .liveAgents(1)
                                    .updatedAt(Clock.system().millis())
                                    .build());
                        }
                    }
                    // final when the last of its tiers' progress is written (acknowledged by the broker)
                    Map<String, Long> finalAt = new java.util.concurrent.ConcurrentHashMap<>();
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (WireMessage m : progress) {
                        String topic = ((TierProgress) m).topic();
                        sent.add(send(
                                producer, m, (meta, e) -> finalAt.merge(topic, System.currentTimeMillis(), Math::max)));
                    }
                    sent.forEach(FinalizationLatencyIT::join);
                    awaitVerdicts(store, b);
                    List<Long> roundVerdicts = new ArrayList<>();
                    storedAt(session, b).forEach((topic, at) -> roundVerdicts.add(at - finalAt.get(topic)));
                    print("round " + round + " to verdict", roundVerdicts);
                    if (round >= WARM_UP_ROUNDS) {
                        toVerdict.addAll(roundVerdicts);
                        alertTimes(broker.bootstrapServers(), b)
                                .forEach((topic, at) -> toAlert.add(at - finalAt.get(topic)));
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "BENCH finalization topics=%d tiers=%d rounds=%d stats=%s%n",
                        TOPICS,
                        TIERS.length,
                        ROUNDS,
                        service.stats());
            }
            print("to verdict", toVerdict);
            print("to alert (hold 0)", toAlert);
        }
    }

    private static TierAggregate aggregate(String topic, String tier, Bucket b, long count) {
        IdDigest d = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch l = new LatencySketch();
        for (long id = 0; id < count; id++) {
            d.add(id);
        }
        l.add(30, count);
        return TierAggregate.builder(topic, tier, b)
                .count(count)
                .bytes(count * 10)
                .records(1)
                .latency(l)
                .digest(d)
                .updatedAt(b.end())
                .build();
    }

    private static List<Future<RecordMetadata>> send(
            KafkaProducer<byte[], byte[]> producer, List<WireMessage> messages) {
        List<Future<RecordMetadata>> out = new ArrayList<>(messages.size());
        for (WireMessage m : messages) {
            out.add(send(producer, m, (meta, e) -> {}));
        }
        return out;
    }

    private static Future<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer, WireMessage m, org.apache.kafka.clients.producer.Callback acked) {
        String topic = m instanceof TierAggregate a ? a.topic() : ((TierProgress) m).topic();
        // partitioned by audited topic, as the aggregator writes them
        int partition = Math.floorMod(topic.hashCode(), 6);
        return producer.send(
                new ProducerRecord<>(
                        "tally.aggregates",
                        partition,
                        AuditCodec.kafkaKey(m).getBytes(StandardCharsets.UTF_8),
                        AuditCodec.encode(m)),
                acked);
    }

    private static RecordMetadata join(Future<RecordMetadata> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every topic has the three edges' final verdicts of {@code b} in the store. */
    private static Map<String, Long> awaitVerdicts(CassandraAuditStore store, Bucket b) {
        Map<String, Long> done = new HashMap<>();
        Eventually.await(
                Duration.ofSeconds(120),
                Duration.ofMillis(200),
                "the final verdicts of every topic (the value: how many topics have them)",
                () -> {
                    for (int t = 0; t < TOPICS; t++) {
                        String topic = "topic-" + t;
                        if (done.containsKey(topic)) {
                            continue;
                        }
                        List<EdgeVerdict> verdicts = store.verdicts(topic, b.start(), b.start() + 1);
                        if (verdicts.size() == 3
                                && verdicts.stream().allMatch(v -> v.verdict().isFinal())) {
                            done.put(
                                    topic,
                                    verdicts.stream()
                                            .mapToLong(EdgeVerdict::judgedAt)
                                            .max()
                                            .orElseThrow());
                        }
                    }
                    return done.size();
                },
                n -> n == TOPICS);
        return done;
    }

    /** @return per topic, when the last of its verdicts of {@code b} was written (Cassandra's write time) */
    private static Map<String, Long> storedAt(CqlSession session, Bucket b) {
        Map<String, Long> out = new HashMap<>();
        var statement = session.prepare("SELECT writetime(verdict) FROM " + KEYSPACE + ".edge_verdicts "
                + "WHERE topic = ? AND day = ? AND bucket_start = ?");
        java.time.LocalDate day = java.time.Instant.ofEpochMilli(b.start())
                .atZone(java.time.ZoneOffset.UTC)
                .toLocalDate();
        for (int t = 0; t < TOPICS; t++) {
            String topic = "topic-" + t;
            long latest = 0;
            for (var row : session.execute(statement.bind(topic, day, java.time.Instant.ofEpochMilli(b.start())))) {
                latest = Math.max(latest, row.getLong(0) / 1_000); // microseconds
            }
            out.put(topic, latest);
        }
        return out;
    }

    /** @return per topic with a loss in {@code b}, when its OPEN alert was written */
    private static Map<String, Long> alertTimes(String bootstrap, Bucket b) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("tally.alerts", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            Eventually.await(
                    Duration.ofSeconds(60),
                    Duration.ZERO,
                    "an OPEN alert for each of the " + TOPICS / 100 + " losses (the value: how many came)",
                    () -> {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                            JsonNode alert = JSON.readTree(r.value());
                            if (alert.get("status").asText().equals("OPEN")
                                    && alert.toString().contains("\"bucketStart\":" + b.start())) {
                                out.putIfAbsent(alert.get("topic").asText(), r.timestamp());
                            }
                        }
                        return out.size();
                    },
                    n -> n >= TOPICS / 100);
        }
        return out;
    }

    private static void print(String what, List<Long> ms) {
        List<Long> sorted = ms.stream().sorted().toList();
        System.out.printf(
                Locale.ROOT,
                "BENCH finalization %s n=%d p50=%d ms p99=%d ms max=%d ms%n",
                what,
                sorted.size(),
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1));
    }
}
