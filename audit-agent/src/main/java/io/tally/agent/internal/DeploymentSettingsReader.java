package io.tally.agent.internal;

import io.tally.core.settings.DeploymentSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the deployment's agent settings ({@link DeploymentSettings}) from the settings topic of the audit cluster,
 * once per cluster and topic per JVM and minute (a Kafka Streams application starts several clients at once), within
 * a bound: a client's start waits for it at most {@code waitMs}. None when the topic is missing (no aggregator has
 * published yet), unreadable or too slow: said once, and the agent keeps its own settings.
 */
final class DeploymentSettingsReader {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentSettingsReader.class);
    private static final long CACHE_MS = 60_000;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
    private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG);

    private record Cached(Map<String, String> settings, long readAt) {}

    private DeploymentSettingsReader() {}

    /**
     * @param clusterSettings the audit cluster's connection settings (those of the agent's own producer)
     * @return the published settings, or none
     */
    static Map<String, String> read(Map<String, Object> clusterSettings, String topic, long waitMs) {
        String key = clusterSettings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + "|" + topic;
        long now = System.currentTimeMillis();
        Cached cached = CACHE.get(key);
        if (cached != null && now - cached.readAt() < CACHE_MS) {
            return cached.settings();
        }
        synchronized (DeploymentSettingsReader.class) {
            cached = CACHE.get(key);
            if (cached != null && now - cached.readAt() < CACHE_MS) {
                return cached.settings();
            }
            Map<String, String> settings = readNow(clusterSettings, topic, waitMs);
            CACHE.put(key, new Cached(settings, System.currentTimeMillis()));
            return settings;
        }
    }

    private static Map<String, String> readNow(Map<String, Object> clusterSettings, String topic, long waitMs) {
        Map<String, Object> props = ClusterConnection.of(clusterSettings);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tally-agent-settings");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofMillis(waitMs));
            if (partitions == null || partitions.isEmpty()) {
                LOG.info("Tally agent: no {} topic yet; the agent keeps its own settings", topic);
                return Map.of();
            }
            List<TopicPartition> all = partitions.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all, Duration.ofNanos(remaining(deadline)));
            Map<String, String> found = Map.of();
            while (!reached(consumer, end) && remaining(deadline) > 0) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(remaining(deadline)))) {
                    if (r.key() != null
                            && DeploymentSettings.RECORD_KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
                            && r.value() != null) {
                        found = DeploymentSettings.decode(r.value()); // the last one stands
                    }
                }
            }
            if (!reached(consumer, end)) {
                LOG.warn("Tally agent: reading {} took over {} ms; the agent keeps its own settings", topic, waitMs);
                return Map.of();
            }
            return found;
        } catch (RuntimeException e) {
            FAILURES.warn("Tally agent: cannot read " + topic + "; the agent keeps its own settings", e);
            return Map.of();
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(1)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Forgets what was read: for tests. */
    static void forget() {
        CACHE.clear();
    }
}
