package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSessionsTest {

    @Test
    void parses_hosts_with_and_without_ports() {
        List<InetSocketAddress> points =
                CassandraSessions.parseContactPoints("localhost:9142, cassandra-2 ,10.0.0.3:9042");

        assertThat(points)
                .extracting(InetSocketAddress::getHostString)
                .containsExactly("localhost", "cassandra-2", "10.0.0.3");
        assertThat(points).extracting(InetSocketAddress::getPort).containsExactly(9142, 9042, 9042);
    }

    @Test
    void rejects_bad_ports_and_empty_lists_quoting_the_entry() {
        assertThatThrownBy(() -> CassandraSessions.parseContactPoints("localhost:x"))
                .hasMessageContaining("'localhost:x'");
        assertThatThrownBy(() -> CassandraSessions.parseContactPoints("localhost:0"))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> CassandraSessions.parseContactPoints(" , "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CassandraSessions.parseContactPoints(":9042")).hasMessageContaining("no host");
    }
}
