package io.tally.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One 3-node cluster (three combined broker+controller nodes, three voters) shared by the class. */
class ThreeNodeClusterIT {

    private static BundledBroker cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() {
        cluster = BundledBroker.start(
                BrokerConfig.builder().listenerPort(0).nodes(3).build());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void closeCluster() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        cluster.close();
    }

    @Test
    void runs_three_brokers_and_a_three_voter_quorum() throws Exception {
        assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(admin.describeMetadataQuorum().quorumInfo().get().voters())
                .extracting(voter -> voter.replicaId())
                .containsExactlyInAnyOrder(0, 1, 2);
        assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
    }

    @Test
    void keeps_serving_with_one_node_down_and_takes_it_back() throws Exception {
        String topic = Records.topic("replicated");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get();
        String group = "g-" + topic;
        List<String> first = Records.values("first", 30);
        Records.produce(cluster.bootstrapServers(), topic, first);
        assertThat(Records.readAsGroup(cluster.bootstrapServers(), topic, group, 30))
                .containsExactlyInAnyOrderElementsOf(first);

        int victim = leaderOfPartitionZero(topic);
        cluster.stopNode(victim);
        assertThat(cluster.runningNodes()).hasSize(2).doesNotContain(victim);

        List<String> second = Records.values("second", 30);
        Records.produce(cluster.bootstrapServers(), topic, second);
        assertThat(Records.readAsGroup(cluster.bootstrapServers(), topic, group, 30))
                .containsExactlyInAnyOrderElementsOf(second);

        cluster.startNode(victim);
        assertThat(cluster.runningNodes()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
        awaitFullIsr(topic);
        assertThat(Records.readAll(cluster.bootstrapServers(), topic, 3, 60))
                .containsExactlyInAnyOrderElementsOf(concat(first, second));
    }

    @Test
    void restarts_the_whole_cluster_on_the_same_data_dir_and_keeps_records() throws Exception {
        String topic = Records.topic("cluster-restart");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
        List<String> values = Records.values("kept", 30);
        Records.produce(cluster.bootstrapServers(), topic, values);
        String clusterId = cluster.clusterId();

        cluster.stop();
        assertThat(cluster.runningNodes()).isEmpty();
        cluster.start();

        assertThat(cluster.clusterId()).isEqualTo(clusterId);
        assertThat(cluster.runningNodes()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(Records.readAll(cluster.bootstrapServers(), topic, 3, 30))
                .containsExactlyInAnyOrderElementsOf(values);
    }

    private static int leaderOfPartitionZero(String topic) throws Exception {
        return describe(topic).partitions().get(0).leader().id();
    }

    private static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static void awaitFullIsr(String topic) throws Exception {
        Eventually.await(
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                "3 in-sync replicas of every partition of " + topic + " (the smallest set shown)",
                () -> describe(topic).partitions().stream()
                        .map(TopicPartitionInfo::isr)
                        .map(isr -> isr.stream().map(Node::id).collect(Collectors.toSet()))
                        .min((a, b) -> Integer.compare(a.size(), b.size()))
                        .orElseThrow(),
                smallest -> smallest.size() == 3);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }
}
