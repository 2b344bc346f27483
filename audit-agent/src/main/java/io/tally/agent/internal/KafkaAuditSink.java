package io.tally.agent.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The audit topic, written by the agent's own idempotent producer. That producer never carries an interceptor,
 * so the agent never audits its own traffic.
 */
final class KafkaAuditSink implements AuditSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    KafkaAuditSink(String topic, Map<String, Object> producerSettings) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The settings of the agent's producer: safe defaults, then the user's {@code tally.kafka.*}.
     *
     * <p>Compression follows the host client's {@code compression.type} ({@code none} for a consumer or when unset)
     * rather than a codec of our own: the agent's producer runs the same Kafka client classes as the host's, and a
     * second producer sending through another codec's code paths slows the host's producer down (measured: gzip
     * here cost a single-core producer about a tenth of its throughput; see BENCHMARKS.md). The audit topic's
     * records are few, so compressing them saves little.
     */
    static Map<String, Object> producerSettings(
            String bootstrapServers, String clientId, Map<String, Object> inherited, Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(inherited);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        settings.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, 60_000);
        settings.putAll(overrides);
        settings.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
        return settings;
    }

    @Override
    public void send(String key, byte[] value, Consumer<Exception> onComplete) {
        producer.send(
                new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value),
                (metadata, exception) -> onComplete.accept(exception));
    }

    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
