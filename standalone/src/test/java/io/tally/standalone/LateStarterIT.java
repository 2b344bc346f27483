package io.tally.standalone;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Late starters", on the whole pipeline: a group of two instances starts at {@code latest} while two
 * producers write a topic of 3 partitions, one of them with event times a bucket and more behind (late events). The
 * first records the group reads are late ones, so its earliest event time lies a bucket before the one it started
 * in, and judged by that, the bucket it started in would be a LOSS of everything written there before it started.
 * Anchored to the offsets it started at, that bucket and the ones before are NOT_OBSERVED, every later one is
 * COMPLETE, and nothing is alerted.
 */
class LateStarterIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "signups";
    private static final String GROUP = "late";

    @Test
    void a_group_that_starts_at_latest_with_a_late_record_first_is_judged_from_the_offsets_it_started_at(
            @TempDir Path dir) throws Exception {
        Standalone.Options options = AuditedClients.fastTally(dir, BUCKET_MS);
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, TOPIC, 3);
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean consuming = new AtomicBoolean(true);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            GroupWatch watch = new GroupWatch(api, TOPIC, GROUP);
            List<Thread> producers = List.of(
                    background("on-time", failures, () -> produce(kafka, producing, List.of(0, 1), 0)),
                    background("late", failures, () -> produce(kafka, producing, List.of(2), BUCKET_MS + 500)));
            List<Thread> consumers = new ArrayList<>();
            try {
                pause(6_000); // buckets the group will never have read
                consumers.add(background("instance-1", failures, () -> consume(kafka, consuming, List.of(2))));
                consumers.add(background("instance-2", failures, () -> consume(kafka, consuming, List.of(0, 1))));
                watch.watchFor(12_000);
                AuditedClients.stop(producing, producers);
                watch.watchFor(4_000);
                AuditedClients.stop(consuming, consumers);
                JsonNode report = watch.awaitAllFinal();
                watch.watchFor(12_000); // past the alert hold
                assertThat(failures).isEmpty();
                assertThat(watch.falseAlarms.values())
                        .as("no loss, duplication or stall on the group")
                        .isEmpty();
                List<String> verdicts = watch.groupVerdicts(report, 8);
                assertThat(verdicts)
                        .as("buckets before and at its start not observed, every later one complete")
                        .containsOnly("NOT_OBSERVED", "COMPLETE");
                assertThat(verdicts.stream().filter("COMPLETE"::equals).count()).isGreaterThanOrEqualTo(4);
                assertThat(verdicts.indexOf("COMPLETE"))
                        .as("not observed only before it started")
                        .isGreaterThan(verdicts.lastIndexOf("NOT_OBSERVED"));
                assertThat(watch.openOnGroup()).as("nothing open on the group").isEmpty();
                assertThat(watch.alertsOnGroup(kafka))
                        .as("no alert about the group")
                        .isZero();

                aGroupThatStartsPastItsCommitSkippedWhatLiesBetween(api, kafka);
            } finally {
                producing.set(false);
                AuditedClients.stop(consuming, consumers);
            }
        }
    }

    /**
     * A skip is not a late start: group {@code skipper} committed offset 0 of each partition before Tally knew it;
     * retention then deleted the first 15 records of each while the group was down, so that it starts again past its
     * commit (an out-of-range reset to earliest). Those records are lost to it: a LOSS naming them, not NOT_OBSERVED.
     */
    private static void aGroupThatStartsPastItsCommitSkippedWhatLiesBetween(URI api, String kafka) throws Exception {
        String topic = "resets";
        String group = "skipper";
        AuditedClients.createTopic(kafka, topic, 2);
        Map<TopicPartition, Long> start = LostRecords.ends(kafka, topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            start.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
            admin.alterConsumerGroupOffsets(group, commits).all().get();
        }
        AtomicLong sent = new AtomicLong();
        AuditedClients.produceBurst(kafka, BUCKET_MS, topic, sent, 60);
        LostRecords.awaitLogCounted(api, topic, sent.get());
        Map<TopicPartition, Long> retained = new HashMap<>();
        LostRecords.ends(kafka, topic).forEach((tp, end) -> retained.put(tp, Math.min(end, start.get(tp) + 15)));
        Set<String> lostIds = LostRecords.idsBetween(kafka, start, retained);
        LostRecords.deleteBefore(kafka, retained);

        Properties p = AuditedClients.consumer(kafka, group, "earliest", BUCKET_MS);
        long expected = sent.get() - lostIds.size();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < expected && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                read += records.count();
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
            assertThat(read).isEqualTo(expected);
            pause(2_000); // its agent has asked where the group had committed, and said it in a heartbeat
        }

        LostRecords.assertNamedLossAlerted(api, kafka, topic, "log", "consumer." + group, lostIds);
    }

    /** Writes 10 records/s to each partition, stamped {@code lateByMs} before now. */
    private static void produce(String kafka, AtomicBoolean producing, List<Integer> partitions, long lateByMs) {
        Properties p = AuditedClients.producer(kafka, BUCKET_MS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            long i = 0;
            while (producing.get()) {
                for (int partition : partitions) {
                    producer.send(new ProducerRecord<>(
                            TOPIC, partition, System.currentTimeMillis() - lateByMs, "k" + i, "signup " + i));
                    i++;
                }
                pause(100);
            }
            producer.flush();
        }
    }

    /** One instance of the group, assigned {@code partitions}, starting at the log end and committing each poll. */
    private static void consume(String kafka, AtomicBoolean consuming, List<Integer> partitions) {
        Properties p = AuditedClients.consumer(kafka, GROUP, "latest", BUCKET_MS);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(
                    partitions.stream().map(n -> new TopicPartition(TOPIC, n)).toList());
            while (consuming.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(50));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
    }
}
