package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that cannot start fails start() quickly, with its own output in the message, and leaves no process. */
class NodeStartFailureIT {

    @Test
    void a_node_that_exits_at_start_fails_with_the_tail_of_its_log(@TempDir Path dir) throws Exception {
        Path brokenLib = Files.createDirectories(dir.resolve("lib"));
        Files.write(brokenLib.resolve("cassandra-all-5.0.6.jar"), new byte[0]);
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(dir.resolve("data"))
                .cqlPort(0)
                .libDir(brokenLib)
                .startTimeout(Duration.ofSeconds(60))
                .build();

        try (LocalCassandraNode node = new LocalCassandraNode(config)) {
            assertThatThrownBy(node::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("Cassandra exited with code")
                    .hasMessageContaining("stdout.log")
                    .hasMessageContaining("org.apache.cassandra.service.CassandraDaemon");
            assertThat(node.isRunning()).isFalse();
            assertThat(node.pid()).isEmpty();
        }
    }

    @Test
    void a_picked_port_that_another_process_takes_before_the_node_binds_it_is_replaced(@TempDir Path dir)
            throws Exception {
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(dir.resolve("data"))
                .cqlPort(0)
                .storagePort(0)
                .build();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LocalCassandraNode node = new LocalCassandraNode(config)) {
            // the first pick is a port another process binds between the pick and the node's start
            Iterator<Integer> picks = List.of(taken.getLocalPort()).iterator();
            node.portPicker = () -> picks.hasNext() ? picks.next() : io.tally.storage.internal.FreePorts.pick();

            node.start();

            assertThat(node.isRunning()).isTrue();
            assertThat(node.contactPoint().getPort()).isNotEqualTo(taken.getLocalPort());
        }
    }

    @Test
    void a_missing_lib_folder_is_named_with_the_build_command(@TempDir Path dir) {
        LocalCassandraConfig config = LocalCassandraConfig.builder()
                .dataDir(dir)
                .libDir(dir.resolve("nothing"))
                .cqlPort(0)
                .build();

        try (LocalCassandraNode node = new LocalCassandraNode(config)) {
            assertThatThrownBy(node::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve("nothing").toString())
                    .hasMessageContaining("mvn -pl storage/cassandra-dist package");
        }
    }
}
