package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One single-node broker on a temporary data directory, shared by every test of the class. */
class BundledBrokerIT {

    private static BundledBroker broker;
    private static Path dataDir;

    @BeforeAll
    static void startBroker() {
        broker = BundledBroker.start(BrokerConfig.builder().listenerPort(0).build());
        dataDir = broker.dataDir();
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
        assertThat(dataDir).as("temporary data directory after close").doesNotExist();
    }

    @Test
    void produces_and_consumes_records() throws Exception {
        String topic = Records.topic("plain");
        List<String> values = Records.values("v", 20);

        Records.produce(broker.bootstrapServers(), topic, values);

        assertThat(Records.readAsGroup(broker.bootstrapServers(), topic, "g-" + topic, values.size()))
                .containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void serves_clients_on_loopback_with_one_node() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get()).singleElement().satisfies(node -> {
                assertThat(node.id()).isZero();
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isEqualTo(broker.listenerPort(0));
            });
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.clusterId());
        }
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.listenerPort(0));
        assertThat(broker.runningNodes()).containsExactly(0);
    }

    @Test
    void restarts_on_the_same_data_dir_and_keeps_records() throws Exception {
        String topic = Records.topic("restart");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        List<String> before = Records.values("before", 10);
        Records.produce(broker.bootstrapServers(), topic, before);
        String group = "g-" + topic;
        assertThat(Records.readAsGroup(broker.bootstrapServers(), topic, group, 10))
                .hasSize(10);
        String clusterId = broker.clusterId();
        String bootstrap = broker.bootstrapServers();

        broker.stop();
        assertThat(broker.runningNodes()).isEmpty();
        broker.start();

        assertThat(broker.clusterId()).isEqualTo(clusterId);
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(broker.dataDir()).isEqualTo(dataDir);
        assertThat(Records.readAll(broker.bootstrapServers(), topic, 2, 10))
                .containsExactlyInAnyOrderElementsOf(before);
        List<String> after = Records.values("after", 5);
        Records.produce(broker.bootstrapServers(), topic, after);
        assertThat(Records.readAsGroup(broker.bootstrapServers(), topic, group, 5))
                .as("the group resumes from its committed offsets")
                .containsExactlyInAnyOrderElementsOf(after);
    }
}
