package io.tally.standalone;

import io.tally.testing.Eventually;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the pipeline tests share: a fast standalone Tally, clients with the agent attached, background threads. */
final class AuditedClients {
    private AuditedClients() {}

    /** Standalone options that judge within seconds: short flushes, emits, evaluations and alert hold. */
    static Standalone.Options fastTally(Path dir, long bucketMs) {
        return fastTally(dir, bucketMs, Map.of());
    }

    /** The same, with {@code more} settings. */
    static Standalone.Options fastTally(Path dir, long bucketMs, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "tally.aggregator.emit.interval.ms", "300",
                "tally.aggregator.checkpoint.interval.ms", "1000",
                "tally.aggregator.log.flush.interval.ms", "500",
                "tally.aggregator.log.partition.idle.ms", "5000",
                "tally.reconciler.evaluate.interval.ms", "200",
                "tally.reconciler.idle.after.ms", "2000",
                "tally.reconciler.idle.lag.ms", "1000",
                "tally.reconciler.alert.hold.ms", "10000"));
        // free ports for Kafka, Cassandra and the API
        settings.put("tally.broker.listener.port", "0");
        settings.put("tally.cassandra.cql.port", "0");
        settings.put("tally.api.port", "0");
        settings.put("tally.bucket.ms", String.valueOf(bucketMs));
        settings.put("tally.reconciler.grace.ms", "2000");
        settings.putAll(more);
        return new Standalone.Options(dir, Map.copyOf(settings));
    }

    /**
     * Standalone options for a pipeline of a framework's own processes: agents flushing every 200 ms are dead after
     * 5 s of silence, and a bucket waits 4 s of grace for records the framework writes a little late.
     */
    static Standalone.Options frameworkTally(Path dir, long bucketMs, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "tally.reconciler.liveness.ms", "5000",
                "tally.aggregator.liveness.timeout.ms", "5000",
                "tally.reconciler.grace.ms", "4000"));
        settings.putAll(more);
        return fastTally(dir, bucketMs, settings);
    }

    /** A producer's settings with the agent attached. */
    static Properties producer(String kafka, long bucketMs) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("linger.ms", "5");
        p.put("interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        p.put("tally.bucket.ms", String.valueOf(bucketMs));
        p.put("tally.flush.interval.ms", "200");
        return p;
    }

    /** A committing consumer's settings with the agent attached, starting at {@code reset} without a commit. */
    static Properties consumer(String kafka, String group, String reset, long bucketMs) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("group.id", group);
        p.put("auto.offset.reset", reset);
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("interceptor.classes", "io.tally.agent.AuditConsumerInterceptor");
        p.put("tally.bucket.ms", String.valueOf(bucketMs));
        p.put("tally.flush.interval.ms", "200");
        p.put("tally.consumer.partition.idle.ms", "5000");
        return p;
    }

    /**
     * Writes {@code topic} with an audited producer, about 200 records a second, until {@code producing} is false; counts
     * the acknowledged ones in {@code sent}.
     */
    static void produceUntil(String kafka, long bucketMs, String topic, AtomicBoolean producing, AtomicLong sent) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer(kafka, bucketMs))) {
            for (long n = 0; producing.get(); n++) {
                p.send(new ProducerRecord<>(topic, "key-" + n, "record " + n), (m, e) -> {
                    if (e == null) {
                        sent.incrementAndGet();
                    }
                });
                if (n % 10 == 9) {
                    ApiClient.pause(50);
                }
            }
        }
    }

    /** Writes {@code n} records to {@code topic} at once with an audited producer; counts the acknowledged ones. */
    static void produceBurst(String kafka, long bucketMs, String topic, AtomicLong sent, int n) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer(kafka, bucketMs))) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, "burst-" + i, "burst " + i), (m, e) -> {
                    if (e == null) {
                        sent.incrementAndGet();
                    }
                });
            }
            p.flush();
        }
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions, one replica, and waits until each has a leader: a
     * producer's first batch to a partition without one is retried, and an idempotent producer may then have it
     * refused for ever as out of sequence (its later batches got in first).
     */
    static void createTopic(String kafka, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
            // a topic not known yet to the broker answering throws: that counts as not yet
            Eventually.await(
                    java.time.Duration.ofSeconds(30),
                    java.time.Duration.ofMillis(100),
                    "a leader for each partition of " + topic,
                    () -> admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic),
                    description -> description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.leader() != null));
        }
    }

    /** Tells the threads of {@code running} to stop, and waits up to 30 s for each. */
    static void stop(AtomicBoolean running, List<Thread> threads) throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    /** Runs {@code body} on a thread of its own; whatever it throws lands in {@code failures}. */
    static Thread background(String name, List<Throwable> failures, Runnable body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                },
                name);
        t.start();
        return t;
    }

    /**
     * Waits until {@code group} has committed every partition of {@code topics} at its stable end (or the offset before
     * it: a transaction's marker that the group's last commit does not pass), and its commits stand still.
     */
    static void awaitConsumed(String kafka, String group, String... topics) throws Exception {
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
                ApiClient.pause(1_000);
            }
        }
    }
}
