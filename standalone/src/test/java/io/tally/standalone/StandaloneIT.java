package io.tally.standalone;

import static io.tally.standalone.ApiClient.get;
import static io.tally.standalone.ApiClient.pause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.TallyException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one {@link Standalone}: a producer and a consumer group with the agents, configured by
 * properties only as a user's application would be, through the bundled broker, the aggregator's jobs, the
 * reconciler and Cassandra, to verdicts read from the API. Then what a second instance on the same folder or ports
 * answers, and a restart on the same folder.
 */
class StandaloneIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "orders";

    private static Standalone.Options options(Path dir, int kafkaPort, int apiPort) {
        return new Standalone.Options(
                dir,
                Map.ofEntries(
                        Map.entry("tally.bucket.ms", String.valueOf(BUCKET_MS)),
                        Map.entry("tally.reconciler.grace.ms", "2000"),
                        Map.entry("tally.broker.listener.port", String.valueOf(kafkaPort)),
                        Map.entry("tally.api.port", String.valueOf(apiPort)),
                        Map.entry("tally.cassandra.cql.port", "0"),
                        // not the default keyspace: the API must read where the reconciler writes
                        Map.entry("tally.cassandra.keyspace", "audit_trail"),
                        Map.entry("tally.aggregator.emit.interval.ms", "300"),
                        Map.entry("tally.aggregator.checkpoint.interval.ms", "1000"),
                        Map.entry("tally.aggregator.log.flush.interval.ms", "500"),
                        Map.entry("tally.reconciler.evaluate.interval.ms", "200"),
                        Map.entry("tally.reconciler.idle.after.ms", "2000"),
                        Map.entry("tally.reconciler.idle.lag.ms", "1000"),
                        Map.entry("tally.reconciler.alert.hold.ms", "1000")));
    }

    @Test
    void counts_a_pipeline_end_to_end_refuses_a_second_instance_and_resumes(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Standalone tally = Standalone.start(options(dir, 0, 0), out);
        URI api;
        long produced = 600;
        try {
            api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, TOPIC, 3);
            produce(kafka, (int) produced);
            consume(kafka, "billing", (int) produced);

            JsonNode report = await(
                    api,
                    buckets(),
                    r -> r.get("buckets").findValues("verdict").stream()
                                            .filter(v -> v.asText().equals("COMPLETE"))
                                            .count()
                                    >= 2
                            && allFinalComplete(r));
            assertThat(report.get("tiers"))
                    .extracting(JsonNode::asText)
                    .contains("producer", "log", "consumer.billing");
            assertThat(GroupWatch.total(report, "producer")).isEqualTo(produced);
            assertThat(GroupWatch.total(report, "log")).isEqualTo(produced);
            assertThat(GroupWatch.total(report, "consumer.billing")).isEqualTo(produced);
            JsonNode discrepancies = get(api, "/api/v1/discrepancies?topic=" + TOPIC);
            assertThat(discrepancies.get("items"))
                    .as("a healthy pipeline has no discrepancy")
                    .isEmpty();

            // a new user's console consumer, given no bucket size: its agent reads this Tally's (2 s) from the
            // settings topic, not the agents' default (60 s), and its counts are judged like any
            consume(kafka, "console", (int) produced, Map.of());
            JsonNode learned = await(
                    api,
                    buckets(),
                    r -> GroupWatch.total(r, "consumer.console") == produced
                            && !edgesTo(r, "consumer.console").isEmpty()
                            && edgesTo(r, "consumer.console").stream()
                                    .allMatch(e -> e.get("isFinal").asBoolean()));
            assertThat(edgesTo(learned, "consumer.console"))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.get("verdict").asText()).isEqualTo("COMPLETE"));

            // one that sets another bucket size itself: its counts are refused, and it is shown as misconfigured,
            // naming the setting, never as a loss
            consume(kafka, "stale", (int) produced, Map.of("tally.bucket.ms", "60000"));
            JsonNode misconfigured = await(
                    api,
                    buckets(),
                    r -> edgesTo(r, "consumer.stale").size() >= 2
                            && edgesTo(r, "consumer.stale").stream()
                                    .allMatch(e -> e.get("isFinal").asBoolean()));
            assertThat(edgesTo(misconfigured, "consumer.stale")).allSatisfy(e -> {
                assertThat(e.get("verdict").asText()).isEqualTo("NOT_JUDGED");
                assertThat(e.get("reason").asText())
                        .contains("tier consumer.stale is misconfigured")
                        .contains("set tally.bucket.ms=" + BUCKET_MS);
            });
            assertThat(get(api, "/api/v1/discrepancies?topic=" + TOPIC).get("items"))
                    .as("no loss of what a misconfigured tier counted")
                    .isEmpty();

            assertThatThrownBy(() -> Standalone.start(options(dir, 0, 0), out))
                    .isInstanceOf(TallyException.class)
                    .hasMessageContaining("in use by another tally standalone");
            try (ServerSocket busy = new ServerSocket(0)) {
                assertThatThrownBy(() -> Standalone.start(options(dir.resolve("other"), busy.getLocalPort(), 0), out))
                        .isInstanceOf(TallyException.class)
                        .hasMessageContaining("port " + busy.getLocalPort() + " (Kafka) is in use");
            }
        } finally {
            tally.close();
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains(
                        "Stopped the API",
                        "Stopped the reconciler",
                        "Stopped the aggregator",
                        "Stopped Kafka",
                        "Stopped Cassandra");

        Standalone again = Standalone.start(options(dir, 0, 0), out);
        try {
            URI api2 = URI.create(again.endpoints().api());
            JsonNode report = await(api2, buckets(), r -> GroupWatch.total(r, "log") > 0);
            assertThat(GroupWatch.total(report, "producer"))
                    .as("nothing counted twice after a restart")
                    .isEqualTo(produced);
            assertThat(GroupWatch.total(report, "log")).isEqualTo(produced);
            assertThat(GroupWatch.total(report, "consumer.billing")).isEqualTo(produced);
        } finally {
            again.close();
        }
    }

    /** The topic's buckets of the last hour: the whole test. */
    private static String buckets() {
        return "/api/v1/topics/" + TOPIC + "/buckets?from="
                + (io.tally.core.Clock.system().millis() - 3_600_000);
    }

    private static boolean allFinalComplete(JsonNode report) {
        long judged = 0;
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("isFinal").asBoolean()) {
                    judged++;
                    if (!e.get("verdict").asText().equals("COMPLETE")) {
                        return false;
                    }
                }
            }
            for (JsonNode e : b.get("edges")) {
                if (!e.get("isFinal").asBoolean()) {
                    return false; // wait until every bucket with data is judged
                }
            }
        }
        return judged > 0;
    }

    private static void produce(String kafka, int n) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        p.put("tally.bucket.ms", String.valueOf(BUCKET_MS));
        p.put("tally.flush.interval.ms", "200");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "order " + i));
                if (i % 100 == 99) {
                    pause(700); // spread over several buckets
                }
            }
            producer.flush();
        }
    }

    private static void consume(String kafka, String group, int expected) {
        consume(kafka, group, expected, Map.of("tally.bucket.ms", String.valueOf(BUCKET_MS)));
    }

    /** Reads {@code expected} records as group {@code group}, with the agent's {@code tally} settings. */
    private static void consume(String kafka, String group, int expected, Map<String, String> tally) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("interceptor.classes", "io.tally.agent.AuditConsumerInterceptor");
        p.put("tally.flush.interval.ms", "200");
        p.putAll(tally);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            int seen = 0;
            Instant deadline = Instant.now().plusSeconds(60);
            while (seen < expected && Instant.now().isBefore(deadline)) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                seen += records.count();
                consumer.commitSync();
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    /** @return the edges into {@code tier} of every bucket of the report */
    private static List<JsonNode> edgesTo(JsonNode report, String tier) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("downstreamTier").asText().equals(tier)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static JsonNode await(URI api, String path, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get(api, path); // null until the API knows the topic
            if (last != null && done.test(last)) {
                return last;
            }
            pause(500);
        }
        throw new AssertionError("GET " + path + " did not get there in 120 s; last: " + last);
    }
}
