package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationTest {

    @Test
    void simple_strategy_renders_its_factor() {
        assertThat(Replication.simple(3).toCql()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 3}");
    }

    @Test
    void network_topology_renders_each_datacenter_in_name_order() {
        assertThat(Replication.networkTopology(Map.of("dc2", 2, "dc1", 3)).toCql())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
    }

    @Test
    void rejects_factors_below_one_and_bad_datacenter_names() {
        assertThatThrownBy(() -> Replication.simple(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Replication.networkTopology(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Replication.networkTopology(Map.of("dc1", 0))).hasMessageContaining("dc1");
        assertThatThrownBy(() -> Replication.networkTopology(Map.of("dc'1", 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parses_a_factor_as_simple_and_pairs_as_network_topology() {
        assertThat(Replication.parse("2")).isEqualTo(Replication.simple(2));
        assertThat(Replication.parse(" dc1=3, dc2=1 "))
                .isEqualTo(Replication.networkTopology(Map.of("dc1", 3, "dc2", 1)));
    }

    @Test
    void parse_rejects_garbage_quoting_the_text() {
        assertThatThrownBy(() -> Replication.parse("three")).hasMessageContaining("'three'");
        assertThatThrownBy(() -> Replication.parse("dc1=3,dc1=2")).hasMessageContaining("repeated");
        assertThatThrownBy(() -> Replication.parse("dc1")).isInstanceOf(IllegalArgumentException.class);
    }
}
