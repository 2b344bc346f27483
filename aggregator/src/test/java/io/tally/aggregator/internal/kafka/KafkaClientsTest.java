package io.tally.aggregator.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.AggregatorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    @Test
    void every_client_gets_tally_kafka_settings_without_the_prefix_and_tallys_cluster() {
        AggregatorConfig config = AggregatorConfig.fromProperties(Map.of(
                "tally.kafka.bootstrap.servers", "kafka:9092",
                "tally.kafka.security.protocol", "SSL",
                "tally.aggregator.parallelism", "2"));

        assertThat(KafkaClients.common(config))
                .containsOnly(Map.entry("bootstrap.servers", "kafka:9092"), Map.entry("security.protocol", "SSL"));
        assertThat(KafkaClients.admin(config))
                .containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("default.api.timeout.ms", 30_000);
        assertThat(KafkaClients.common(AggregatorConfig.defaults()))
                .containsOnly(Map.entry("bootstrap.servers", "localhost:9092"));
    }
}
