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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Frameworks": a Kafka Streams application with exactly-once (v2), a repartition topic and a state store
 * (its changelog), run in JVMs of its own with static membership ({@code group.instance.id}), audited through its own
 * settings only ({@link StreamsApp}), as one instance or two. One is SIGKILLed mid-run (its open transaction is
 * aborted) and started again (its tasks come back to it, their in-memory store restored from the changelog); then a
 * rolling restart stops each instance cleanly and starts it again. Every topic of the pipeline — the input, the repartition topic, the changelog and the output, read by an
 * audited {@code read_committed} group — ends with every bucket judged, no stall, no loss or duplication left open
 * and nothing alerted; the only differences are what the killed instance's agents could not send, shown as AUDIT_GAP
 * in the buckets of its death, and the repartition records Kafka Streams purged before the log tier first read them
 * (NOT_OBSERVED on producer → log, AUDIT_GAP downstream), and the totals are exact in every other bucket. Still open:
 * a loss shown for a moment and resolved before the alert hold (the buckets written while the instance restarts; a
 * topic the log tier has just found).
 */
class KafkaStreamsIT {
    private static final long BUCKET_MS = 2_000;
    private static final Set<String> ALARMS = Set.of("LOSS", "DUPLICATION", "MIXED", "LATENCY");
    private static final String GROUP = "consumer." + StreamsApp.APPLICATION_ID;
    private static final String DASHBOARD = "dashboard";
    /** The application instances' output, kept for a failure to be read against. */
    private static final Path LOGS = Path.of("target", "kafka-streams-it");

    @Test
    void one_exactly_once_instance_killed_restarted_and_restarted_again_is_judged_complete_on_every_topic(
            @TempDir Path dir) throws Exception {
        run(dir, List.of("a"));
    }

    /**
     * Not in CI yet ({@code -Dtally.streams.two=true}): about one run in three ends with a LOSS of one partition's
     * records on {@code clicks}, log → consumer.pageviews, in the buckets around the kill (README, "Limitations").
     */
    @Test
    @EnabledIfSystemProperty(named = "tally.streams.two", matches = "true")
    void two_exactly_once_instances_one_killed_and_both_restarted_are_judged_complete_on_every_topic(@TempDir Path dir)
            throws Exception {
        run(dir, List.of("a", "b"));
    }

    /**
     * Runs the application as {@code names} instances; the last is killed and started again, then every one is
     * stopped and started again in turn; then the checks.
     */
    private static void run(Path dir, List<String> names) throws Exception {
        // agents flush every 200 ms here: one silent for 5 s is dead (by default 30 s, under the 30 s alert hold);
        // the application writes a count with the time of the click that made it, up to seconds after it (more
        // after a rebalance): late, so the grace covers that (10 s by default)
        Standalone.Options options = AuditedClients.fastTally(
                dir.resolve("tally"),
                BUCKET_MS,
                Map.of(
                        "tally.reconciler.liveness.ms", "5000",
                        "tally.aggregator.liveness.timeout.ms", "5000",
                        "tally.reconciler.grace.ms", "6000"));
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

            long startedAt = System.currentTimeMillis();
            Map<String, ChildJvm> instances = new LinkedHashMap<>();
            for (String name : names) {
                instances.put(name, streams(kafka, dir, name, 1));
            }
            String killed = names.get(names.size() - 1);
            List<Thread> readers = List.of(
                    background("dashboard-1", failures, () -> readOutput(kafka, reading)),
                    background("dashboard-2", failures, () -> readOutput(kafka, reading)));
            Thread producer = background("clicks", failures, () -> produce(kafka, producing, sent));
            try {
                for (ChildJvm instance : instances.values()) {
                    instance.awaitLine("RUNNING", Duration.ofSeconds(60));
                }
                watchAll(watches, 6_000);
                // a machine dies: its open transaction is aborted; started again, it gets its tasks back
                instances.get(killed).kill();
                watchAll(watches, 3_000);
                instances.put(killed, streams(kafka, dir, killed, 2));
                instances.get(killed).awaitLine("RUNNING", Duration.ofSeconds(60));
                long backAt = System.currentTimeMillis();
                watchAll(watches, 6_000);
                // a rolling restart: each instance stopped cleanly and started again with its group.instance.id
                int run = 3;
                for (String name : names) {
                    instances.get(name).stop();
                    instances.put(name, streams(kafka, dir, name, run++));
                    instances.get(name).awaitLine("RUNNING", Duration.ofSeconds(60));
                    watchAll(watches, 4_000);
                }
                AuditedClients.stop(producing, List.of(producer));
                AuditedClients.awaitConsumed(
                        kafka, StreamsApp.APPLICATION_ID, StreamsApp.INPUT, StreamsApp.REPARTITION);
                AuditedClients.awaitConsumed(kafka, DASHBOARD, StreamsApp.OUTPUT);
                watchAll(watches, 3_000);
                for (ChildJvm instance : instances.values()) {
                    instance.stop();
                }
                AuditedClients.stop(reading, readers);

                Map<String, JsonNode> reports = new LinkedHashMap<>();
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    reports.put(w.getKey(), w.getValue().awaitAllFinal());
                }
                watchAll(watches, 6_000); // past the alert hold
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    reports.put(w.getKey(), w.getValue().report());
                }
                printDiscrepancies(api, reports);

                assertThat(failures).isEmpty();
                for (Map.Entry<String, GroupWatch> w : watches.entrySet()) {
                    assertThat(w.getValue().falseAlarms.keySet())
                            .as("stalls of the group reading " + w.getKey())
                            .noneMatch(key -> key.startsWith("stalled"));
                    assertThat(discrepancies(api, w.getKey(), "STALLED"::equals))
                            .as("stalls on " + w.getKey())
                            .isEmpty();
                    // what the end state must show: a loss or a duplication shown for a moment and resolved before the
                    // alert hold (a restart's last buckets, late records) is printed above, and not yet a failure
                    assertThat(discrepancies(api, w.getKey(), ALARMS::contains))
                            .as("losses, duplications or latencies left open on " + w.getKey())
                            .allSatisfy(
                                    d -> assertThat(d.get("status").asText()).isEqualTo("RESOLVED"));
                    // the agents killed with it could not send their last counts: shown in the buckets of the records
                    // they held (a backlog read at the start holds older ones), never after it came back, never alerted
                    // and Kafka Streams purges its repartition topic once read: a log tier that lags (a loaded
                    // machine) finds offsets gone before it read them, an audit gap it says so, in any bucket
                    assertThat(discrepancies(api, w.getKey(), "AUDIT_GAP"::equals))
                            .as("audit gaps on " + w.getKey()
                                    + " are in the buckets of the death, or of purged records")
                            .allSatisfy(d -> assertThat(d.get("bucketStart").asLong() >= startedAt - BUCKET_MS
                                                    && d.get("bucketStart").asLong() <= backAt
                                            || d.get("detail").asText().contains("offsets the log tier never saw"))
                                    .as(d.toString())
                                    .isTrue());
                }
                assertThat(AlertsTopic.open(kafka)).as("alerts").isEmpty();

                // the tiers agree exactly in every bucket but those of the death, which the audit gaps above explain
                JsonNode input = reports.get(StreamsApp.INPUT);
                assertThat(GroupWatch.total(input, "producer")).isEqualTo(sent.get());
                assertThat(GroupWatch.total(input, "log")).isEqualTo(sent.get());
                LongPredicate inputApart = apart(api, StreamsApp.INPUT, input);
                assertThat(total(input, GROUP, inputApart))
                        .as("the application read every click once")
                        .isEqualTo(total(input, "log", inputApart));
                JsonNode repartition = reports.get(StreamsApp.REPARTITION);
                // Kafka Streams purges the topic as it commits: what it purged before the log tier first read a
                // partition, the log tier never saw (the buckets where it started are NOT_OBSERVED on producer → log)
                assertThat(GroupWatch.total(repartition, "log.committed"))
                        .as("every click re-keyed at most once, in a committed transaction")
                        .isLessThanOrEqualTo(sent.get());
                LongPredicate repartitionApart = apart(api, StreamsApp.REPARTITION, repartition);
                assertThat(total(repartition, GROUP, repartitionApart))
                        .isEqualTo(total(repartition, "log.committed", repartitionApart));
                assertThat(watches.get(StreamsApp.REPARTITION).upstreamsOfGroup(repartition))
                        .containsExactly("log.committed");
                for (String topic : List.of(StreamsApp.REPARTITION, StreamsApp.OUTPUT, StreamsApp.CHANGELOG)) {
                    JsonNode report = reports.get(topic);
                    LongPredicate apart = apart(api, topic, report);
                    assertThat(total(report, "producer", apart))
                            .as("appended, aborted or not, on " + topic)
                            .isEqualTo(total(report, "log", apart))
                            .isPositive();
                }
                JsonNode output = reports.get(StreamsApp.OUTPUT);
                assertThat(GroupWatch.total(output, "consumer." + DASHBOARD))
                        .isEqualTo(GroupWatch.total(output, "log.committed"));
            } finally {
                producing.set(false);
                reading.set(false);
                for (ChildJvm instance : instances.values()) {
                    instance.close();
                }
            }
        }
    }

    /** Starts instance {@code name} of the application, for its {@code run}th time, with its own log file. */
    private static ChildJvm streams(String kafka, Path dir, String name, int run) throws Exception {
        return ChildJvm.start(
                StreamsApp.class,
                LOGS.resolve("streams-" + name + "-" + run + ".log"),
                kafka,
                dir.resolve("state-" + name).toString(),
                String.valueOf(BUCKET_MS),
                name);
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

    /** @return the discrepancies ever shown on any edge of {@code topic}, resolved or not, of the kinds wanted */
    private static List<JsonNode> discrepancies(URI api, String topic, Predicate<String> kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d :
                get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500").get("items")) {
            if (kind.test(d.get("kind").asText())) {
                out.add(d);
            }
        }
        return out;
    }

    /** @return {@code tier}'s count summed over the buckets of {@code report} whose start {@code counted} accepts */
    /**
     * @return whether a bucket of {@code topic} is apart from the death and from what the log tier never saw: no audit
     *     gap was shown in it, and no edge of it is NOT_OBSERVED in {@code report}
     */
    private static LongPredicate apart(URI api, String topic, JsonNode report) throws Exception {
        Set<Long> gaps = new java.util.HashSet<>();
        for (JsonNode d : discrepancies(api, topic, "AUDIT_GAP"::equals)) {
            gaps.add(d.get("bucketStart").asLong());
        }
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("verdict").asText().equals("NOT_OBSERVED")) {
                    gaps.add(b.get("bucketStart").asLong());
                }
            }
        }
        return bucket -> !gaps.contains(bucket);
    }

    private static long total(JsonNode report, String tier, LongPredicate counted) {
        long sum = 0;
        for (JsonNode b : report.get("buckets")) {
            JsonNode figures = b.get("tiers").get(tier);
            if (counted.test(b.get("bucketStart").asLong()) && figures != null && !figures.isNull()) {
                sum += figures.get("count").asLong();
            }
        }
        return sum;
    }

    /** What a failure is read against: every discrepancy and every bucket's figures, on the test's output. */
    private static void printDiscrepancies(URI api, Map<String, JsonNode> reports) throws Exception {
        for (Map.Entry<String, JsonNode> r : reports.entrySet()) {
            for (JsonNode d : discrepancies(api, r.getKey(), kind -> true)) {
                System.out.printf(
                        "discrepancy on %s, bucket %s, %s -> %s: %s %s (%s)%n",
                        r.getKey(),
                        d.get("bucketStart").asText(),
                        d.get("upstreamTier").asText(),
                        d.get("downstreamTier").asText(),
                        d.get("kind").asText(),
                        d.path("detail").asText(),
                        d.path("status").asText());
            }
            for (JsonNode bucket : r.getValue().get("buckets")) {
                System.out.printf(
                        "bucket of %s %s: %s%n",
                        r.getKey(), bucket.get("bucketStart").asText(), bucket.get("tiers"));
            }
        }
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
}
