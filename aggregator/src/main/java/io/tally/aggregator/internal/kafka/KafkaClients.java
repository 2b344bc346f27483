package io.tally.aggregator.internal.kafka;

import io.tally.aggregator.AggregatorConfig;
import io.tally.core.settings.SharedSettings;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The settings of the aggregator's Kafka clients: the jobs' sources and sinks ({@link KafkaEdges}) and the admin
 * client of {@link TopicSetup}. The one place that reads Tally's cluster from the settings.
 */
public final class KafkaClients {
    private KafkaClients() {}

    /** @return Tally's Kafka cluster, {@value SharedSettings#KAFKA_BOOTSTRAP_SERVERS} */
    public static String bootstrapServers(AggregatorConfig config) {
        return config.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS);
    }

    /**
     * @return the {@code tally.kafka.*} settings (security, timeouts) and the cluster, for a source or sink of the
     *     jobs; the settings each one sets itself override them
     */
    public static Properties common(AggregatorConfig config) {
        Properties properties = new Properties();
        properties.putAll(config.kafkaProperties());
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(config));
        return properties;
    }

    /** @return an admin client's settings: {@link #common} and a 30 s limit on each call */
    public static Properties admin(AggregatorConfig config) {
        Properties properties = common(config);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return properties;
    }
}
