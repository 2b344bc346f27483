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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Transactions", on the whole pipeline: two transactional producers write a topic of 3 partitions and
 * abort every third transaction after its records were appended. A {@code read_committed} group never sees the
 * aborted records; judged against {@code log} (everything appended) it would show a LOSS of exactly them in every
 * bucket. Nothing is configured: the brokers say the topic is written in transactions, so the log tier also counts it
 * as {@code log.committed} by itself, the group's agents say they read committed records only, and so the group is
 * judged against {@code log.committed}; a {@code read_uncommitted} group reading the same topic is still judged
 * against {@code log}. Both are COMPLETE in every bucket, nothing is alerted, and the
 * aborted records are the difference between the two log tiers.
 */
class TransactionsIT {
    private static final long BUCKET_MS = 2_000;
    private static final String TOPIC = "payments";
    private static final int RECORDS_PER_TRANSACTION = 9;

    @Test
    void
            a_read_committed_group_is_judged_against_what_transactions_committed_and_a_read_uncommitted_one_against_the_log(
                    @TempDir Path dir) throws Exception {
        // no tally.log.committed.topics: the transactions are found by themselves
        Standalone.Options options = AuditedClients.fastTally(dir, BUCKET_MS, Map.of());
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, TOPIC, 3);
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicBoolean consuming = new AtomicBoolean(true);
            AtomicLong committed = new AtomicLong();
            AtomicLong aborted = new AtomicLong();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            GroupWatch committedGroup = new GroupWatch(api, TOPIC, "settlement");
            GroupWatch everythingGroup = new GroupWatch(api, TOPIC, "mirror");
            List<Thread> consumers = new ArrayList<>();
            consumers.add(background(
                    "settlement-1",
                    failures,
                    () -> consume(kafka, consuming, "settlement", "read_committed", List.of(0))));
            consumers.add(background(
                    "settlement-2",
                    failures,
                    () -> consume(kafka, consuming, "settlement", "read_committed", List.of(1, 2))));
            consumers.add(background(
                    "mirror-1",
                    failures,
                    () -> consume(kafka, consuming, "mirror", "read_uncommitted", List.of(0, 1))));
            consumers.add(background(
                    "mirror-2", failures, () -> consume(kafka, consuming, "mirror", "read_uncommitted", List.of(2))));
            List<Thread> producers = List.of(
                    background(
                            "payments-a", failures, () -> produce(kafka, producing, "payments-a", committed, aborted)),
                    background(
                            "payments-b", failures, () -> produce(kafka, producing, "payments-b", committed, aborted)));
            try {
                for (int i = 0; i < 8; i++) {
                    committedGroup.watchFor(1_000);
                    everythingGroup.watchFor(1_000);
                }
                AuditedClients.stop(producing, producers);
                committedGroup.watchFor(3_000);
                AuditedClients.stop(consuming, consumers);
                JsonNode report = committedGroup.awaitAllFinal();
                everythingGroup.awaitAllFinal();
                for (int i = 0; i < 6; i++) { // past the alert hold
                    committedGroup.watchFor(1_000);
                    everythingGroup.watchFor(1_000);
                }
                report = committedGroup.report();
                assertThat(failures).isEmpty();
                assertThat(aborted.get()).as("transactions were aborted").isPositive();
                assertThat(committedGroup.falseAlarms.values())
                        .as("no alarm on the read_committed group")
                        .isEmpty();
                assertThat(everythingGroup.falseAlarms.values())
                        .as("no alarm on the read_uncommitted group")
                        .isEmpty();
                assertThat(committedGroup.upstreamsOfGroup(report)).containsExactly("log.committed");
                assertThat(everythingGroup.upstreamsOfGroup(report)).containsExactly("log");
                assertThat(committedGroup.groupVerdicts(report, 6)).containsOnly("COMPLETE");
                assertThat(everythingGroup.groupVerdicts(report, 6)).containsOnly("COMPLETE");
                assertThat(GroupWatch.total(report, "producer")).isEqualTo(committed.get() + aborted.get());
                assertThat(GroupWatch.total(report, "log")).isEqualTo(committed.get() + aborted.get());
                assertThat(GroupWatch.total(report, "log.committed"))
                        .as("the log tier's committed count")
                        .isEqualTo(committed.get());
                assertThat(GroupWatch.total(report, "consumer.settlement")).isEqualTo(committed.get());
                assertThat(GroupWatch.total(report, "consumer.mirror")).isEqualTo(committed.get() + aborted.get());
                assertThat(committedGroup.alertsOnGroup(kafka))
                        .as("no alert about the read_committed group")
                        .isZero();
                assertThat(everythingGroup.alertsOnGroup(kafka)).isZero();
            } finally {
                producing.set(false);
                AuditedClients.stop(consuming, consumers);
            }
        }
    }

    /**
     * Writes a transaction of {@link #RECORDS_PER_TRANSACTION} records over the 3 partitions every 100 ms; every
     * third one is aborted once its records are in the log.
     */
    private static void produce(
            String kafka, AtomicBoolean producing, String transactionalId, AtomicLong committed, AtomicLong aborted) {
        Properties p = AuditedClients.producer(kafka, BUCKET_MS);
        p.put("transactional.id", transactionalId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            for (long n = 0; producing.get(); n++) {
                producer.beginTransaction();
                for (int i = 0; i < RECORDS_PER_TRANSACTION; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + n, transactionalId + " " + n + "/" + i));
                }
                producer.flush(); // appended, so that an abort leaves them in the log
                if (n % 3 == 2) {
                    producer.abortTransaction();
                    aborted.addAndGet(RECORDS_PER_TRANSACTION);
                } else {
                    producer.commitTransaction();
                    committed.addAndGet(RECORDS_PER_TRANSACTION);
                }
                pause(100);
            }
        }
    }

    /** One instance of a group, assigned {@code partitions}, reading from the start and committing each poll. */
    private static void consume(
            String kafka, AtomicBoolean consuming, String group, String isolation, List<Integer> partitions) {
        Properties p = AuditedClients.consumer(kafka, group, "earliest", BUCKET_MS);
        p.put("isolation.level", isolation);
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
