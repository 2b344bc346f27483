package io.tally.reconciler.internal.kafka;

import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The settings of the reconciler's Kafka clients. */
public final class KafkaClients {
    private KafkaClients() {}

    static Map<String, Object> common(ReconcilerConfig config, String clientId) {
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS));
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /** A consumer of bytes; with a group when {@code groupId} is not null. */
    public static Map<String, Object> consumer(ReconcilerConfig config, String clientId, String groupId) {
        Map<String, Object> p = common(config, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000); // tally.kafka.max.poll.records wins
        // a replay reads the retention of a few busy partitions: fewer, larger fetches (the default is 1 MiB each)
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        } else {
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        return p;
    }

    /** A producer of bytes that waits for every replica. */
    public static Map<String, Object> producer(ReconcilerConfig config, String clientId) {
        Map<String, Object> p = common(config, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** An admin client. */
    public static Map<String, Object> admin(ReconcilerConfig config, String clientId) {
        return common(config, clientId);
    }
}
