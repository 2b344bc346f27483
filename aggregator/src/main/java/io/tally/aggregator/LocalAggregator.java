package io.tally.aggregator;

import io.tally.aggregator.internal.kafka.CheckpointCluster;
import io.tally.aggregator.internal.kafka.KafkaClients;
import io.tally.aggregator.internal.kafka.TopicSetup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the aggregation and log-tier pipelines as one job on a Flink MiniCluster inside this JVM, against any Kafka
 * cluster: what {@code ./tally aggregator} and the one-JVM {@code standalone} mode use. With
 * {@link AggregatorConfig#CHECKPOINT_DIR} set to a local {@code file://} directory, a new instance resumes from the
 * newest checkpoint found there — only against the Kafka cluster those checkpoints belong to (the folder remembers
 * its id): resuming against another one is refused with how to start fresh.
 *
 * <pre>{@code
 * try (LocalAggregator aggregator = LocalAggregator.start(AggregatorConfig.defaults()
 *         .with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} cancels the job (its checkpoints are kept) and shuts the MiniCluster down.
 */
public final class LocalAggregator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAggregator.class);
    /** Name of the job that runs both pipelines. */
    public static final String JOB_NAME = "tally-aggregator";

    private final JobClient job;
    private final String restoredFrom;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private volatile boolean closing;

    private LocalAggregator(JobClient job, String restoredFrom) {
        this.job = job;
        this.restoredFrom = restoredFrom;
        job.getJobExecutionResult().whenComplete((result, error) -> {
            if (!closing) {
                failed.complete(
                        error != null ? error : new IllegalStateException("the aggregator job ended by itself"));
            }
        });
    }

    /**
     * Creates Tally's topics if needed and starts both pipelines; returns once the job is submitted.
     *
     * @throws io.tally.core.RetriableTallyException if Kafka cannot be reached to create the topics
     * @throws io.tally.core.TallyException          if the job cannot be started
     */
    public static LocalAggregator start(AggregatorConfig config) {
        Jobs.ensureTopics(config);
        Configuration flink = Jobs.flinkSettings(config);
        String dir = config.getString(AggregatorConfig.CHECKPOINT_DIR);
        String restore = latestCheckpoint(dir).orElse(null);
        Optional<Path> local = localDir(dir);
        if (local.isPresent()) {
            CheckpointCluster.bind(
                    local.get(), TopicSetup.clusterId(config), KafkaClients.bootstrapServers(config), restore != null);
        }
        if (restore != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
            // the state of an operator this build no longer has (an earlier layout of the sums) is dropped, not fatal
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            LOG.info("resuming from checkpoint {}", restore);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        Jobs.configure(env, config);
        AggregationJob.addTo(env, config);
        LogTierJob.addTo(env, config);
        try {
            return new LocalAggregator(env.executeAsync(JOB_NAME), restore);
        } catch (Exception e) {
            throw new io.tally.core.TallyException("cannot start the aggregator job: " + e.getMessage(), e);
        }
    }

    /** @return the running job */
    public JobClient job() {
        return job;
    }

    /**
     * Completes, with the cause, if the job ends while this aggregator is not being closed: it failed more often
     * than {@link AggregatorConfig#MAX_RESTARTS} allows, or ended by itself. Never completes otherwise.
     */
    public CompletableFuture<Throwable> failed() {
        return failed;
    }

    /** @return the checkpoint this instance resumed from, if any */
    public Optional<String> restoredFrom() {
        return Optional.ofNullable(restoredFrom);
    }

    /** Cancels the job and waits up to 30 s for it; the MiniCluster shuts down with it. */
    @Override
    public void close() {
        closing = true;
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | IllegalStateException e) {
            LOG.debug("job already ended", e); // a job that failed has taken its MiniCluster down with it
        } catch (TimeoutException e) {
            LOG.warn("the aggregator job did not cancel within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the newest complete checkpoint ({@code chk-N} with a {@code _metadata} file) under a local dir */
    static Optional<String> latestCheckpoint(String dir) {
        Optional<Path> local = localDir(dir);
        if (local.isEmpty() || !Files.isDirectory(local.get())) {
            return Optional.empty();
        }
        Path root = local.get();
        try (Stream<Path> files = Files.find(
                root,
                3,
                (p, a) -> p.getFileName().toString().equals("_metadata")
                        && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparing(LocalAggregator::modified))
                    .map(p -> p.getParent().toUri().toString());
        } catch (IOException e) {
            LOG.warn("cannot look for checkpoints in {}: {}", root, e.toString());
            return Optional.empty();
        }
    }

    /** @return the folder of a checkpoint setting on the local file system, or empty (none, or s3://, hdfs://...) */
    private static Optional<Path> localDir(String dir) {
        if (dir == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(dir.contains("://") ? Path.of(URI.create(dir)) : Path.of(dir));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty(); // not a local file system: nothing to resume from here
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
