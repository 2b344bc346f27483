package io.tally.standalone;

import static io.tally.standalone.ApiClient.pause;
import static io.tally.standalone.AuditedClients.background;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.standalone.SoakLedger.Fault;
import io.tally.standalone.SoakLedger.Injected;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak with ground truth (RELIABILITY.md): topics written by audited producers and read by consumer groups whose
 * members run in JVMs of their own, while seeded random faults hit them — members SIGKILLed, restarted, added and
 * removed (rebalances), records deleted before a group read them (losses), a group's offsets set back (duplicates),
 * Tally's aggregator and reconciler stopped and started again, the audit topic refusing writes for 30 s. With
 * {@code -Dtally.soak.streams=true} a third lane is read by a Kafka Streams application (exactly-once, two instances
 * with static membership), whose repartition topic, changelog and output are judged too. Every kind of fault comes once, in a seeded order, before any comes again.
 * The ledger keeps what each fault lost or duplicated; at the end every verdict is compared with it: no false alarm,
 * no missed loss, the ids named. Three minutes in CI; {@code -Dtally.soak.minutes=15} (and {@code -Dtally.soak.seed})
 * for the long run, whose summary lands in {@code target/soak/}.
 */
class SoakIT {
    private static final long BUCKET_MS = 5_000;
    private static final Path OUT = Path.of("target", "soak");
    /** How long the audit topic refuses writes in an {@link Fault#AUDIT_OUTAGE}. */
    private static final long OUTAGE_MS = 30_000;

    @Test
    void seeded_faults_against_ground_truth_make_no_false_alarm_and_miss_no_loss(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("tally.soak.seed", System.nanoTime());
        int minutes = Integer.getInteger("tally.soak.minutes", 3);
        Random random = new Random(seed);
        System.out.printf("soak: seed %d, %d minutes%n", seed, minutes);
        // Kafka Streams writes a count with the time of the click that made it, up to seconds later: the grace covers
        // it
        // a producer tier whose agents a restarted reconciler did not see close is finished once their heartbeats
        // stopped for the stall timeout (RELIABILITY.md, "Open"): 60 s here, for the end to be judged within the wait
        Standalone.Options options = AuditedClients.frameworkTally(
                dir.resolve("tally"),
                BUCKET_MS,
                Map.of("tally.reconciler.grace.ms", "6000", "tally.reconciler.stall.timeout.ms", "60000"));
        List<SoakLane> lanes = new ArrayList<>(
                List.of(SoakLane.plain("soak-orders", 3, "ledger"), SoakLane.plain("soak-payments", 2, "billing")));
        // opt-in until the two false alarms it found are mended (RELIABILITY.md, "Open")
        if (Boolean.getBoolean("tally.soak.streams")) {
            lanes.add(SoakLane.streams());
        }
        List<String> topics =
                lanes.stream().flatMap(l -> l.auditedTopics().stream()).toList();
        SoakLedger ledger = new SoakLedger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean watching = new AtomicBoolean(true);
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            List<Thread> producers = new ArrayList<>();
            for (SoakLane lane : lanes) {
                lane.start(kafka, dir.resolve("streams-state"), BUCKET_MS);
                producers.add(background(lane.topic(), failures, () -> produce(kafka, lane.topic(), producing)));
            }
            Thread watcher = background("watcher", failures, () -> watch(api, topics, ledger, watching));
            try {
                long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
                List<Fault> deck = new ArrayList<>();
                while (System.nanoTime() < end) {
                    pause(12_000 + random.nextInt(8_000));
                    if (deck.isEmpty()) {
                        // every kind of fault once, in a random order, before any comes again
                        deck.addAll(List.of(Fault.values()));
                        Collections.shuffle(deck, random);
                    }
                    Fault fault = deck.remove(deck.size() - 1);
                    List<SoakLane> candidates = fault == Fault.LOSS || fault == Fault.DUPLICATE
                            ? lanes.stream().filter(l -> !l.isStreams()).toList()
                            : lanes;
                    SoakLane lane = candidates.get(random.nextInt(candidates.size()));
                    long at = System.currentTimeMillis();
                    System.out.printf("soak: %s on %s at %s%n", fault, lane.topic(), Instant.ofEpochMilli(at));
                    switch (fault) {
                        case KILL -> lane.kill(random);
                        case RESTART -> lane.restart(random);
                        case REBALANCE -> lane.rebalance();
                        case LOSS -> ledger.add(deleteUnread(api, kafka, lane));
                        case DUPLICATE -> ledger.add(setBack(kafka, lane, random));
                        case AGGREGATOR_RESTART, RECONCILER_RESTART ->
                            tally.restartRole(fault == Fault.AGGREGATOR_RESTART);
                        case AUDIT_OUTAGE -> auditOutage(kafka);
                    }
                    if (fault != Fault.LOSS && fault != Fault.DUPLICATE) {
                        ledger.add(new Injected(fault, lane.topic(), lane.group(), at, Set.of()));
                    }
                }
                AuditedClients.stop(producing, producers);
                for (SoakLane lane : lanes) {
                    if (lane.isStreams()) {
                        AuditedClients.awaitConsumed(
                                kafka, lane.group(), lane.readTopics().toArray(String[]::new));
                    } else {
                        awaitCommittedAtEnd(kafka, lane);
                    }
                }
                for (SoakLane lane : lanes) {
                    for (String topic : lane.readTopics()) {
                        new GroupWatch(api, topic, lane.group()).awaitAllFinal();
                    }
                }
                if (topics.contains(StreamsApp.CHANGELOG)) {
                    new GroupWatch(api, StreamsApp.CHANGELOG, "none").awaitAllFinal();
                    new GroupWatch(api, StreamsApp.OUTPUT, "none").awaitAllFinal();
                }
                pause(12_000); // past the alert hold
                Map<String, List<JsonNode>> discrepancies = new HashMap<>();
                for (String topic : topics) {
                    discrepancies.put(topic, all(api, topic));
                }
                watching.set(false);
                watcher.join(10_000);
                SoakLedger.Outcome outcome = ledger.compare(discrepancies, AlertsTopic.open(kafka));
                report(seed, minutes, ledger, outcome);

                assertThat(failures).isEmpty();
                assertThat(outcome.falseAlarms())
                        .as("false alarms (seed %d): %s", seed, outcome.notes())
                        .isZero();
                assertThat(outcome.missed())
                        .as("missed faults (seed %d): %s", seed, outcome.notes())
                        .isZero();
                assertThat(outcome.idsNamed() + outcome.idsUnnameable())
                        .as(
                                "every id lost or duplicated is named, but ids that share every cell of the digest (seed %d):"
                                        + " %s",
                                seed, outcome.notes())
                        .isEqualTo(outcome.idsInjected());
            } finally {
                producing.set(false);
                watching.set(false);
                for (SoakLane lane : lanes) {
                    lane.close();
                }
            }
        }
    }

    /**
     * The audit topic refuses every write for {@link #OUTAGE_MS}, as when its partitions are under their minimum of
     * in-sync replicas: the agents' acks=all sends fail and are retried, while the audited traffic goes on.
     */
    private static void auditOutage(String kafka) throws Exception {
        ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, "tally.audit");
        ConfigEntry minIsr = new ConfigEntry("min.insync.replicas", "2");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.incrementalAlterConfigs(Map.of(audit, List.of(new AlterConfigOp(minIsr, AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
            pause(OUTAGE_MS);
            admin.incrementalAlterConfigs(
                            Map.of(audit, List.of(new AlterConfigOp(minIsr, AlterConfigOp.OpType.DELETE))))
                    .all()
                    .get();
        }
    }

    /** About 50 records a second, each with a key of its own, on 20 pages (the values the Streams application counts). */
    private static void produce(String kafka, String topic, AtomicBoolean producing) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(AuditedClients.producer(kafka, BUCKET_MS))) {
            for (long n = 0; producing.get(); n++) {
                p.send(new ProducerRecord<>(topic, topic + "-" + n, "page-" + n % 20));
                if (n % 5 == 4) {
                    pause(100);
                }
            }
        }
    }

    /** The group stops; what is written for a second is deleted before it comes back (retention, say). */
    private static Injected deleteUnread(URI api, String kafka, SoakLane lane) throws Exception {
        lane.stopAll();
        Map<TopicPartition, Long> from = LostRecords.committed(kafka, lane.group(), lane.topic());
        Map<TopicPartition, Long> starts = starts(kafka, lane.topic());
        from.replaceAll((tp, c) -> Math.max(c, starts.get(tp)));
        pause(1_000);
        Map<TopicPartition, Long> to = LostRecords.ends(kafka, lane.topic());
        long at = System.currentTimeMillis();
        Set<String> ids = LostRecords.idsBetween(kafka, from, to);
        LostRecords.awaitLogCounted(
                api,
                lane.topic(),
                to.values().stream().mapToLong(Long::longValue).sum());
        LostRecords.deleteBefore(kafka, to);
        lane.startMembers(2);
        return new Injected(Fault.LOSS, lane.topic(), lane.group(), at, ids);
    }

    /** The group stops; its offsets are set back by up to 10 records a partition; it reads them again. */
    private static Injected setBack(String kafka, SoakLane lane, Random random) throws Exception {
        lane.stopAll();
        Map<TopicPartition, Long> committed = LostRecords.committed(kafka, lane.group(), lane.topic());
        Map<TopicPartition, Long> starts = starts(kafka, lane.topic());
        Map<TopicPartition, Long> back = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
        committed.forEach((tp, c) -> {
            long to = Math.max(starts.get(tp), c - 1 - random.nextInt(10));
            back.put(tp, Math.min(to, c));
            reset.put(tp, new OffsetAndMetadata(Math.min(to, c)));
        });
        long at = System.currentTimeMillis();
        Set<String> ids = LostRecords.idsBetween(kafka, back, committed);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.alterConsumerGroupOffsets(lane.group(), reset).all().get();
        }
        lane.startMembers(2);
        return new Injected(Fault.DUPLICATE, lane.topic(), lane.group(), at, ids);
    }

    private static Map<TopicPartition, Long> starts(String kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            return c.beginningOffsets(LostRecords.ends(kafka, topic).keySet());
        }
    }

    /** Waits until the group has committed the end of every partition and its commits stand still. */
    private static void awaitCommittedAtEnd(String kafka, SoakLane lane) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!LostRecords.committed(kafka, lane.group(), lane.topic())
                .equals(LostRecords.ends(kafka, lane.topic()))) {
            assertThat(Instant.now()).as(lane.group() + " reads to the end").isBefore(deadline);
            pause(1_000);
        }
    }

    /** Notes when the API first lists each discrepancy, for detection times. */
    private static void watch(URI api, List<String> topics, SoakLedger ledger, AtomicBoolean watching) {
        while (watching.get()) {
            try {
                for (String topic : topics) {
                    for (JsonNode d : all(api, topic)) {
                        ledger.seen(d, System.currentTimeMillis());
                    }
                }
            } catch (Exception e) {
                // the API may be busy; the next round sees it
            }
            pause(1_000);
        }
    }

    private static List<JsonNode> all(URI api, String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        JsonNode page = ApiClient.get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=1000");
        if (page != null) {
            page.get("items").forEach(out::add);
        }
        return out;
    }

    /** Prints the run's line for RELIABILITY.md and keeps it, with the details, in {@code target/soak/}. */
    private static void report(long seed, int minutes, SoakLedger ledger, SoakLedger.Outcome o) throws Exception {
        StringBuilder s = new StringBuilder();
        s.append("| ")
                .append(Instant.now())
                .append(" | ")
                .append(seed)
                .append(" | ")
                .append(minutes)
                .append(" min | ")
                .append(o.faults())
                .append(" | ")
                .append(o.falseAlarms())
                .append(" | ")
                .append(o.missed())
                .append(" | ")
                .append(o.idsNamed())
                .append(" of ")
                .append(o.idsInjected())
                .append(o.idsUnnameable() == 0 ? "" : " (" + o.idsUnnameable() + " share every cell of the digest)")
                .append(" | ");
        List<String> detections = new ArrayList<>();
        o.detectionMs().forEach((f, ms) -> detections.add(f.fault() + " " + ms / 1000 + " s"));
        s.append(String.join(", ", detections)).append(" |\n");
        for (Injected f : ledger.injected()) {
            s.append("  - ")
                    .append(f.fault())
                    .append(" on ")
                    .append(f.topic())
                    .append(" at ")
                    .append(Instant.ofEpochMilli(f.at()))
                    .append(": ")
                    .append(f.ids().size())
                    .append(" ids\n");
        }
        o.notes().forEach(p -> s.append("  - ").append(p).append('\n'));
        System.out.print("soak result:\n" + s);
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("soak-" + seed + ".md"), s.toString());
    }
}
