package io.tally.standalone;

import static io.tally.standalone.ApiClient.get;
import static io.tally.standalone.ApiClient.pause;
import static io.tally.standalone.AuditedClients.background;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Frameworks": a Kafka Streams application with exactly-once (v2), a repartition topic and a state store
 * (its changelog), two instances in JVMs of their own, audited through its own settings only ({@link StreamsApp}).
 * One instance is SIGKILLed mid-run (its open transaction is aborted, its tasks move to the other instance) and
 * started again (its tasks come back, their store restored from the changelog). Every topic of the pipeline — the
 * input, the repartition topic, the changelog and the output, read by an audited {@code read_committed} group — ends
 * with every tier's totals equal where they must be, every bucket judged, and no loss, duplication or stall shown
 * or alerted.
 */
class KafkaStreamsIT {
    private static final long BUCKET_MS = 2_000;
    private static final Set<String> ALARMS = Set.of("LOSS", "DUPLICATION", "MIXED", "LATENCY");
    private static final String GROUP = "consumer." + StreamsApp.APPLICATION_ID;
    private static final String DASHBOARD = "dashboard";

    @Test
    @org.junit.jupiter.api.Disabled("being brought to pass: the rules it needs land first")
    void an_exactly_once_application_killed_and_restarted_is_judged_complete_on_every_topic(@TempDir Path dir)
            throws Exception {
        Standalone.Options options = AuditedClients.fastTally(dir.resolve("tally"), BUCKET_MS, Map.of());
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, StreamsApp.INPUT, 3);
            AuditedClients.createTopic(kafka, StreamsApp.OUTPUT, 3);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Map<String, GroupWatch> watches = new LinkedHashMap<>();
            watches.put(StreamsApp.INPUT, new GroupWatch(api, StreamsApp.INPUT, StreamsApp.APPLICATION_ID));
            watches.put(StreamsApp.REPARTITION, new GroupWatch(api, StreamsApp.REPARTITION, StreamsApp.APPLICATION_ID));
            watches.put(StreamsApp.OUTPUT, new GroupWatch(api, StreamsApp.OUTPUT, DASHBOARD));
            watches.put(StreamsApp.CHANGELOG, new GroupWatch(api, StreamsApp.CHANGELOG, "none"));

            ChildJvm a = streams(kafka, dir, "a");
            ChildJvm b = streams(kafka, dir, "b");
            List<Thread> readers = List.of(
                    background("dashboard-1", failures, () -> readOutput(kafka, reading)),
                    background("dashboard-2", failures, () -> readOutput(kafka, reading)));
            Thread producer = background("clicks", failures, () -> produce(kafka, producing, sent));
            try {
                a.awaitLine("RUNNING", Duration.ofSeconds(60));
                b.awaitLine("RUNNING", Duration.ofSeconds(60));
                watchAll(watches, 8_000);
                System.out.println("killing b at " + System.currentTimeMillis());
                b.kill();
                watchAll(watches, 4_000);
                b = streams(kafka, dir, "b");
                b.awaitLine("RUNNING", Duration.ofSeconds(60));
                watchAll(watches, 8_000);
                AuditedClients.stop(producing, List.of(producer));
                awaitConsumed(kafka, StreamsApp.APPLICATION_ID, StreamsApp.INPUT, StreamsApp.REPARTITION);
                awaitConsumed(kafka, DASHBOARD, StreamsApp.OUTPUT);
                watchAll(watches, 3_000);
                System.out.println("stopping a and b at " + System.currentTimeMillis());
                a.stop();
                b.stop();
                AuditedClients.stop(reading, readers);

                Map<String, JsonNode> reports = new LinkedHashMap<>();
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    reports.put(w.getKey(), w.getValue().awaitAllFinal());
                }
                watchAll(watches, 6_000); // past the alert hold
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    reports.put(w.getKey(), w.getValue().report());
                }

                for (String topic : watches.keySet()) { // what a failure below is read against
                    for (JsonNode d : get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500")
                            .get("items")) {
                        System.out.printf(
                                "discrepancy on %s bucket %s %s -> %s: %s %s (%s at %s)%n",
                                topic,
                                d.get("bucketStart").asText(),
                                d.get("upstreamTier").asText(),
                                d.get("downstreamTier").asText(),
                                d.get("kind").asText(),
                                d.path("detail").asText(),
                                d.path("status").asText(),
                                d.path("detectedAt").asText());
                    }
                }
                reports.forEach((topic, report) -> {
                    for (JsonNode bucket : report.get("buckets")) {
                        System.out.printf(
                                "bucket of %s %s: %s%n",
                                topic, bucket.get("bucketStart").asText(), bucket.get("tiers"));
                    }
                });
                assertThat(failures).isEmpty();
                JsonNode input = reports.get(StreamsApp.INPUT);
                assertThat(GroupWatch.total(input, "producer")).isEqualTo(sent.get());
                assertThat(GroupWatch.total(input, "log")).isEqualTo(sent.get());
                assertThat(GroupWatch.total(input, GROUP))
                        .as("the application read every click once")
                        .isEqualTo(sent.get());
                JsonNode repartition = reports.get(StreamsApp.REPARTITION);
                assertThat(GroupWatch.total(repartition, "producer"))
                        .as("appended, aborted or not")
                        .isEqualTo(GroupWatch.total(repartition, "log"));
                assertThat(GroupWatch.total(repartition, "log.committed"))
                        .as("every click re-keyed once, in a committed transaction")
                        .isEqualTo(sent.get());
                assertThat(GroupWatch.total(repartition, GROUP)).isEqualTo(sent.get());
                JsonNode output = reports.get(StreamsApp.OUTPUT);
                assertThat(GroupWatch.total(output, "producer")).isEqualTo(GroupWatch.total(output, "log"));
                assertThat(GroupWatch.total(output, "consumer." + DASHBOARD))
                        .isEqualTo(GroupWatch.total(output, "log.committed"))
                        .isPositive();
                JsonNode changelog = reports.get(StreamsApp.CHANGELOG);
                assertThat(GroupWatch.total(changelog, "producer"))
                        .isEqualTo(GroupWatch.total(changelog, "log"))
                        .isPositive();
                assertThat(watches.get(StreamsApp.REPARTITION).upstreamsOfGroup(repartition))
                        .containsExactly("log.committed");
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    assertThat(w.getValue().falseAlarms.values())
                            .as("alarms on the group reading " + w.getKey())
                            .isEmpty();
                    assertThat(alarms(api, w.getKey()))
                            .as("discrepancies on " + w.getKey())
                            .isEmpty();
                }
                assertThat(AlertsTopic.open(kafka)).as("alerts").isEmpty();
            } finally {
                producing.set(false);
                reading.set(false);
                a.close();
                b.close();
            }
        }
    }

    private static ChildJvm streams(String kafka, Path dir, String name) throws Exception {
        return ChildJvm.start(
                StreamsApp.class,
                dir.resolve("streams-" + name + ".log"),
                kafka,
                dir.resolve("state-" + name).toString(),
                String.valueOf(BUCKET_MS));
    }

    private static void watchAll(Map<String, GroupWatch> watches, long ms) throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < until) {
            for (GroupWatch w : watches.values()) {
                w.watchFor(1);
            }
            pause(250);
        }
    }

    /** @return every loss, duplication, mix or latency ever shown on any edge of {@code topic}, resolved or not */
    private static List<JsonNode> alarms(URI api, String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d :
                get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500").get("items")) {
            if (ALARMS.contains(d.get("kind").asText())) {
                out.add(d);
            }
        }
        return out;
    }

    /** Clicks of 30 users on 20 pages, about 200 a second, until told to stop; counts those acknowledged. */
    private static void produce(String kafka, AtomicBoolean producing, AtomicLong sent) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(AuditedClients.producer(kafka, BUCKET_MS))) {
            for (long n = 0; producing.get(); n++) {
                producer.send(
                        new ProducerRecord<>(StreamsApp.INPUT, "user-" + n % 30, "page-" + n % 20), (metadata, e) -> {
                            if (e == null) {
                                sent.incrementAndGet();
                            }
                        });
                if (n % 10 == 9) {
                    pause(50);
                }
            }
        }
    }

    /** The audited read_committed group of the output topic, committing after each poll. */
    private static void readOutput(String kafka, AtomicBoolean reading) {
        Properties p = AuditedClients.consumer(kafka, DASHBOARD, "earliest", BUCKET_MS);
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(StreamsApp.OUTPUT));
            while (reading.get()) {
                if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
    }

    /**
     * Waits until {@code group} has committed every partition of {@code topics} at its stable end (or the offset before
     * it: a transaction's marker that the group's last commit does not pass), and its commits stand still.
     */
    private static void awaitConsumed(String kafka, String group, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Map<TopicPartition, OffsetAndMetadata> before = Map.of();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
                for (String topic : topics) {
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                }
                boolean done = committed.equals(before);
                before = committed;
                var listed = admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get();
                for (var e : listed.entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    done &= c != null && c.offset() >= e.getValue().offset() - 1;
                }
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(group + " did not consume " + List.of(topics) + " in 90 s: committed "
                            + committed + ", ends " + listed);
                }
                pause(1_000);
            }
        }
    }
}
