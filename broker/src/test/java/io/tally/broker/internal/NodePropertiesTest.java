package io.tally.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.broker.BrokerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodePropertiesTest {

    private static final Path DATA = Path.of("/data");

    private static List<NodeSpec> nodes(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new NodeSpec(i, DATA.resolve(NodeSpec.dirName(i)), 9092 + i, 9192 + i))
                .toList();
    }

    @Test
    void a_node_is_a_combined_broker_and_controller_on_loopback() {
        List<NodeSpec> all = nodes(1);
        Map<String, String> props =
                NodeProperties.of(all.get(0), all, BrokerConfig.builder().build(), 60_000);

        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "0")
                .containsEntry("controller.quorum.voters", "0@127.0.0.1:9192")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", "/data/node-0")
                .containsEntry("metadata.log.dir", "/data/node-0")
                .containsEntry("server.max.startup.time.ms", "60000");
    }

    @Test
    void one_node_replicates_internal_topics_once() {
        List<NodeSpec> all = nodes(1);
        Map<String, String> props =
                NodeProperties.of(all.get(0), all, BrokerConfig.builder().build(), 60_000);

        assertThat(props)
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .doesNotContainKey("broker.session.timeout.ms");
    }

    @Test
    void three_nodes_form_a_three_voter_quorum_and_survive_one_node_down() {
        List<NodeSpec> all = nodes(3);
        Map<String, String> props = NodeProperties.of(
                all.get(2), all, BrokerConfig.builder().nodes(3).build(), 60_000);

        assertThat(props)
                .containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", "0@127.0.0.1:9192,1@127.0.0.1:9193,2@127.0.0.1:9194")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9194")
                .containsEntry("log.dirs", "/data/node-2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("broker.session.timeout.ms", "4000");
    }

    @Test
    void extra_kafka_properties_override_the_bundled_defaults() {
        List<NodeSpec> all = nodes(1);
        BrokerConfig config = BrokerConfig.builder()
                .kafkaProperty("group.initial.rebalance.delay.ms", "3000")
                .kafkaProperty("num.partitions", "6")
                .build();

        Map<String, String> props = NodeProperties.of(all.get(0), all, config, 60_000);

        assertThat(props)
                .containsEntry("group.initial.rebalance.delay.ms", "3000")
                .containsEntry("num.partitions", "6");
    }

    @Test
    void with_sasl_the_client_listener_requires_scram_and_nodes_log_in_as_the_brokers_user() {
        List<NodeSpec> all = nodes(1);
        BrokerConfig config =
                BrokerConfig.builder().sasl("SCRAM-SHA-512", "tally", "pw").build();

        Map<String, String> props = NodeProperties.of(all.get(0), all, config, 60_000);

        assertThat(NodeProperties.clientListener(config)).isEqualTo("SASL_PLAINTEXT");
        assertThat(props)
                .containsEntry("listeners", "SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192")
                .containsEntry("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:9092")
                .containsEntry("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .containsEntry("inter.broker.listener.name", "SASL_PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .containsEntry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
                .containsEntry(
                        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tally\" "
                                + "password=\"pw\";");
        assertThat(ScramUsers.formatArguments(config.sasl())).containsExactly("SCRAM-SHA-512=[name=tally,password=pw]");
    }
}
