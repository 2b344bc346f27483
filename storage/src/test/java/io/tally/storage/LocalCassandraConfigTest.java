package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalCassandraConfigTest {

    @Test
    void defaults_are_a_temporary_node_on_9042_with_512_mib() {
        LocalCassandraConfig config = LocalCassandraConfig.builder().build();

        assertThat(config.temporary()).isTrue();
        assertThat(config.dataDir()).isEmpty();
        assertThat(config.cqlPort()).isEqualTo(9042);
        assertThat(config.storagePort()).isZero();
        assertThat(config.heapMb()).isEqualTo(512);
        assertThat(config.libDir()).isEmpty();
        assertThat(config.javaHome()).isEmpty();
        assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void a_data_dir_makes_the_node_persistent_and_is_made_absolute() {
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(Path.of("data/cassandra"))
                .build();

        assertThat(config.temporary()).isFalse();
        assertThat(config.dataDir()).get().matches(Path::isAbsolute);
        assertThat(config.dataDir().get().endsWith(Path.of("data", "cassandra")))
                .isTrue();
    }

    @Test
    void rejects_a_heap_below_256_mib_naming_the_key() {
        assertThatThrownBy(() -> LocalCassandraConfig.builder().heapMb(128))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.cassandra.heap.mb")
                .hasMessageContaining("128");
    }

    @Test
    void rejects_ports_out_of_range_naming_the_key() {
        assertThatThrownBy(() -> LocalCassandraConfig.builder().cqlPort(70_000))
                .hasMessageContaining("tally.cassandra.cql.port")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> LocalCassandraConfig.builder().storagePort(-1))
                .hasMessageContaining("tally.cassandra.storage.port");
    }

    @Test
    void a_node_listens_on_127_0_0_1_unless_given_another_loopback_address() {
        assertThat(LocalCassandraConfig.builder().build().address()).isEqualTo("127.0.0.1");
        LocalCassandraConfig second =
                LocalCassandraConfig.builder().address("127.0.0.2").build();
        assertThat(second.address()).isEqualTo("127.0.0.2");
        assertThat(second.toBuilder().build().address()).isEqualTo("127.0.0.2");
        assertThatThrownBy(() -> LocalCassandraConfig.builder().address("10.0.0.2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.x.x.x")
                .hasMessageContaining("10.0.0.2");
    }

    @Test
    void rejects_the_same_fixed_port_for_cql_and_storage() {
        assertThatThrownBy(() -> LocalCassandraConfig.builder()
                        .cqlPort(9042)
                        .storagePort(9042)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
    }

    @Test
    void accepts_port_zero_for_both() {
        LocalCassandraConfig config =
                LocalCassandraConfig.builder().cqlPort(0).storagePort(0).build();

        assertThat(config.cqlPort()).isZero();
        assertThat(config.storagePort()).isZero();
    }

    @Test
    void rejects_non_positive_timeouts() {
        assertThatThrownBy(() -> LocalCassandraConfig.builder().startTimeout(Duration.ZERO))
                .hasMessageContaining("tally.cassandra.start.timeout.ms");
        assertThatThrownBy(() -> LocalCassandraConfig.builder().stopTimeout(Duration.ofSeconds(-1)))
                .hasMessageContaining("tally.cassandra.stop.timeout.ms");
    }

    @Test
    void reads_every_key_from_properties_and_ignores_other_prefixes() {
        LocalCassandraConfig config = LocalCassandraConfig.fromProperties(Map.of(
                "tally.cassandra.data.dir", "/var/lib/tally/cassandra",
                "tally.cassandra.cql.port", "0",
                "tally.cassandra.storage.port", "7100",
                "tally.cassandra.heap.mb", "1024",
                "tally.cassandra.lib", "/opt/tally/cassandra-lib",
                "tally.cassandra.java.home", "/usr/lib/jvm/java-17",
                "tally.cassandra.start.timeout.ms", "60000",
                "tally.cassandra.stop.timeout.ms", "5000",
                "tally.api.port", "8080"));

        assertThat(config.dataDir()).contains(Path.of("/var/lib/tally/cassandra"));
        assertThat(config.cqlPort()).isZero();
        assertThat(config.storagePort()).isEqualTo(7100);
        assertThat(config.heapMb()).isEqualTo(1024);
        assertThat(config.libDir()).contains(Path.of("/opt/tally/cassandra-lib"));
        assertThat(config.javaHome()).contains(Path.of("/usr/lib/jvm/java-17"));
        assertThat(config.startTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejects_an_unknown_cassandra_key_listing_the_known_ones() {
        assertThatThrownBy(() -> LocalCassandraConfig.fromProperties(Map.of("tally.cassandra.heap", "512")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[tally.cassandra.heap]")
                .hasMessageContaining("tally.cassandra.heap.mb");
    }

    @Test
    void rejects_a_value_that_does_not_parse_naming_key_and_value() {
        assertThatThrownBy(() -> LocalCassandraConfig.fromProperties(Map.of("tally.cassandra.cql.port", "nine")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tally.cassandra.cql.port")
                .hasMessageContaining("Invalid value nine");
    }

    @Test
    void every_key_read_from_properties_is_documented() {
        assertThat(LocalCassandraConfig.TABLE.definition().configKeys().keySet())
                .containsExactly(
                        LocalCassandraConfig.DATA_DIR,
                        LocalCassandraConfig.CQL_PORT,
                        LocalCassandraConfig.STORAGE_PORT,
                        LocalCassandraConfig.HEAP_MB,
                        LocalCassandraConfig.LIB,
                        LocalCassandraConfig.JAVA_HOME,
                        LocalCassandraConfig.START_TIMEOUT_MS,
                        LocalCassandraConfig.STOP_TIMEOUT_MS);
        assertThat(LocalCassandraConfig.fromProperties(Map.of("tally.cassandra.contact.points", "db:9042")))
                .as("the shared keys of the Cassandra cluster's clients are not the node's to refuse")
                .isNotNull();
    }

    @Test
    void to_builder_keeps_every_value() {
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(Path.of("/d"))
                .cqlPort(0)
                .heapMb(300)
                .libDir(Path.of("/l"))
                .stopTimeout(Duration.ofSeconds(3))
                .build();

        LocalCassandraConfig copy = config.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(config);
    }
}
