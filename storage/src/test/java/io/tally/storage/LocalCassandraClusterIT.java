package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.settings.SharedSettings;
import io.tally.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.AbstractConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on 127.0.0.1-3, the keyspace on every one (NetworkTopologyStrategy, {@code datacenter1=3}), the store
 * reading and writing at LOCAL_QUORUM: one node SIGKILLed, and every write goes on being acknowledged and read back;
 * started again, it rejoins the ring. About 100 s on 2 cores: run with {@code -Dtally.cluster=true} (the cluster
 * test, which starts these nodes once with the rest of a cluster, will bring it into every build).
 */
class LocalCassandraClusterIT {

    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "tally.cluster", matches = "true")
    void writes_at_local_quorum_go_on_while_one_node_of_three_is_down(@TempDir Path dir) {
        try (LocalCassandraCluster cluster = new LocalCassandraCluster(dir, 3, 512)) {
            long began = System.nanoTime();
            cluster.start();
            System.out.printf("3 Cassandra nodes up in %d ms%n", (System.nanoTime() - began) / 1_000_000);
            AbstractConfig settings = new AbstractConfig(
                    SharedSettings.table().definition(),
                    Map.of(
                            SharedSettings.CASSANDRA_CONTACT_POINTS,
                            cluster.contactPointsSetting(),
                            SharedSettings.CASSANDRA_REPLICATION,
                            LocalCassandraCluster.DATACENTER + "=3"),
                    false);
            AuditStores.applySchema(settings, Duration.ofDays(1));
            List<UUID> written = new ArrayList<>();
            try (AuditStore store = AuditStores.open(settings);
                    CqlSession session =
                            CassandraSessions.open(cluster.contactPoints(), LocalCassandraCluster.DATACENTER)) {
                assertThat(session.getMetadata().getNodes()).hasSize(3);
                write(store, written, 20);

                cluster.node(2).kill();
                long killedAt = System.nanoTime();
                write(store, written, 20); // 2 of 3 replicas: LOCAL_QUORUM holds
                System.out.printf(
                        "node 3 SIGKILLed: 20 writes at LOCAL_QUORUM in %d ms%n",
                        (System.nanoTime() - killedAt) / 1_000_000);
                for (UUID id : written) {
                    assertThat(store.alertState(id, "webhook"))
                            .as(id.toString())
                            .isPresent();
                }

                long restartedAt = System.nanoTime();
                cluster.node(2).start();
                Eventually.await(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(500),
                        "node 3 up in the ring",
                        () -> session.getMetadata().getNodes().values().stream()
                                        .filter(n ->
                                                n.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP)
                                        .count()
                                == 3);
                System.out.printf(
                        "node 3 back in the ring after %d ms%n", (System.nanoTime() - restartedAt) / 1_000_000);
                write(store, written, 20);
                for (UUID id : written) {
                    assertThat(store.alertState(id, "webhook"))
                            .as(id.toString())
                            .isPresent();
                }
            }
        }
    }

    private static void write(AuditStore store, List<UUID> written, int n) {
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            store.putAlertState(new AlertState(id, "webhook", "OPEN", System.currentTimeMillis(), 1, ""));
            written.add(id);
        }
    }
}
