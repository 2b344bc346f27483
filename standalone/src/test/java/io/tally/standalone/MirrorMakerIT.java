package io.tally.standalone;

import static io.tally.standalone.ApiClient.pause;
import static io.tally.standalone.AuditedClients.background;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Frameworks": MirrorMaker 2 ({@code connect-mirror}'s {@code MirrorSourceConnector}, on a Connect worker
 * of the target cluster, as users run it in a Connect cluster) copies {@code orders} from Tally's cluster to a second
 * bundled cluster, where the default replication policy names it {@code source.orders}. The agent rides on the
 * worker's task producers ({@code producer.} settings: tier {@code mirror}, audit records sent to Tally's cluster)
 * and on a reader of the copy in the second cluster. The topology file declares the mirror edge across the rename.
 * The copy must be judged against the source, counts and ids (the mirror forwards each record's {@code tally.id}
 * header, and the agent keeps an id it finds), every bucket COMPLETE, no alarm; then records deleted in the source
 * before the mirror copied them are a LOSS of the mirror, with their ids, alerted.
 */
class MirrorMakerIT {
    private static final long BUCKET_MS = 5_000;
    private static final String TOPIC = "orders";
    /** The copy's name under the default replication policy: the source cluster's alias, a dot, the topic. */
    private static final String COPY = "source." + TOPIC;

    private static final String MIRROR = "mirror-orders";
    private static final String READER = "dc2-reader";
    private static final Path LOGS = Path.of("target", "mirror-maker-it");

    @Test
    void
            a_topic_mirrored_to_another_cluster_under_a_new_name_is_judged_against_its_source_and_a_deleted_range_is_a_named_loss(
                    @TempDir Path dir) throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.json"), """
                {"edges": [
                  {"from": "producer", "to": "log", "topics": ["orders"]},
                  {"from": "log", "to": "mirror", "topics": ["orders"], "toTopic": "source.orders"},
                  {"from": "mirror", "to": "consumer.dc2-reader", "topics": ["source.orders"]}
                ]}
                """);
        Standalone.Options options = AuditedClients.frameworkTally(
                dir.resolve("tally"), BUCKET_MS, Map.of("tally.reconciler.topology.file", topology.toString()));
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()));
                BundledBroker target = BundledBroker.start(BrokerConfig.builder()
                        .temporaryDataDir()
                        .listenerPort(0)
                        .build())) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            String dc2 = target.bootstrapServers();
            AuditedClients.createTopic(kafka, TOPIC, 3);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();

            try (ConnectWorker worker = ConnectWorker.start(
                    worker(dc2, kafka), ConnectWorker.freePort(), LOGS.resolve("worker-run-1.log"))) {
                worker.create(MIRROR, mirror(kafka, dc2));
                worker.awaitTasks(MIRROR, 1, "RUNNING");
                Thread producer = background(
                        "orders",
                        failures,
                        () -> AuditedClients.produceUntil(kafka, BUCKET_MS, TOPIC, producing, sent));
                Thread reader = background("dc2-reader", failures, () -> readCopy(dc2, kafka, reading));

                awaitVerdicts(api, 25_000);
                AuditedClients.stop(producing, List.of(producer));
                long total = sent.get();
                GroupWatch.awaitTotal(api, COPY, "consumer." + READER, total);
                JsonNode source = new GroupWatch(api, TOPIC, READER).awaitAllFinal();
                JsonNode copy = new GroupWatch(api, COPY, READER).awaitAllFinal();
                pause(6_000); // past the alert hold
                source = report(api, TOPIC);
                copy = report(api, COPY);

                assertThat(failures).isEmpty();
                assertThat(alarms(api, TOPIC)).as("alarms on the source").isEmpty();
                assertThat(alarms(api, COPY)).as("alarms on the copy").isEmpty();
                assertThat(AlertsTopic.open(kafka)).as("alerts").isEmpty();
                assertThat(GroupWatch.total(source, "producer")).isEqualTo(total);
                assertThat(GroupWatch.total(source, "log")).isEqualTo(total);
                assertThat(GroupWatch.total(copy, "mirror"))
                        .as("the mirror copied every record once")
                        .isEqualTo(total);
                assertThat(GroupWatch.total(copy, "consumer." + READER)).isEqualTo(total);
                assertThat(verdicts(source, "log", "mirror"))
                        .as("log → mirror, judged across the rename in the source's buckets")
                        .isNotEmpty()
                        .containsOnly("COMPLETE");
                assertThat(verdicts(copy, "mirror", "consumer." + READER))
                        .isNotEmpty()
                        .containsOnly("COMPLETE");

                // retention deletes records of the source before the paused mirror copied them
                worker.pause(MIRROR);
                worker.awaitTasks(MIRROR, 1, "PAUSED");
                Map<TopicPartition, Long> from = LostRecords.ends(kafka, TOPIC);
                AuditedClients.produceBurst(kafka, BUCKET_MS, TOPIC, sent, 30);
                Map<TopicPartition, Long> to = LostRecords.ends(kafka, TOPIC);
                Set<String> lostIds = LostRecords.idsBetween(kafka, from, to);
                assertThat(lostIds).hasSize(30);
                LostRecords.awaitLogCounted(api, TOPIC, sent.get());
                LostRecords.deleteBefore(kafka, to);
                worker.resume(MIRROR);
                producing.set(true);
                producer = background(
                        "orders",
                        failures,
                        () -> AuditedClients.produceUntil(kafka, BUCKET_MS, TOPIC, producing, sent));

                LostRecords.assertNamedLossAlerted(api, kafka, TOPIC, "log", "mirror", lostIds);
                AuditedClients.stop(producing, List.of(producer));
                AuditedClients.stop(reading, List.of(reader));
                assertThat(failures).isEmpty();
            } finally {
                producing.set(false);
                reading.set(false);
            }
        }
    }

    /** A Connect worker of the target cluster, the agent on its tasks' producers, reporting to Tally's cluster. */
    private static Map<String, String> worker(String dc2, String tallyKafka) {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", dc2);
        w.put("group.id", "dc2-connect");
        // MirrorMaker copies bytes as they are: keys, values and headers (the tally.id header among them)
        for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
            w.put(converter, "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
        for (String store : List.of("config", "offset", "status")) {
            w.put(store + ".storage.topic", "connect-" + store);
            w.put(store + ".storage.replication.factor", "1");
        }
        w.put("offset.flush.interval.ms", "5000");
        w.put("producer.interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        w.put("producer.tally.tier", "mirror");
        w.put("producer.tally.audit.bootstrap.servers", tallyKafka);
        w.put("producer.tally.bucket.ms", String.valueOf(BUCKET_MS));
        w.put("producer.tally.flush.interval.ms", "200");
        return w;
    }

    /** MirrorMaker 2's source connector: {@code orders} of cluster "source" copied as is, headers included. */
    private static Map<String, String> mirror(String source, String dc2) {
        Map<String, String> m = new HashMap<>();
        m.put("connector.class", "org.apache.kafka.connect.mirror.MirrorSourceConnector");
        m.put("tasks.max", "1");
        m.put("source.cluster.alias", "source");
        m.put("target.cluster.alias", "dc2");
        m.put("source.cluster.bootstrap.servers", source);
        m.put("target.cluster.bootstrap.servers", dc2);
        m.put("topics", TOPIC);
        m.put("replication.factor", "1");
        m.put("offset-syncs.topic.replication.factor", "1");
        m.put("offset-syncs.topic.location", "target");
        m.put("sync.topic.acls.enabled", "false");
        return m;
    }

    /** An audited group of the second cluster reading the copy, its agent reporting to Tally's cluster. */
    private static void readCopy(String dc2, String tallyKafka, AtomicBoolean reading) {
        Properties p = AuditedClients.consumer(dc2, READER, "earliest", BUCKET_MS);
        p.put("tally.audit.bootstrap.servers", tallyKafka);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(COPY));
            while (reading.get()) {
                if (!c.poll(Duration.ofMillis(100)).isEmpty()) {
                    c.commitSync();
                }
            }
        }
    }

    private static JsonNode report(URI api, String topic) throws Exception {
        return ApiClient.get(
                api, "/api/v1/topics/" + topic + "/buckets?from=" + (System.currentTimeMillis() - 3_600_000));
    }

    /** Watches for {@code ms}, failing at once on any alarm. */
    private static void awaitVerdicts(URI api, long ms) throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < until) {
            assertThat(alarms(api, TOPIC)).as("alarms on the source").isEmpty();
            assertThat(alarms(api, COPY)).as("alarms on the copy").isEmpty();
            pause(500);
        }
    }

    private static List<JsonNode> alarms(URI api, String topic) throws Exception {
        List<JsonNode> all = new java.util.ArrayList<>();
        for (String kind : List.of("LOSS", "DUPLICATION", "MIXED", "STALLED", "AUDIT_GAP")) {
            all.addAll(LostRecords.discrepancies(api, topic, kind));
        }
        return all;
    }

    /** @return the verdicts of {@code upstream → downstream} over the buckets of {@code report} */
    private static List<String> verdicts(JsonNode report, String upstream, String downstream) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("upstreamTier").asText().equals(upstream)
                        && e.get("downstreamTier").asText().equals(downstream)) {
                    out.add(e.get("verdict").asText());
                }
            }
        }
        return out;
    }
}
