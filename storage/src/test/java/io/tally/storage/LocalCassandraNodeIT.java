package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.storage.testing.CassandraNodeExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraNodeExtension.class)
class LocalCassandraNodeIT {

    @Test
    void answers_cql_as_cassandra_5_0_on_its_contact_point(LocalCassandraNode node, CqlSession session) {
        String version = session.execute("SELECT release_version FROM system.local")
                .one()
                .getString(0);

        assertThat(node.isRunning()).isTrue();
        assertThat(version).isEqualTo("5.0.6").isEqualTo(node.releaseVersion());
        assertThat(node.contactPoint().getPort()).isEqualTo(node.cqlPort());
        assertThat(node.contactPoint().getAddress().isLoopbackAddress()).isTrue();
        assertThat(node.pid()).isPresent();
    }

    @Test
    void opens_a_session_from_a_contact_point_string(LocalCassandraNode node) {
        try (CqlSession session = CassandraSessions.open(
                CassandraSessions.parseContactPoints("127.0.0.1:" + node.cqlPort()),
                CassandraSessions.DEFAULT_LOCAL_DATACENTER)) {
            assertThat(session.execute("SELECT data_center FROM system.local")
                            .one()
                            .getString(0))
                    .isEqualTo("datacenter1");
        }
    }

    @Test
    void logs_to_a_file_in_the_data_dir_at_info_not_debug(LocalCassandraNode node) throws Exception {
        Path log = node.logFile();

        assertThat(log).startsWith(node.dataDir()).exists();
        assertThat(Files.readString(log)).contains("Startup complete").doesNotContain("DEBUG [");
    }

    @Test
    void refuses_a_second_node_on_the_same_data_dir(LocalCassandraNode node) {
        LocalCassandraConfig sameDir = LocalCassandraConfig.builder()
                .dataDir(node.dataDir())
                .cqlPort(0)
                .build();

        try (LocalCassandraNode second = new LocalCassandraNode(sameDir)) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another local node");
        }
        assertThat(node.isRunning()).isTrue();
    }

    @Test
    void refuses_a_cql_port_that_is_taken(LocalCassandraNode node) {
        LocalCassandraConfig samePort =
                LocalCassandraConfig.builder().cqlPort(node.cqlPort()).build();

        try (LocalCassandraNode second = new LocalCassandraNode(samePort)) {
            assertThatThrownBy(second::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("Port " + node.cqlPort())
                    .hasMessageContaining("tally.cassandra.cql.port");
        }
    }
}
