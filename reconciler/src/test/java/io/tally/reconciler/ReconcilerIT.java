package io.tally.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.sun.net.httpserver.HttpServer;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.Clock;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.ManualClock;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import io.tally.core.settings.SharedSettings;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.reconciler.internal.kafka.GroupLagProbe;
import io.tally.reconciler.internal.kafka.KafkaClients;
import io.tally.reconciler.internal.kafka.TailCheck;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyQuery;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import io.tally.storage.Verdict;
import io.tally.storage.testing.CassandraNodeExtension;
import io.tally.testing.Eventually;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reconciler against the bundled broker and a real Cassandra node, with a webhook receiver in the test. */
@ExtendWith(CassandraNodeExtension.class)
class ReconcilerIT {
    private static final long SIZE = 10_000;
    private static final String KEYSPACE = "tally_reconciler_it";
    private static BundledBroker broker;
    private static HttpServer webhook;
    private static final List<String> posts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBrokerAndWebhook() throws Exception {
        broker = BundledBroker.start(BrokerConfig.builder().listenerPort(0).build());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic("tally.aggregates", 2, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                            new NewTopic("tally.audit", 2, (short) 1),
                            new NewTopic("tally.alerts", 1, (short) 1)))
                    .all()
                    .get();
        }
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterAll
    static void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static TierAggregate agg(String tier, Bucket b, long from, long to) {
        return agg("orders", tier, b, from, to);
    }

    private static TierAggregate agg(String topic, String tier, Bucket b, long from, long to) {
        IdDigest d = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch l = new LatencySketch();
        for (long id = from; id < to; id++) {
            d.add(id);
            l.add(30);
        }
        return TierAggregate.builder(topic, tier, b)
                .count(to - from)
                .bytes((to - from) * 10)
                .records(1)
                .latency(l)
                .digest(d)
                .updatedAt(b.end())
                .build();
    }

    private static void publish(List<WireMessage> messages) throws Exception {
        publish("tally.aggregates", messages);
    }

    private static void publish(String topic, List<WireMessage> messages) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (WireMessage m : messages) {
                producer.send(new ProducerRecord<>(
                                topic, AuditCodec.kafkaKey(m).getBytes(StandardCharsets.UTF_8), AuditCodec.encode(m)))
                        .get();
            }
        }
    }

    private static ReconcilerService service(LocalCassandraNode node, Clock clock) {
        return service(node, clock, Map.of());
    }

    private static ReconcilerService service(LocalCassandraNode node, Clock clock, Map<String, Object> extra) {
        InetSocketAddress cql = node.contactPoint();
        Map<String, Object> props = new HashMap<>(extra);
        props.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        props.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cql.getHostString() + ":" + cql.getPort());
        props.put(SharedSettings.CASSANDRA_KEYSPACE, KEYSPACE);
        props.put(SharedSettings.CASSANDRA_SCHEMA_APPLY, true); // one reconciler: no schema service
        props.put(ReconcilerConfig.GRACE_MS, 2_000);
        props.put(ReconcilerConfig.ALERT_HOLD_MS, 1_000);
        props.put(ReconcilerConfig.EVALUATE_INTERVAL_MS, 100);
        props.put(
                ReconcilerConfig.WEBHOOK_URL,
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
        return ReconcilerService.builder(ReconcilerConfig.fromProperties(props))
                .clock(clock)
                .build()
                .start();
    }

    /** Waits for {@code condition}, moving the reconciler's clock 200 ms per check (the test drives its time). */
    private static void await(ManualClock clock, String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
            clock.advance(200);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void stores_verdicts_and_discrepancies_alerts_once_across_a_restart_and_resolves_with_late_data(
            LocalCassandraNode node, CqlSession session) throws Exception {
        long start = Bucket.startOf(Clock.system().millis(), SIZE) - 6 * SIZE;
        Bucket b = new Bucket(start, SIZE);
        ManualClock clock = new ManualClock(b.end() + 20_000);
        long wm = b.end() + 5_000;
        List<WireMessage> in = new ArrayList<>(
                List.of(agg("producer", b, 0, 100), agg("log", b, 0, 100), agg("consumer.billing", b, 0, 97)));
        for (String tier : List.of("producer", "log", "consumer.billing")) {
            in.add(TierProgress.builder(tier, "orders")
                    .watermark(wm)
                    .lastHeartbeatAt(clock.millis())
                    .liveAgents(1)
                    .updatedAt(clock.millis())
                    .build());
        }
        publish(in);
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
        Discrepancy loss;

        try (ReconcilerService first = service(node, clock)) {
            await(clock, "a webhook call", () -> posts.size() >= 1);
            assertThat(first.stats().aggregatesStored())
                    .as("the topic may hold other tests' aggregates")
                    .isGreaterThanOrEqualTo(3);
            loss = store.discrepancies(DiscrepancyQuery.ofTopic("orders", start, start + 1))
                    .get(0);
            assertThat(loss.kind()).isEqualTo(Verdict.LOSS);
            assertThat(loss.upstreamTier() + "→" + loss.downstreamTier()).isEqualTo("log→consumer.billing");
            assertThat(loss.lostIds()).containsExactlyInAnyOrder(97L, 98L, 99L);
            assertThat(store.aggregates("orders", start, start + 1)).hasSize(3);
            assertThat(store.verdicts("orders", start, start + 1))
                    .extracting(EdgeVerdict::verdict)
                    .containsExactlyInAnyOrder(Verdict.COMPLETE, Verdict.LOSS);
            assertThat(store.progress())
                    .filteredOn(p -> p.topic().equals("orders"))
                    .hasSize(3);
            assertThat(posts.get(0)).contains("\"text\":\"LOSS on topic orders, log → consumer.billing: 3 missing");
        }

        clock.advance(60_000);
        try (ReconcilerService restarted = service(node, clock)) {
            await(
                    clock,
                    "the replayed bucket is judged",
                    () -> restarted.stats().judged() >= 2);
            long evaluations = restarted.stats().evaluations();
            await(clock, "a few more evaluations", () -> restarted.stats().evaluations() >= evaluations + 5);
            assertThat(posts).as("no second alert after the restart").hasSize(1);
            assertThat(store.discrepancy(loss.id()))
                    .hasValueSatisfying(d -> assertThat(d.detectedAt()).isEqualTo(loss.detectedAt()));

            publish(List.of(agg("consumer.billing", b, 0, 100)));
            await(clock, "a RESOLVED notice", () -> posts.size() >= 2);
            assertThat(posts.get(1)).contains("RESOLVED LOSS");
            assertThat(store.discrepancy(loss.id()))
                    .hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DiscrepancyStatus.RESOLVED));
        }

        assertThat(alertsOnKafka()).hasSize(2);
    }

    @Test
    void a_restarted_reconciler_takes_an_earlier_aggregator_run_s_totals_from_the_store_once_compaction_dropped_them(
            LocalCassandraNode node, CqlSession session) throws Exception {
        String topic = "clicks-" + UUID.randomUUID().toString().substring(0, 8);
        long start = Bucket.startOf(Clock.system().millis(), SIZE) - 6 * SIZE;
        Bucket b = new Bucket(start, SIZE);
        ManualClock clock = new ManualClock(b.end() + 20_000);
        long firstRun = start - 3_600_000;
        long secondRun = start + 4_000; // the aggregator started again without its state inside the bucket
        List<String> tiers = List.of("producer", "log", "consumer.billing");
        List<WireMessage> before = new ArrayList<>();
        for (String tier : tiers) {
            before.add(
                    agg(topic, tier, b, 0, 100).toBuilder().stateSince(firstRun).build());
            before.add(progress(topic, tier, b.end() + 5_000, clock.millis(), firstRun));
        }
        publish(before);
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
        try (ReconcilerService first = service(node, clock)) {
            await(
                    clock,
                    "the first run's bucket judged complete",
                    () -> store.verdicts(topic, start, start + 1).stream()
                                    .filter(v -> v.verdict() == Verdict.COMPLETE)
                                    .count()
                            == 2);
        }
        // the second run counted the bucket's last 6 s again, from zero: the group's share of them is smaller, as
        // it read some before the restart. The compacted topic keeps only these, the latest record of each key.
        String compacted = "tally.aggregates." + topic;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(compacted, 2, (short) 1)))
                    .all()
                    .get();
        }
        List<WireMessage> after = new ArrayList<>();
        for (String tier : tiers) {
            after.add(agg(topic, tier, b, 0, tier.startsWith("consumer") ? 30 : 40).toBuilder()
                    .stateSince(secondRun)
                    .build());
            after.add(progress(topic, tier, b.end() + 6_000, clock.millis(), secondRun));
        }
        publish(compacted, after);
        int postsBefore = posts.size();

        clock.advance(60_000);
        try (ReconcilerService restarted = service(node, clock, Map.of(SharedSettings.AGGREGATES_TOPIC, compacted))) {
            await(clock, "the replayed bucket judged", () -> restarted.stats().judged() >= 2);
            long evaluations = restarted.stats().evaluations();
            await(clock, "a few more evaluations", () -> restarted.stats().evaluations() >= evaluations + 5);
        }

        assertThat(store.discrepancies(DiscrepancyQuery.ofTopic(topic, start, start + 1)))
                .as("no loss of the 10 the second run's group counted less")
                .allSatisfy(d -> assertThat(d.kind()).isNotIn(Verdict.LOSS, Verdict.DUPLICATION));
        assertThat(posts.subList(postsBefore, posts.size())).noneMatch(post -> post.contains(topic));
        assertThat(store.aggregates(topic, start, start + 1))
                .as("the higher totals kept")
                .allSatisfy(a -> assertThat(a.count()).isEqualTo(100));
    }

    private static TierProgress progress(String topic, String tier, long watermark, long now, long stateSince) {
        return TierProgress.builder(tier, topic)
                .watermark(watermark)
                .lastHeartbeatAt(now)
                .liveAgents(1)
                .updatedAt(now)
                .stateSince(stateSince)
                .build();
    }

    @Test
    void judges_nothing_before_it_has_read_what_the_aggregates_topic_already_holds(
            LocalCassandraNode node, CqlSession session) throws Exception {
        long start = Bucket.startOf(Clock.system().millis(), SIZE) - 10 * SIZE;
        Bucket b = new Bucket(start, SIZE);
        ManualClock clock = new ManualClock(b.end() + 20_000);
        long wm = b.end() + 5_000;
        // in one partition, in this order: every tier's progress, a bucket before, the producer's and the log's
        // counts, much else, then the consumer's counts; read one message per poll while the clock runs fast
        Bucket before = new Bucket(start - SIZE, SIZE);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String tier : List.of("producer", "log", "consumer.refunds")) {
            records.add(record(
                    0,
                    TierProgress.builder(tier, "refunds")
                            .watermark(wm)
                            .lastHeartbeatAt(clock.millis())
                            .liveAgents(1)
                            .updatedAt(clock.millis())
                            .build()));
        }
        for (String tier : List.of("producer", "log", "consumer.refunds")) {
            records.add(record(0, agg("refunds", tier, before, 1_000, 1_050)));
        }
        records.add(record(0, agg("refunds", "producer", b, 0, 100)));
        records.add(record(0, agg("refunds", "log", b, 0, 100)));
        for (int i = 0; i < 3_000; i++) {
            records.add(new ProducerRecord<>(
                    "tally.aggregates", 0, ("filler|" + i).getBytes(StandardCharsets.UTF_8), null));
        }
        records.add(record(0, agg("refunds", "consumer.refunds", b, 0, 100)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());

        Thread ticking = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                clock.advance(100); // an evaluation at every turn of the reconciler's loop
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (ReconcilerService reconciler =
                service(node, clock, Map.of(SharedSettings.KAFKA_PREFIX + "max.poll.records", "1"))) {
            ticking.start();
            await(
                    clock,
                    "both edges judged",
                    () -> store.verdicts("refunds", start, start + 1).stream()
                                    .filter(v -> v.verdict() == Verdict.COMPLETE)
                                    .count()
                            == 2);
            ticking.interrupt();
            assertThat(store.discrepancies(DiscrepancyQuery.ofTopic("refunds", before.start(), start + 1)))
                    .as("no bucket judged from half of what was there")
                    .isEmpty();
        }
    }

    @Test
    void a_restarted_reconciler_still_knows_an_agent_that_died_before_its_look_back(
            LocalCassandraNode node, CqlSession session) throws Exception {
        long realNow = Clock.system().millis();
        Bucket b = new Bucket(Bucket.startOf(realNow, SIZE) - 3 * SIZE, SIZE);
        // consumer c1 counted 95 of the bucket's 100 in two flushes, then was killed: 5 never sent
        AgentIdentity c1 = new AgentIdentity("c1-" + realNow, "pod-1");
        List<ProducerRecord<byte[], byte[]>> audit = new ArrayList<>();
        for (int flush = 0; flush < 2; flush++) {
            long at = b.start() + 2_000 + flush * 5_000L;
            audit.add(new ProducerRecord<>(
                    "tally.audit",
                    null,
                    AuditCodec.encode(AuditRecord.builder(c1, "consumer.ledger", "ledger", b, CountingMode.COMMIT)
                            .seq(flush * 2)
                            .emittedAt(at)
                            .count(flush == 0 ? 50 : 45)
                            .build())));
            audit.add(new ProducerRecord<>(
                    "tally.audit",
                    null,
                    AuditCodec.encode(Heartbeat.builder(c1, "consumer.ledger")
                            .seq(flush * 2 + 1)
                            .emittedAt(at)
                            .watermarks(Map.of("ledger", at))
                            .build())));
        }
        long wm = b.end() + 5_000;
        List<WireMessage> aggregates = new ArrayList<>(List.of(
                agg("ledger", "producer", b, 0, 100),
                agg("ledger", "log", b, 0, 100),
                agg("ledger", "consumer.ledger", b, 0, 95)));
        for (String tier : List.of("producer", "log", "consumer.ledger")) {
            aggregates.add(TierProgress.builder(tier, "ledger")
                    .watermark(wm)
                    .lastHeartbeatAt(realNow)
                    .liveAgents(1)
                    .updatedAt(realNow)
                    .build());
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            audit.forEach(producer::send);
        }
        publish(aggregates);
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
        UUID id = Discrepancy.idOf("ledger", "log", "consumer.ledger", b.start());
        ManualClock clock = new ManualClock(realNow + 20_000);

        try (ReconcilerService first = service(node, clock)) {
            await(clock, "the bucket judged", () -> store.discrepancy(id).isPresent());
            assertThat(store.discrepancy(id))
                    .hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP));
            await(
                    clock,
                    "the agent kept",
                    () -> store.agents().stream().anyMatch(a -> a.instanceId().equals(c1.instanceId())));
        }

        // half an hour later: the look-back of tally.audit no longer reaches the agent's messages
        clock.advance(1_800_000);
        long restartedAt = clock.millis();
        try (ReconcilerService restarted = service(node, clock)) {
            await(
                    clock,
                    "the bucket judged again",
                    () -> store.verdicts("ledger", b.start(), b.start() + 1).stream()
                            .anyMatch(
                                    v -> v.downstreamTier().equals("consumer.ledger") && v.judgedAt() >= restartedAt));
            assertThat(store.discrepancy(id))
                    .as("judged as before the restart, not LOSS")
                    .hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP));
        }
        assertThat(posts).as("an audit gap never alerts").noneMatch(post -> post.contains("ledger"));
    }

    @Test
    void two_reconcilers_share_the_topics_and_one_judges_nothing_it_handed_over(
            LocalCassandraNode node, CqlSession session) throws Exception {
        long realNow = Clock.system().millis();
        Bucket b = new Bucket(Bucket.startOf(realNow, SIZE) - 3 * SIZE, SIZE);
        List<String> topics = List.of("shared-a", "shared-b"); // one in each partition of tally.aggregates
        List<ProducerRecord<byte[], byte[]>> lagging = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> caughtUp = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            String topic = topics.get(i);
            lagging.add(record(i, agg(topic, "producer", b, 0, 100)));
            lagging.add(record(i, agg(topic, "log", b, 0, 100)));
            lagging.add(record(i, agg(topic, "consumer.shared", b, 0, 40)));
            for (String tier : List.of("producer", "log")) {
                lagging.add(record(
                        i,
                        TierProgress.builder(tier, topic)
                                .watermark(b.end() + 5_000)
                                .lastHeartbeatAt(realNow)
                                .liveAgents(1)
                                .updatedAt(realNow)
                                .build()));
            }
            lagging.add(record(
                    i,
                    TierProgress.builder("consumer.shared", topic)
                            .watermark(b.start() + 4_000)
                            .lastHeartbeatAt(realNow)
                            .liveAgents(1)
                            .updatedAt(realNow)
                            .build()));
            caughtUp.add(record(i, agg(topic, "consumer.shared", b, 0, 100)));
            caughtUp.add(record(
                    i,
                    TierProgress.builder("consumer.shared", topic)
                            .watermark(b.end() + 5_000)
                            .lastHeartbeatAt(realNow + 1)
                            .liveAgents(1)
                            .updatedAt(realNow + 1)
                            .build()));
        }
        send(lagging);
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
        ManualClock clock = new ManualClock(b.end() + 20_000); // stands still until the end of the hand-over
        Map<String, Object> settings =
                Map.of(ReconcilerConfig.GROUP_ID, "it-two-reconcilers", ReconcilerConfig.STALL_TIMEOUT_MS, 2_000);

        try (ReconcilerService first = service(node, clock, settings)) {
            awaitReal(
                    "the first instance judges both topics (PENDING: the consumer lags)",
                    () -> topics.stream()
                            .allMatch(t -> store.verdicts(t, b.start(), b.start() + 1).stream()
                                    .anyMatch(v -> v.downstreamTier().equals("consumer.shared")
                                            && v.verdict() == Verdict.PENDING)));
            try (ReconcilerService second = service(node, clock, settings)) {
                // the group rebalances: each instance keeps one partition; the consumer then catches up
                awaitReal(
                        "the second instance has its partition",
                        () -> second.stats().aggregatesStored() > 0);
                send(caughtUp);
                awaitReal(
                        "the catch-up is read by the owners",
                        () -> topics.stream()
                                .allMatch(t -> store.aggregates(t, b.start(), b.start() + 1).stream()
                                        .anyMatch(a -> a.tier().equals("consumer.shared") && a.count() == 100)));
                await(
                        clock,
                        "both topics judged COMPLETE by their owners",
                        () -> topics.stream()
                                .allMatch(t -> store.verdicts(t, b.start(), b.start() + 1).stream()
                                        .anyMatch(v -> v.downstreamTier().equals("consumer.shared")
                                                && v.verdict() == Verdict.COMPLETE)));
                long until = clock.millis() + 10_000; // well past the stall timeout
                await(clock, "a while past the stall timeout", () -> clock.millis() >= until);
            }
        }
        for (String topic : topics) {
            assertThat(store.discrepancies(DiscrepancyQuery.ofTopic(topic, b.start(), b.start() + 1)))
                    .as("no instance judges a topic it handed over (it would see it STALLED)")
                    .isEmpty();
        }
        assertThat(posts).noneMatch(post -> post.contains("shared-"));
    }

    @Test
    void a_reconciler_stopped_mid_run_hands_its_topics_over_and_every_loss_is_alerted_exactly_once(
            LocalCassandraNode node, CqlSession session) throws Exception {
        long realNow = Clock.system().millis();
        Bucket b0 = new Bucket(Bucket.startOf(realNow, SIZE) - 8 * SIZE, SIZE);
        Bucket b1 = b0.next();
        Bucket b2 = b1.next();
        List<String> topics = List.of("relay-a", "relay-b"); // one in each partition of tally.aggregates
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace(KEYSPACE).build());
        ManualClock clock = new ManualClock(b2.end() + 20_000);
        Map<String, Object> settings = Map.of(ReconcilerConfig.GROUP_ID, "it-relay");
        try (ReconcilerService first = service(node, clock, settings)) {
            ReconcilerService second = service(node, clock, settings);
            try {
                send(bucket(topics, b0, 100, b0.end() + 5_000, realNow)); // complete: both instances get some
                awaitReal(
                        "each instance has a partition",
                        () -> first.stats().aggregatesStored() > 0
                                && second.stats().aggregatesStored() > 0);
                send(bucket(topics, b1, 95, b1.end() + 5_000, realNow + 1));
                await(
                        clock,
                        "both losses of the first bucket alerted",
                        () -> topics.stream().allMatch(t -> alerts(t, "5 missing") == 1));
            } finally {
                second.close(); // stopped mid-run: the first instance takes its partition over
            }
            send(bucket(topics, b2, 93, b2.end() + 5_000, realNow + 2));
            await(
                    clock,
                    "both losses of the next bucket alerted",
                    () -> topics.stream().allMatch(t -> alerts(t, "7 missing") == 1));
            long evaluations = first.stats().evaluations();
            await(clock, "a while after the hand-over", () -> first.stats().evaluations() >= evaluations + 20);
        }
        for (String topic : topics) {
            assertThat(alerts(topic, "5 missing"))
                    .as("the first bucket's loss on " + topic + ", once")
                    .isEqualTo(1);
            assertThat(alerts(topic, "7 missing"))
                    .as("the next bucket's loss on " + topic + ", once")
                    .isEqualTo(1);
            assertThat(posts)
                    .as("nothing resolved: nothing was wrong")
                    .noneMatch(post -> post.contains(topic) && post.contains("RESOLVED"));
            for (Bucket b : List.of(b0, b1, b2)) {
                assertThat(store.verdicts(topic, b.start(), b.start() + 1))
                        .filteredOn(v -> v.downstreamTier().equals("consumer.relay"))
                        .as("bucket " + b + " of " + topic + " judged")
                        .singleElement()
                        .satisfies(v -> assertThat(v.verdict()).isIn(Verdict.COMPLETE, Verdict.LOSS));
            }
        }
    }

    /** One bucket of every topic: producer and log count 100, the consumer group {@code consumed}; all past it. */
    private static List<ProducerRecord<byte[], byte[]>> bucket(
            List<String> topics, Bucket b, long consumed, long watermark, long at) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            String topic = topics.get(i);
            out.add(record(i, agg(topic, "producer", b, 0, 100)));
            out.add(record(i, agg(topic, "log", b, 0, 100)));
            out.add(record(i, agg(topic, "consumer.relay", b, 0, consumed)));
            for (String tier : List.of("producer", "log", "consumer.relay")) {
                out.add(record(
                        i,
                        TierProgress.builder(tier, topic)
                                .watermark(watermark)
                                .lastHeartbeatAt(at)
                                .liveAgents(1)
                                .updatedAt(at)
                                .build()));
            }
        }
        return out;
    }

    /** @return webhook calls that alert a LOSS on {@code topic} with {@code detail} */
    private static long alerts(String topic, String detail) {
        return posts.stream()
                .filter(post -> post.contains("LOSS on topic " + topic + ",")
                        && post.contains(detail)
                        && !post.contains("RESOLVED"))
                .count();
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
        }
    }

    /** Waits for {@code condition} in real time, the reconcilers' clock standing still. */
    private static void awaitReal(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, WireMessage m) {
        return new ProducerRecord<>(
                "tally.aggregates",
                partition,
                AuditCodec.kafkaKey(m).getBytes(StandardCharsets.UTF_8),
                AuditCodec.encode(m));
    }

    @Test
    void the_lag_probe_sees_a_consumer_group_at_the_log_end_and_behind_it() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("payments", 2, (short) 1)))
                    .all()
                    .get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("payments", i % 2, null, new byte[] {1}))
                        .get();
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "ledger");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ReconcilerConfig config =
                ReconcilerConfig.defaults().with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
                GroupLagProbe probe = lagProbe(config)) {
            consumer.subscribe(List.of("payments"));
            int read = 0;
            for (int i = 0; i < 100 && read < 6; i++) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync(Map.of(
                    new org.apache.kafka.common.TopicPartition("payments", 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(5),
                    new org.apache.kafka.common.TopicPartition("payments", 1),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(3)));
            Map<String, java.util.Set<String>> tiers =
                    Map.of("payments", java.util.Set.of("producer", "consumer.ledger", "consumer.nobody"));

            probe.refresh(tiers);
            assertThat(probe.caughtUp("consumer.ledger", "payments")).isFalse();
            assertThat(probe.committedOffsets("consumer.ledger", "payments"))
                    .containsExactly(Map.entry(0, 5L), Map.entry(1, 3L));
            assertThat(probe.committedOffsets("consumer.nobody", "payments")).isNull();
            assertThat(probe.logStartOffsets("payments"))
                    .as("asked where a group is behind")
                    .containsExactly(Map.entry(1, 0L));
            assertThat(probe.caughtUp("consumer.nobody", "payments")).isNull();
            assertThat(probe.caughtUp("producer", "payments")).isNull();
            probe.refresh(tiers); // the same commits again: what lies beyond them is read, and is records
            assertThat(probe.caughtUp("consumer.ledger", "payments")).isFalse();

            consumer.commitSync(Map.of(
                    new org.apache.kafka.common.TopicPartition("payments", 1),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(5)));
            probe.refresh(tiers);
            assertThat(probe.caughtUp("consumer.ledger", "payments")).isTrue();
            assertThat(probe.committedOffsets("consumer.ledger", "payments")).containsEntry(1, 5L);
        }
    }

    @Test
    void a_group_short_of_the_end_only_by_what_it_is_never_given_is_at_the_end_once_its_commit_stands_still()
            throws Exception {
        String topic = "settlements";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "settler");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction(); // offsets 0-2, its commit marker at 3
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {1}));
            }
            producer.commitTransaction();
            producer.beginTransaction(); // offsets 4-5, its abort marker at 6: the end is 7
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {2}));
            }
            producer.flush();
            producer.abortTransaction();
        }
        // each group committed after the last record it was given: 3 (read_committed: 0-2), 6 (read_uncommitted:
        // 0-2, 4-5), and one that read only the committed transaction while reading uncommitted (a lag of 2 records)
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets("committed-reader", Map.of(tp, new OffsetAndMetadata(3)))
                    .all()
                    .get();
            admin.alterConsumerGroupOffsets("full-reader", Map.of(tp, new OffsetAndMetadata(6)))
                    .all()
                    .get();
            admin.alterConsumerGroupOffsets("slow-reader", Map.of(tp, new OffsetAndMetadata(3)))
                    .all()
                    .get();
        }
        ReconcilerConfig config =
                ReconcilerConfig.defaults().with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        Map<String, java.util.Set<String>> tiers = Map.of(
                topic, java.util.Set.of("consumer.committed-reader", "consumer.full-reader", "consumer.slow-reader"));
        try (GroupLagProbe probe = lagProbe(config)) {
            probe.refresh(tiers, (tier, t) -> tier.equals("consumer.committed-reader"));
            assertThat(probe.caughtUp("consumer.committed-reader", topic))
                    .as("a commit seen once may still move")
                    .isFalse();
            probe.refresh(tiers, (tier, t) -> tier.equals("consumer.committed-reader"));
            assertThat(probe.caughtUp("consumer.committed-reader", topic))
                    .as("a marker and aborted records")
                    .isTrue();
            assertThat(probe.caughtUp("consumer.full-reader", topic))
                    .as("a marker")
                    .isTrue();
            assertThat(probe.caughtUp("consumer.slow-reader", topic))
                    .as("2 records it has not read")
                    .isFalse();
        }
    }

    @Test
    void a_read_committed_group_behind_an_open_transaction_is_not_at_the_end_and_is_not_waited_for() throws Exception {
        String topic = "clearing";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        ReconcilerConfig config =
                ReconcilerConfig.defaults().with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "clearer");
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                TailCheck tails = new TailCheck(KafkaClients.consumer(config, "it-tail-open", null))) {
            producer.initTransactions();
            producer.beginTransaction(); // offsets 0-2, its commit marker at 3
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {1}));
            }
            producer.commitTransaction();
            producer.beginTransaction(); // offsets 4-5, still open: the end is 6, the last stable offset 4
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {2}));
            }
            producer.flush();

            assertThat(tails.nothingToRead(tp, 4, 6, true))
                    .as("an open transaction: what it holds may yet be given to the group")
                    .isFalse();
            assertThat(tails.polls())
                    .as("the last stable offset says so: nothing is read, the loop does not wait")
                    .isZero();

            producer.abortTransaction(); // its marker at 6: the end is 7, once the coordinator has written it
            Eventually.await(
                    Duration.ofSeconds(10),
                    Duration.ofMillis(100),
                    "aborted, then a marker: nothing a read_committed group is given",
                    () -> tails.nothingToRead(tp, 4, 7, true));
        }
    }

    private static GroupLagProbe lagProbe(ReconcilerConfig config) {
        return new GroupLagProbe(
                KafkaClients.admin(config, "it-lag"),
                Duration.ofSeconds(10),
                new TailCheck(KafkaClients.consumer(config, "it-tail", null)),
                Duration.ZERO);
    }

    private static List<String> alertsOnKafka() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-alerts");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("tally.alerts"));
            for (int i = 0; i < 50 && out.size() < 2; i++) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
