package io.tally.aggregator.internal.kafka;

import io.tally.core.TallyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binds a local checkpoint folder to the Kafka cluster whose offsets and transactions its checkpoints hold. A job
 * resumed from checkpoints of another cluster (a broker whose data folder was recreated, another environment's
 * bootstrap servers) fails at every restore, or reads from offsets that mean nothing there; so resuming against
 * another cluster is refused, with how to start fresh.
 */
public final class CheckpointCluster {
    /** The file in the checkpoint folder that names the cluster. */
    public static final String FILE = "kafka-cluster-id";

    private CheckpointCluster() {}

    /**
     * @param dir       the checkpoint folder
     * @param clusterId the id of the cluster the job runs against now
     * @param bootstrap its bootstrap servers, for the message
     * @param resuming  whether the job is about to resume from a checkpoint in {@code dir}
     * @throws TallyException when resuming from checkpoints that belong to another cluster
     */
    public static void bind(Path dir, String clusterId, String bootstrap, boolean resuming) {
        Path file = dir.resolve(FILE);
        try {
            if (resuming && Files.isRegularFile(file)) {
                String owner = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!owner.equals(clusterId)) {
                    throw new TallyException("the checkpoints in " + dir + " belong to the Kafka cluster " + owner
                            + ", but " + bootstrap + " is the cluster " + clusterId + ": resuming would restore "
                            + "offsets and transactions of another cluster. To start fresh, delete " + dir
                            + " (or use another --data-dir)");
                }
                return;
            }
            Files.createDirectories(dir);
            Files.writeString(file, clusterId + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the Kafka cluster of the checkpoints in " + dir, e);
        }
    }
}
