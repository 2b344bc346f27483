package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void defaults_are_one_node_on_port_9092_in_a_temporary_dir() {
        BrokerConfig config = BrokerConfig.builder().build();

        assertThat(config.nodes()).isEqualTo(1);
        assertThat(config.listenerPort()).isEqualTo(9092);
        assertThat(config.controllerPort()).isZero();
        assertThat(config.dataDir()).isEmpty();
        assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.kafkaProperties()).isEmpty();
        assertThat(config.internalReplicationFactor()).isEqualTo(1);
    }

    @Test
    void builder_keeps_every_setting() {
        BrokerConfig config = BrokerConfig.builder()
                .dataDir(Path.of("/var/lib/tally/kafka"))
                .listenerPort(19092)
                .controllerPort(19192)
                .nodes(3)
                .startTimeout(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(7))
                .kafkaProperty("log.retention.ms", "1000")
                .build();

        assertThat(config.dataDir()).contains(Path.of("/var/lib/tally/kafka"));
        assertThat(config.listenerPort()).isEqualTo(19092);
        assertThat(config.controllerPort()).isEqualTo(19192);
        assertThat(config.nodes()).isEqualTo(3);
        assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.kafkaProperties()).containsExactly(Map.entry("log.retention.ms", "1000"));
        assertThat(config.internalReplicationFactor()).isEqualTo(3);
    }

    @Test
    void rejects_a_negative_listener_port_naming_the_key() {
        assertThatThrownBy(() -> BrokerConfig.builder().listenerPort(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.LISTENER_PORT)
                .hasMessageContaining("-1");
    }

    @Test
    void rejects_a_controller_port_above_65535_naming_the_key() {
        assertThatThrownBy(() -> BrokerConfig.builder().controllerPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.CONTROLLER_PORT)
                .hasMessageContaining("70000");
    }

    @Test
    void rejects_a_node_count_below_one_naming_the_key() {
        assertThatThrownBy(() -> BrokerConfig.builder().nodes(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.NODES)
                .hasMessageContaining("0");
    }

    @Test
    void rejects_more_nodes_than_the_maximum() {
        assertThatThrownBy(() ->
                        BrokerConfig.builder().nodes(BrokerConfig.MAX_NODES + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.NODES);
    }

    @Test
    void rejects_fixed_ports_that_run_past_65535_for_the_last_node() {
        assertThatThrownBy(() ->
                        BrokerConfig.builder().listenerPort(65535).nodes(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.LISTENER_PORT)
                .hasMessageContaining("65537");
    }

    @Test
    void rejects_listener_and_controller_ports_that_overlap() {
        assertThatThrownBy(() -> BrokerConfig.builder()
                        .listenerPort(9092)
                        .controllerPort(9094)
                        .nodes(3)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.CONTROLLER_PORT)
                .hasMessageContaining(BrokerConfig.LISTENER_PORT);
    }

    @Test
    void accepts_adjacent_port_ranges() {
        BrokerConfig config = BrokerConfig.builder()
                .listenerPort(9092)
                .controllerPort(9095)
                .nodes(3)
                .build();

        assertThat(config.controllerPort()).isEqualTo(9095);
    }

    @Test
    void rejects_a_non_positive_start_timeout_naming_the_key() {
        assertThatThrownBy(
                        () -> BrokerConfig.builder().startTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.START_TIMEOUT_MS);
    }

    @Test
    void rejects_kafka_properties_the_bundle_manages() {
        assertThatThrownBy(() ->
                        BrokerConfig.builder().kafkaProperty("node.id", "7").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node.id");
        assertThatThrownBy(() -> BrokerConfig.builder()
                        .kafkaProperty("listeners", "PLAINTEXT://:1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
    }

    @Test
    void reads_its_keys_and_prefixed_kafka_properties_from_a_property_map() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                "tally.broker.listener.port", "0",
                "tally.broker.nodes", "3",
                "tally.broker.data.dir", "/data/kafka",
                "tally.broker.kafka.num.partitions", "4",
                "tally.api.port", "8080"));

        assertThat(config.listenerPort()).isZero();
        assertThat(config.nodes()).isEqualTo(3);
        assertThat(config.dataDir()).contains(Path.of("/data/kafka"));
        assertThat(config.kafkaProperties()).containsExactly(Map.entry("num.partitions", "4"));
    }

    @Test
    void a_malformed_number_in_a_property_map_names_the_key_and_value() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of("tally.broker.nodes", "three")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BrokerConfig.NODES)
                .hasMessageContaining("three");
    }

    @Test
    void an_unknown_broker_key_is_refused_by_name() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of("tally.broker.node", "3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown broker setting(s) [tally.broker.node]")
                .hasMessageContaining(BrokerConfig.NODES);
    }

    @Test
    void a_blank_data_dir_means_a_temporary_one() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of("tally.broker.data.dir", "  "));

        assertThat(config.dataDir()).isEmpty();
    }

    @Test
    void the_settings_table_documents_every_key() {
        assertThat(BrokerConfig.configDef().names())
                .containsExactlyInAnyOrder(
                        BrokerConfig.DATA_DIR,
                        BrokerConfig.LISTENER_PORT,
                        BrokerConfig.CONTROLLER_PORT,
                        BrokerConfig.NODES,
                        BrokerConfig.START_TIMEOUT_MS,
                        BrokerConfig.SHUTDOWN_TIMEOUT_MS,
                        BrokerConfig.SASL_MECHANISM,
                        BrokerConfig.SASL_USERNAME,
                        BrokerConfig.SASL_PASSWORD,
                        BrokerConfig.SASL_USERS);
        BrokerConfig.configDef()
                .configKeys()
                .values()
                .forEach(key -> assertThat(key.documentation).as(key.name).isNotBlank());
    }
}
