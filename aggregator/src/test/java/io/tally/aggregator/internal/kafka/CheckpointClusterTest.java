package io.tally.aggregator.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.TallyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointClusterTest {
    @TempDir
    Path dir;

    @Test
    void a_fresh_start_records_the_cluster_and_resuming_on_it_is_allowed() throws Exception {
        CheckpointCluster.bind(dir.resolve("checkpoints"), "cluster-a", "kafka:9092", false);
        assertThat(Files.readString(dir.resolve("checkpoints").resolve(CheckpointCluster.FILE))
                        .trim())
                .isEqualTo("cluster-a");

        CheckpointCluster.bind(dir.resolve("checkpoints"), "cluster-a", "kafka:9092", true);
    }

    @Test
    void resuming_against_another_cluster_is_refused_with_how_to_start_fresh() {
        CheckpointCluster.bind(dir, "cluster-a", "kafka:9092", false);

        assertThatThrownBy(() -> CheckpointCluster.bind(dir, "cluster-b", "localhost:9092", true))
                .isInstanceOf(TallyException.class)
                .hasMessageContaining("belong to the Kafka cluster cluster-a")
                .hasMessageContaining("localhost:9092 is the cluster cluster-b")
                .hasMessageContaining("To start fresh, delete " + dir);
    }

    @Test
    void starting_fresh_in_a_folder_of_another_cluster_takes_it_over() throws Exception {
        CheckpointCluster.bind(dir, "cluster-a", "kafka:9092", false);
        CheckpointCluster.bind(dir, "cluster-b", "kafka:9092", false); // no checkpoint to resume from
        assertThat(Files.readString(dir.resolve(CheckpointCluster.FILE)).trim()).isEqualTo("cluster-b");
    }
}
