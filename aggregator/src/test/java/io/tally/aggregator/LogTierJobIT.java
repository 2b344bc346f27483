package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AuditIds;
import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.settings.SharedSettings;
import io.tally.core.sketch.IdDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

class LogTierJobIT {
    private static final long BUCKET = 10_000;

    @Test
    void log_tier_counts_what_is_in_the_audited_topics_per_bucket_with_ids_from_headers_or_log_positions()
            throws Exception {
        String bootstrap = TestCluster.bootstrapServers();
        AggregatorConfig config = TestCluster.config("log-it", BUCKET, Duration.ofMillis(200))
                .with(SharedSettings.LOG_TOPICS, "logit\\..*")
                .with(AggregatorConfig.LOG_FLUSH_INTERVAL_MS, Duration.ofMillis(500));
        Jobs.ensureTopics(config);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic("logit.orders", 3, (short) 1), new NewTopic("logit.payments", 1, (short) 1)))
                    .all()
                    .get();
        }

        long now = System.currentTimeMillis();
        long b0 = now - Math.floorMod(now, BUCKET) - 5 * BUCKET;
        Map<String, TierAggregate> expected = new HashMap<>();
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = AuditTraffic.producer(bootstrap)) {
            for (int i = 0; i < 600; i++) {
                String topic = i % 3 == 0 ? "logit.payments" : "logit.orders";
                long timestamp = b0 + random.nextInt((int) (4 * BUCKET));
                byte[] value = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(topic, null, timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8), value);
                byte[] idHeader = null;
                if (i % 4 != 0) { // every fourth record carries no tally.id: its id is its log position
                    idHeader = AuditIds.toHex(random.nextLong());
                    record.headers().add(AuditIds.HEADER, idHeader);
                }
                RecordMetadata meta = producer.send(record).get();
                long id = AuditIds.of(idHeader, topic, meta.partition(), meta.offset());
                Bucket bucket = Bucket.of(timestamp, BUCKET);
                String key = topic + "|log|" + bucket.start();
                TierAggregate a = expected.getOrDefault(key, TierAggregate.empty(topic, "log", bucket));
                IdDigest digest = a.digest() == null
                        ? new IdDigest(IdDigest.DEFAULT_CELLS)
                        : a.digest().copy();
                digest.add(id);
                a.latency().add(1);
                expected.put(
                        key,
                        TierAggregate.builder(topic, "log", bucket)
                                .count(a.count() + 1)
                                .bytes(a.bytes() + meta.serializedKeySize() + meta.serializedValueSize())
                                .latency(a.latency())
                                .digest(digest)
                                .build());
            }
        }

        StreamExecutionEnvironment env = TestCluster.environment(Jobs.flinkSettings(config), 2);
        Jobs.configure(env, config);
        AggregationJob.addTo(env, config);
        LogTierJob.addTo(env, config);
        JobClient job = env.executeAsync("log-tier-it");
        try {
            List<ConsumerRecord<byte[], byte[]>> out = AuditTraffic.readUntil(
                    bootstrap,
                    config.getString(SharedSettings.AGGREGATES_TOPIC),
                    Duration.ofSeconds(90),
                    read -> exact(AuditTraffic.latestAggregates(read), expected)
                            && AuditTraffic.latestProgress(read).containsKey("progress|log|logit.orders"));
            Map<String, TierAggregate> actual = AuditTraffic.latestAggregates(out);
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String key : expected.keySet()) {
                TierAggregate a = actual.get(key);
                TierAggregate e = expected.get(key);
                assertThat(a.count()).as(key).isEqualTo(e.count());
                assertThat(a.bytes()).as(key).isEqualTo(e.bytes());
                assertThat(a.latency().count()).as(key).isEqualTo(e.count());
                assertThat(a.digest()).as(key).isEqualTo(e.digest());
                assertThat(a.noTimestamp() + a.skewed() + a.failed()).as(key).isZero();
            }
            TierProgress progress = AuditTraffic.latestProgress(out).get("progress|log|logit.orders");
            assertThat(progress.watermark()).isBetween(b0, b0 + 4 * BUCKET);
            assertThat(progress.liveAgents()).isEqualTo(2);
        } finally {
            job.cancel().get();
        }
    }

    private static boolean exact(Map<String, TierAggregate> actual, Map<String, TierAggregate> expected) {
        if (!actual.keySet().containsAll(expected.keySet())) {
            return false;
        }
        for (Map.Entry<String, TierAggregate> e : expected.entrySet()) {
            TierAggregate a = actual.get(e.getKey());
            if (a.count() != e.getValue().count()
                    || a.digest() == null
                    || !a.digest().equals(e.getValue().digest())) {
                return false;
            }
        }
        return true;
    }
}
