package io.tally.aggregator;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds agents' audit messages and the aggregates they must add up to; reads Tally's topics back. */
final class AuditTraffic {
    private final Random random = new Random(42);
    private final Map<String, TierAggregate> expected = new HashMap<>();
    private final long bucketMs;

    AuditTraffic(long bucketMs) {
        this.bucketMs = bucketMs;
    }

    /** @return a counts record of {@code count} messages with random ids; added to the expected aggregates */
    AuditRecord record(
            AgentIdentity agent, long seq, String tier, String topic, long bucketStart, int count, long emittedAt) {
        LatencySketch latency = new LatencySketch();
        IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
        for (int i = 0; i < count; i++) {
            latency.add(5 + random.nextInt(500));
            digest.add(random.nextLong());
        }
        AuditRecord r = AuditRecord.builder(agent, tier, topic, new Bucket(bucketStart, bucketMs), CountingMode.ACK)
                .seq(seq)
                .emittedAt(emittedAt)
                .count(count)
                .bytes(count * 100L)
                .latency(latency)
                .digest(digest)
                .build();
        expect(r);
        return r;
    }

    void expect(AuditRecord r) {
        String key = r.topic() + '|' + r.tier() + '|' + r.bucket().start();
        expected.merge(key, TierAggregate.empty(r.topic(), r.tier(), r.bucket()).plus(r), (a, b) -> a.plus(r));
    }

    Map<String, TierAggregate> expected() {
        return expected;
    }

    /** Adds one message of an audited topic, as the log tier must count it, to the expected aggregates. */
    void expectLogged(String topic, long timestamp, byte[] idHeader, int partition, long offset, long bytes) {
        long id = io.tally.core.AuditIds.of(idHeader, topic, partition, offset);
        Bucket bucket = Bucket.of(timestamp, bucketMs);
        String key = topic + "|log|" + bucket.start();
        TierAggregate a = expected.getOrDefault(key, TierAggregate.empty(topic, "log", bucket));
        IdDigest digest = a.digest() == null
                ? new IdDigest(IdDigest.DEFAULT_CELLS)
                : a.digest().copy();
        digest.add(id);
        LatencySketch latency = a.latency().copy();
        latency.add(1);
        expected.put(
                key,
                TierAggregate.builder(topic, "log", bucket)
                        .count(a.count() + 1)
                        .bytes(a.bytes() + bytes)
                        .latency(latency)
                        .digest(digest)
                        .build());
    }

    /**
     * @return whether every expected aggregate was read with the same count, bytes, latency count and digest (the
     *         number of audit records merged is not compared: the log tier's flushes are not deterministic)
     */
    static boolean sameCounts(Map<String, TierAggregate> actual, Map<String, TierAggregate> expected) {
        if (!actual.keySet().containsAll(expected.keySet())) {
            return false;
        }
        for (Map.Entry<String, TierAggregate> e : expected.entrySet()) {
            if (!counts(actual.get(e.getKey())).equals(counts(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** @return the count, bytes, latency count and digest of an aggregate, as a comparable string */
    static String counts(TierAggregate a) {
        return a.key() + " count=" + a.count() + " bytes=" + a.bytes() + " latencyCount="
                + a.latency().count() + " digest="
                + (a.digest() == null
                        ? "none"
                        : a.digest().hashCode() + "/" + a.digest().totalCount());
    }

    static Heartbeat heartbeat(
            AgentIdentity agent, long seq, String tier, Map<String, Long> watermarks, boolean closed, long emittedAt) {
        return Heartbeat.builder(agent, tier)
                .seq(seq)
                .emittedAt(emittedAt)
                .watermarks(watermarks)
                .closed(closed)
                .build();
    }

    static AgentIdentity agent(String name) {
        return new AgentIdentity(name + "-" + UUID.randomUUID(), "host-" + name);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Sends made through {@link #send} and {@link #sendRaw} and not yet checked by {@link #flush}, by producer. */
    private static final Map<KafkaProducer<byte[], byte[]>, List<Sent>> UNCHECKED = new java.util.IdentityHashMap<>();

    private record Sent(ProducerRecord<byte[], byte[]> record, java.util.concurrent.Future<?> result) {}

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, WireMessage m) {
        sendRaw(producer, topic, AuditCodec.kafkaKey(m), AuditCodec.encode(m));
    }

    static void sendRaw(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        synchronized (UNCHECKED) {
            UNCHECKED.computeIfAbsent(producer, p -> new ArrayList<>()).add(new Sent(record, producer.send(record)));
        }
    }

    /**
     * Flushes, and sends again what the broker did not take (a partition of a topic just created on a cold broker
     * can refuse writes until they expire): the tests are about the jobs, and a repeated audit record is what the
     * jobs deduplicate anyway.
     *
     * @throws AssertionError naming the cause when a record still cannot be written after 3 attempts
     */
    static void flush(KafkaProducer<byte[], byte[]> producer) {
        for (int attempt = 1; ; attempt++) {
            producer.flush();
            List<Sent> sent;
            synchronized (UNCHECKED) {
                sent = UNCHECKED.remove(producer);
            }
            List<Sent> failed = new ArrayList<>();
            Throwable cause = null;
            for (Sent s : sent == null ? List.<Sent>of() : sent) {
                try {
                    s.result().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed.add(s);
                    cause = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while sending", e);
                }
            }
            if (failed.isEmpty()) {
                return;
            }
            if (attempt == 3) {
                throw new AssertionError(failed.size() + " records could not be written in 3 attempts", cause);
            }
            failed.forEach(s -> sendRaw(
                    producer,
                    s.record().topic(),
                    new String(s.record().key(), StandardCharsets.UTF_8),
                    s.record().value()));
        }
    }

    /**
     * Reads a topic from the start until {@code done} holds for what was read.
     *
     * @throws AssertionError if it does not within {@code timeout} (saying how many records were read)
     */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String bootstrap, String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Eventually.await(
                    timeout,
                    Duration.ZERO,
                    "records of " + topic + " the test waits for (the value: how many were read)",
                    () -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                        return all.size();
                    },
                    read -> done.test(all));
        }
        return all;
    }

    /** @return the latest aggregate per key in what was read */
    static Map<String, TierAggregate> latestAggregates(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, TierAggregate> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WireMessage m = AuditCodec.decodeAggregatorMessage(r.value());
            if (m instanceof TierAggregate a) {
                out.put(a.key(), a);
            }
        }
        return out;
    }

    /** @return the latest progress per key in what was read */
    static Map<String, TierProgress> latestProgress(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, TierProgress> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WireMessage m = AuditCodec.decodeAggregatorMessage(r.value());
            if (m instanceof TierProgress p) {
                out.put(AuditCodec.kafkaKey(p), p);
            }
        }
        return out;
    }

    /** @return whether the aggregates read so far match {@code expected} in every summed field */
    static boolean matches(Map<String, TierAggregate> actual, Map<String, TierAggregate> expected) {
        if (!actual.keySet().containsAll(expected.keySet())) {
            return false;
        }
        for (Map.Entry<String, TierAggregate> e : expected.entrySet()) {
            if (!sums(actual.get(e.getKey())).equals(sums(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** @return the fields that must be exact, as a comparable string */
    static String sums(TierAggregate a) {
        return a.key() + " count=" + a.count() + " bytes=" + a.bytes() + " noTs=" + a.noTimestamp() + " skewed="
                + a.skewed() + " failed=" + a.failed() + " records=" + a.records() + " latencyCount="
                + a.latency().count() + " digest="
                + (a.digest() == null
                        ? "none"
                        : a.digest().hashCode() + "/" + a.digest().totalCount());
    }
}
