package io.tally.reconciler;

import com.datastax.oss.driver.api.core.CqlSession;
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
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.testing.CassandraNodeExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replay figure of BENCHMARKS.md: what a restarted reconciler reads before it judges again, after the aggregator
 * has run for the whole retention. The aggregator tombstones every bucket older than the retention (14 days by
 * default), so the compacted {@code tally.aggregates} holds at most 14 days of buckets however long it runs; this
 * writes exactly that — 14 days of one-minute buckets for {@value #TOPICS} topics × 4 tiers, every aggregate with a
 * 128-cell digest, as the aggregator writes them — and times a reconciler from its start to its first evaluation
 * (which waits for the replay to reach the end offsets it saw at start). Prints the time, the records and the
 * bytes; asserts nothing about time. Run with {@code mvn -pl reconciler verify -Dit.test=ReplayTimeIT
 * -Dtally.benchmark=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "tally.benchmark", matches = "true")
@ExtendWith(CassandraNodeExtension.class)
class ReplayTimeIT {
    private static final long SIZE = 60_000;
    private static final int DAYS = 14;
    private static final int TOPICS = 2;
    private static final String[] TIERS = {"producer", "log", "consumer.a", "consumer.b"};

    @Test
    void a_restarted_reconciler_replays_the_retention_of_the_aggregates_topic(
            LocalCassandraNode node, CqlSession session) throws Exception {
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
            long now = Clock.system().millis();
            long first = Bucket.startOf(now, SIZE) - DAYS * 86_400_000L;
            int buckets = (int) (DAYS * 86_400_000L / SIZE);
            long records = 0;
            long bytes = 0;
            long writeStarted = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(
                            "bootstrap.servers",
                            broker.bootstrapServers(),
                            "linger.ms",
                            20,
                            "batch.size",
                            1 << 20,
                            "compression.type",
                            "lz4"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int t = 0; t < TOPICS; t++) {
                    String topic = "topic-" + t;
                    for (String tier : TIERS) {
                        for (int i = 0; i < buckets; i++) {
                            bytes += send(producer, topic, aggregate(topic, tier, new Bucket(first + i * SIZE, SIZE)));
                            records++;
                        }
                        bytes += send(
                                producer,
                                topic,
                                TierProgress.builder(tier, topic)
                                        .watermark(now)
                                        .lastHeartbeatAt(now)
                                        .liveAgents(1)
                                        .updatedAt(now)
                                        .build());
                        records++;
                    }
                }
                producer.flush();
            }
            long written = System.nanoTime() - writeStarted;
            InetSocketAddress cql = node.contactPoint();
            Map<String, Object> props = new HashMap<>();
            props.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
            props.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cql.getHostString() + ":" + cql.getPort());
            props.put(SharedSettings.CASSANDRA_KEYSPACE, "tally_replay");
            props.put(SharedSettings.CASSANDRA_SCHEMA_APPLY, true); // one reconciler: no schema service
            props.put(ReconcilerConfig.ALERT_LOG, false);
            long started = System.nanoTime();
            try (ReconcilerService service = ReconcilerService.builder(ReconcilerConfig.fromProperties(props))
                    .build()
                    .start()) {
                while (service.stats().evaluations() == 0) {
                    Thread.sleep(50);
                }
                long replayed = System.nanoTime() - started;
                System.out.printf(
                        Locale.ROOT,
                        "BENCH replay days=%d topics=%d tiers=%d records=%d bytes=%d written in %d ms; replayed (start "
                                + "to first evaluation) in %d ms = %.0f records/s; %s%n",
                        DAYS,
                        TOPICS,
                        TIERS.length,
                        records,
                        bytes,
                        written / 1_000_000,
                        replayed / 1_000_000,
                        records / (replayed / 1e9),
                        service.stats());
            }
        }
    }

    /** One aggregate as the aggregator writes it: 100 messages, a 128-cell digest of their ids, their latency. */
    private static TierAggregate aggregate(String topic, String tier, Bucket b) {
        IdDigest d = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch l = new LatencySketch();
        for (long id = 0; id < 100; id++) {
            d.add(b.start() + id);
            l.add(20 + id % 50);
        }
        return TierAggregate.builder(topic, tier, b)
                .count(100)
                .bytes(100 * 200)
                .records(12)
                .latency(l)
                .digest(d)
                .updatedAt(b.end())
                .build();
    }

    private static int send(KafkaProducer<byte[], byte[]> producer, String topic, WireMessage m) {
        byte[] value = AuditCodec.encode(m);
        producer.send(new ProducerRecord<>(
                "tally.aggregates",
                Math.floorMod(topic.hashCode(), 6),
                AuditCodec.kafkaKey(m).getBytes(StandardCharsets.UTF_8),
                value));
        return value.length;
    }
}
