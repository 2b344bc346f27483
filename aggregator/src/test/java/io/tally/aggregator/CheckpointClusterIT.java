package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.TallyException;
import io.tally.core.settings.SharedSettings;
import io.tally.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trap a new user fell into: {@code ./tally aggregator} (default data folder) against a broker whose data folder
 * had been recreated resumed from checkpoints taken against the old cluster and failed at every restore, silently.
 * Checkpoints now remember their cluster: resuming on it works, resuming on another is refused at start; and a job
 * whose restore cannot succeed gives up after {@code tally.aggregator.max.restarts}, which {@link
 * LocalAggregator#failed()}
 * reports (the CLI then stops with exit status 1).
 */
class CheckpointClusterIT {
    @TempDir
    Path checkpoints;

    private AggregatorConfig config(String bootstrap) {
        return AggregatorConfig.defaults()
                .with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrap)
                .with(SharedSettings.AUDIT_TOPIC, "tally.cluster-it.audit")
                .with(SharedSettings.AGGREGATES_TOPIC, "tally.cluster-it.aggregates")
                .with(SharedSettings.DLQ_TOPIC, "tally.cluster-it.dlq")
                .with(AggregatorConfig.GROUP_ID, "cluster-it")
                .with(SharedSettings.LOG_TOPICS, "clusterit\\..*")
                .with(AggregatorConfig.CHECKPOINT_INTERVAL_MS, Duration.ofMillis(500))
                .with(AggregatorConfig.CHECKPOINT_DIR, checkpoints.toUri().toString());
    }

    @Test
    void resumes_on_its_own_cluster_refuses_another_and_gives_up_a_restore_that_cannot_succeed() throws Exception {
        String first = TestCluster.bootstrapServers();
        try (LocalAggregator aggregator = LocalAggregator.start(config(first))) {
            Eventually.await(
                    Duration.ofSeconds(60),
                    Duration.ofMillis(200),
                    "a checkpoint",
                    () -> LocalAggregator.latestCheckpoint(checkpoints.toUri().toString())
                            .isPresent());
            assertThat(aggregator.restoredFrom()).isEmpty();
        }

        try (BundledBroker other =
                BundledBroker.start(BrokerConfig.builder().listenerPort(0).build())) {
            assertThatThrownBy(() -> LocalAggregator.start(config(other.bootstrapServers())))
                    .isInstanceOf(TallyException.class)
                    .hasMessageContaining("belong to the Kafka cluster")
                    .hasMessageContaining(other.bootstrapServers() + " is the cluster")
                    .hasMessageContaining("To start fresh, delete");

            // what happened before the folder remembered its cluster: the restore cannot succeed, and the job
            // now gives up after its allowed restarts instead of restarting for ever, unseen
            Path marker = checkpoints.resolve(io.tally.aggregator.internal.kafka.CheckpointCluster.FILE);
            String owner = java.nio.file.Files.readString(marker);
            java.nio.file.Files.delete(marker);
            try (LocalAggregator lost =
                    LocalAggregator.start(config(other.bootstrapServers()).with(AggregatorConfig.MAX_RESTARTS, 1))) {
                Throwable cause = lost.failed().get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(cause).isNotNull();
            }
            java.nio.file.Files.writeString(marker, owner);
        }

        try (LocalAggregator again = LocalAggregator.start(config(first))) {
            assertThat(again.restoredFrom()).as("its own cluster: resumed").isPresent();
        }
    }
}
