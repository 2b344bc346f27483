package io.tally.reconciler.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.storage.Verdict;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TopologyFileTest {

    @Test
    void explicit_edges_with_a_topic_rename_for_a_mirror() {
        Topology t = TopologyFile.parse("""
                {"edges": [
                  {"from": "producer", "to": "log"},
                  {"from": "log", "to": "mirror.log", "topics": ["orders"], "toTopic": "dc2.orders"},
                  {"from": "log", "to": "consumer.sample", "partial": true}
                ]}""", TopicPolicy.defaults());
        Map<String, Set<String>> tiers =
                Map.of("orders", Set.of("producer", "log", "consumer.sample"), "dc2.orders", Set.of("mirror.log"));

        assertThat(t.edges("orders", tiers.get("orders"), tiers::get))
                .containsExactlyInAnyOrder(
                        Edge.of("orders", "producer", "log"),
                        new Edge("log", "orders", "mirror.log", "dc2.orders", false, false),
                        new Edge("log", "orders", "consumer.sample", "orders", true, false));
    }

    @Test
    void a_mirror_of_records_written_without_the_agent_is_declared_compared_by_counts() {
        Topology t = TopologyFile.parse("""
                {"edges": [
                  {"from": "log", "to": "mirror", "topics": ["orders"], "toTopic": "dc2.orders", "countsOnly": true}
                ]}""", TopicPolicy.defaults());

        assertThat(t.edges("orders", Set.of("log"), topic -> Set.of("mirror")))
                .containsExactly(new Edge("log", "orders", "mirror", "dc2.orders", false, false).asCountsOnly());
    }

    @Test
    void without_a_log_tier_the_producer_feeds_every_other_tier() {
        assertThat(Topology.defaults().edges("orders", Set.of("producer", "consumer.a"), x -> Set.of()))
                .containsExactly(Edge.of("orders", "producer", "consumer.a"));
    }

    @Test
    void a_read_committed_tier_is_judged_against_log_committed_where_that_tier_counts_the_topic() {
        Set<String> tiers = Set.of("producer", "log", "log.committed", "consumer.settle", "consumer.mirror");
        assertThat(Topology.defaults().edges("payments", tiers, x -> Set.of(), true, "consumer.settle"::equals))
                .as("log.committed is not judged against log: they differ by the aborted records")
                .containsExactlyInAnyOrder(
                        Edge.of("payments", "producer", "log"),
                        Edge.of("payments", "log.committed", "consumer.settle"),
                        Edge.of("payments", "log", "consumer.mirror"));
        assertThat(Topology.defaults()
                        .edges(
                                "payments",
                                Set.of("log", "consumer.settle"),
                                x -> Set.of(),
                                true,
                                "consumer.settle"::equals))
                .as("where log.committed does not count the topic")
                .containsExactly(Edge.of("payments", "log", "consumer.settle"));

        Topology expecting = Topology.defaults()
                .withLogTier(Topology.LogTier.EXPECTED, Pattern.compile(".*"))
                .withLogCommitted(Pattern.compile("payments"));
        assertThat(expecting.edges(
                        "payments",
                        Set.of("producer", "consumer.settle"),
                        x -> Set.of(),
                        false,
                        "consumer.settle"::equals))
                .as("configured, it is waited for before it has reported")
                .containsExactlyInAnyOrder(
                        Edge.of("payments", "producer", "log"),
                        Edge.of("payments", "log.committed", "consumer.settle"));
        assertThat(expecting.edges(
                        "orders",
                        Set.of("producer", "consumer.settle"),
                        x -> Set.of(),
                        false,
                        "consumer.settle"::equals))
                .as("a topic it does not count")
                .containsExactlyInAnyOrder(
                        Edge.of("orders", "producer", "log"), Edge.of("orders", "log", "consumer.settle"));
    }

    @Test
    void a_topic_the_brokers_say_is_written_in_transactions_waits_for_log_committed_without_configuration() {
        Topology expecting = Topology.defaults().withLogTier(Topology.LogTier.EXPECTED, Pattern.compile(".*"));
        Set<String> tiers = Set.of("producer", "log", "consumer.settle", "consumer.mirror");

        assertThat(expecting.edges("app-repartition", tiers, x -> Set.of(), true, "consumer.settle"::equals, true))
                .as("found transactional: the read_committed tier waits for log.committed, the other reads log")
                .containsExactlyInAnyOrder(
                        Edge.of("app-repartition", "producer", "log"),
                        Edge.of("app-repartition", "log.committed", "consumer.settle"),
                        Edge.of("app-repartition", "log", "consumer.mirror"));
        assertThat(expecting.edges("app-repartition", tiers, x -> Set.of(), true, "consumer.settle"::equals, false))
                .as("not transactional")
                .contains(Edge.of("app-repartition", "log", "consumer.settle"));
        assertThat(Topology.defaults()
                        .withLogTier(Topology.LogTier.NONE, Pattern.compile(".*"))
                        .edges(
                                "app-repartition",
                                Set.of("producer", "consumer.settle"),
                                x -> Set.of(),
                                false,
                                "consumer.settle"::equals,
                                true))
                .as("without a log tier there is no log.committed to wait for")
                .containsExactly(Edge.of("app-repartition", "producer", "consumer.settle"));
    }

    @Test
    void per_topic_policies_inherit_the_defaults() {
        Topology t = TopologyFile.parse("""
                {"defaults": {"latencySlaMs": 5000},
                 "topics": {"orders": {"alertMinMissing": 10, "alertKinds": ["LOSS"]}, "state": {"compacted": true}}}
                """, TopicPolicy.defaults());

        assertThat(t.policy("orders").latencySlaMs()).isEqualTo(5000);
        assertThat(t.policy("orders").alertMinMissing()).isEqualTo(10);
        assertThat(t.policy("orders").alertKinds()).containsExactly(Verdict.LOSS);
        assertThat(t.policy("state").compacted()).isTrue();
        assertThat(t.judged(Edge.of("state", "producer", "log"))).isTrue();
        assertThat(t.judged(Edge.of("state", "log", "consumer.a"))).isFalse();
        assertThat(t.judged(new Edge("log", "state", "consumer.a", "state", false, true)))
                .isTrue();
    }

    @Test
    void a_topic_whose_producers_are_declared_partial_has_its_producer_edges_judged_for_loss_only() {
        Topology t = TopologyFile.parse("""
                {"topics": {"orders": {"partialProducers": true}}}
                """, TopicPolicy.defaults());

        assertThat(t.edges("orders", Set.of("producer", "log", "consumer.a"), x -> Set.of()))
                .containsExactlyInAnyOrder(
                        Edge.of("orders", "producer", "log").asLossOnly(), Edge.of("orders", "log", "consumer.a"));
        assertThat(t.edges("orders", Set.of("producer", "consumer.a"), x -> Set.of()))
                .as("without a log tier")
                .containsExactly(Edge.of("orders", "producer", "consumer.a").asLossOnly());
        assertThat(t.edges("payments", Set.of("producer", "log"), x -> Set.of()))
                .containsExactly(Edge.of("payments", "producer", "log"));
    }

    @Test
    void errors_name_the_field() {
        assertThatThrownBy(() -> TopologyFile.parse("{\"edges\": [{\"from\": \"producer\"}]}", TopicPolicy.defaults()))
                .hasMessageContaining("edges[0]: missing 'to'");
        assertThatThrownBy(
                        () -> TopologyFile.parse("{\"topics\": {\"o\": {\"latencySla\": 1}}}", TopicPolicy.defaults()))
                .hasMessageContaining("topics.o: unknown field 'latencySla'");
        assertThatThrownBy(() -> TopologyFile.parse(
                        "{\"topics\": {\"o\": {\"alertKinds\": [\"LOST\"]}}}", TopicPolicy.defaults()))
                .hasMessageContaining("unknown kind 'LOST'");
    }
}
