package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-node broker on a persistent data directory, closed and opened again by a new object as a process
 * restart would. One broker lineage for the class.
 */
class PersistentDataDirIT {

    @TempDir
    static Path root;

    private static BrokerConfig config;
    private static BundledBroker broker;

    @BeforeAll
    static void startBroker() {
        config = BrokerConfig.builder()
                .dataDir(root.resolve("kafka"))
                .listenerPort(0)
                .build();
        broker = BundledBroker.start(config);
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
    }

    @Test
    void a_new_broker_on_the_same_data_dir_keeps_records_and_cluster_id() throws Exception {
        String topic = Records.topic("reopen");
        List<String> values = Records.values("kept", 10);
        Records.produce(broker.bootstrapServers(), topic, values);
        String clusterId = broker.clusterId();

        broker.close();
        assertThat(root.resolve("kafka/node-0/meta.properties")).exists();
        broker = BundledBroker.start(config);

        assertThat(broker.clusterId()).isEqualTo(clusterId);
        assertThat(Records.readAll(broker.bootstrapServers(), topic, 1, values.size()))
                .containsExactlyElementsOf(values);
    }

    @Test
    void refuses_a_data_dir_formatted_for_another_node_count() {
        BrokerConfig threeNodes = BrokerConfig.builder()
                .dataDir(config.dataDir().orElseThrow())
                .listenerPort(0)
                .nodes(3)
                .build();

        assertThatThrownBy(() -> BundledBroker.start(threeNodes))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(BrokerConfig.DATA_DIR)
                .hasMessageContaining(BrokerConfig.NODES);
    }

    @Test
    void start_fails_naming_a_malformed_kafka_property() {
        BrokerConfig bad = BrokerConfig.builder()
                .listenerPort(0)
                .kafkaProperty("num.partitions", "many")
                .build();

        assertThatThrownBy(() -> BundledBroker.start(bad))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("num.partitions")
                .hasMessageContaining("many");
    }

    @Test
    void start_fails_naming_the_listener_port_when_it_is_taken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            BrokerConfig bad =
                    BrokerConfig.builder().listenerPort(taken.getLocalPort()).build();

            assertThatThrownBy(() -> BundledBroker.start(bad))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining(BrokerConfig.LISTENER_PORT)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void start_fails_naming_the_data_dir_when_it_cannot_be_a_directory() throws Exception {
        Path file = Files.writeString(root.resolve("not-a-dir"), "x");
        BrokerConfig bad = BrokerConfig.builder()
                .dataDir(file.resolve("kafka"))
                .listenerPort(0)
                .build();

        assertThatThrownBy(() -> BundledBroker.start(bad))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(BrokerConfig.DATA_DIR)
                .hasMessageContaining(file.toString());
    }
}
