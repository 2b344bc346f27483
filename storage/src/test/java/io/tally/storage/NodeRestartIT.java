package io.tally.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A persistent data folder outlives the node: a new node on it, in a new JVM with new ports, has the data. */
class NodeRestartIT {

    @Test
    void a_new_node_on_the_same_data_dir_keeps_the_rows(@TempDir Path dataDir) {
        LocalCassandraConfig config =
                LocalCassandraConfig.builder().dataDir(dataDir).cqlPort(0).build();
        Instant bucketStart = Instant.parse("2026-03-02T08:00:00Z");

        try (LocalCassandraNode node = new LocalCassandraNode(config).start();
                CqlSession session = CassandraSessions.open(node.contactPoint())) {
            TallySchema.defaults().apply(session);
            TierBucketRows.insert(session, "payments", bucketStart, "log", 77, 7_700);
        }
        assertThat(dataDir.resolve("data")).isDirectory();

        try (LocalCassandraNode node = new LocalCassandraNode(config).start();
                CqlSession session = CassandraSessions.open(node.contactPoint())) {
            TallySchema.defaults().apply(session);
            Row row = TierBucketRows.select(session, "payments", bucketStart, "log");

            assertThat(row).isNotNull();
            assertThat(row.getLong("count")).isEqualTo(77);
            assertThat(row.getLong("bytes")).isEqualTo(7_700);
        }
        assertThat(dataDir.resolve("data")).isDirectory();
    }
}
