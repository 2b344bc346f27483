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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Lag is not loss", with watermarks per partition, on the whole pipeline: a group of two instances reads
 * a topic of 6 partitions while one partition falls further and further behind (its owner reads it only a few
 * records at a time), and a third instance joins and leaves again, moving partitions between instances twice. The
 * other partitions are always caught up, so an instance's highest watermark runs far ahead of what the slow partition
 * has passed: judged by it, every bucket would be a LOSS while its last records are still coming. None may be, while
 * it lags nor when it catches up at once (its last counts must reach the reconciler before the progress that covers
 * them); then every bucket of the group is COMPLETE, nothing is open and nothing was alerted.
 */
class PartitionWatermarksIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "clicks";
    private static final String GROUP = "slow";
    private static final TopicPartition SLOW = new TopicPartition(TOPIC, 0);

    @Test
    void a_slow_partition_holds_its_topic_back_and_a_rebalance_moves_partitions_without_a_false_alarm(@TempDir Path dir)
            throws Exception {
        Standalone.Options options = AuditedClients.fastTally(dir, BUCKET_MS);
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, TOPIC, 6);
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean slowDown = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            AtomicLong consumed = new AtomicLong();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            GroupWatch watch = new GroupWatch(api, TOPIC, GROUP);
            List<Thread> threads = new ArrayList<>();
            threads.add(background("producer", failures, () -> produce(kafka, producing, produced)));
            AtomicBoolean stopAll = new AtomicBoolean();
            threads.add(background("consumer-1", failures, () -> consume(kafka, stopAll, slowDown, consumed)));
            threads.add(background("consumer-2", failures, () -> consume(kafka, stopAll, slowDown, consumed)));
            long lagAtEnd;
            try {
                pause(8_000);
                AtomicBoolean thirdLeaves = new AtomicBoolean();
                Thread third =
                        background("consumer-3", failures, () -> consume(kafka, thirdLeaves, slowDown, consumed));
                watch.watchFor(8_000);
                thirdLeaves.set(true);
                third.join(30_000);
                watch.watchFor(8_000);
                producing.set(false);
                threads.get(0).join(30_000);
                lagAtEnd = lag(kafka);
                watch.watchFor(6_000);
                slowDown.set(false); // the slow partition catches up
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumed.get() < produced.get() && System.nanoTime() < deadline) {
                    watch.watchFor(500);
                }
                assertThat(consumed.get()).as("the group read everything").isGreaterThanOrEqualTo(produced.get());
                JsonNode report = watch.awaitAllFinal();
                watch.watchFor(12_000); // past the alert hold
                assertThat(failures).isEmpty();
                assertThat(lagAtEnd)
                        .as("the slow partition was behind when production stopped")
                        .isGreaterThan(20);
                assertThat(watch.falseAlarms.values())
                        .as("no loss, duplication or stall on the group, lagging or catching up")
                        .isEmpty();
                assertThat(watch.groupVerdicts(report, 10))
                        .as("every bucket of the group")
                        .containsOnly("COMPLETE");
                assertThat(watch.openOnGroup()).as("nothing open on the group").isEmpty();
                assertThat(watch.alertsOnGroup(kafka))
                        .as("no alert about the group")
                        .isZero();
            } finally {
                producing.set(false);
                stopAll.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
            }
        }
    }

    private static void produce(String kafka, AtomicBoolean producing, AtomicLong produced) {
        Properties p = AuditedClients.producer(kafka, BUCKET_MS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            long i = 0;
            while (producing.get()) {
                for (int partition = 0; partition < 6; partition++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "click " + i), (m, e) -> {
                        if (e == null) {
                            produced.incrementAndGet(); // what the broker has, as the producer tier counts it
                        }
                    });
                    i++;
                }
                pause(100); // 10 records/s per partition
            }
            producer.flush();
        }
    }

    /**
     * One instance of the group. Whoever owns partition 0 reads it slowly while {@code slowDown} is set: it keeps it
     * paused, and every 1.5 s polls it alone until it returns at most 5 records: a third of its write rate. The
     * other partitions are read as fast as they are written.
     */
    private static void consume(String kafka, AtomicBoolean stop, AtomicBoolean slowDown, AtomicLong consumed) {
        Properties p = AuditedClients.consumer(kafka, GROUP, "earliest", BUCKET_MS);
        p.put("max.poll.records", "5");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            long lastSlowPoll = 0;
            while (!stop.get()) {
                Set<TopicPartition> owned = consumer.assignment();
                consumer.resume(owned);
                if (owned.contains(SLOW) && slowDown.get()) {
                    if (System.currentTimeMillis() - lastSlowPoll >= 1_500) {
                        List<TopicPartition> others = new ArrayList<>(owned);
                        others.remove(SLOW);
                        consumer.pause(others); // until a poll returns some of the slow partition's records
                    } else {
                        consumer.pause(List.of(SLOW));
                    }
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(50));
                if (!records.records(SLOW).isEmpty()) {
                    lastSlowPoll = System.currentTimeMillis();
                }
                consumed.addAndGet(records.count());
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
    }

    /** @return the group's lag on the slow partition */
    private static long lag(String kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            long committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(SLOW)
                    .offset();
            long end = admin.listOffsets(Map.of(SLOW, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(SLOW)
                    .get()
                    .offset();
            return end - committed;
        }
    }
}
