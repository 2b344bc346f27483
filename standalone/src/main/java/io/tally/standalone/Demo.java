package io.tally.standalone;

import io.tally.api.ApiConfig;
import io.tally.broker.BrokerConfig;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.LocalCassandraConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code tally demo}: a {@link Standalone} in a fresh temporary folder with short buckets, the {@link DemoPipeline}
 * running through it, and a {@link DemoWatcher} printing what Tally finds. Closed in order: the pipeline (its agents
 * flush), then Tally, then the folder is deleted.
 */
final class Demo implements AutoCloseable {
    static final Duration BUCKET = Duration.ofSeconds(10);
    static final Duration GRACE = Duration.ofSeconds(5);
    static final Duration LATENCY_SLA = Duration.ofSeconds(10);
    private static final long WATCH_INTERVAL_MS = 2_000;
    private static final long PROGRESS_INTERVAL_MS = 15_000;

    private final PrintStream out;
    private final Path dir;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long pipelineStartNanos = System.nanoTime();
    private Standalone tally;
    private DemoPipeline pipeline;

    private Demo(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /**
     * Runs the demo until {@code duration} has passed (null: until the JVM is stopped), then cleans up.
     *
     * @return the exit status: 0
     */
    static int run(int apiPort, Duration duration, PrintStream out) throws IOException, InterruptedException {
        Demo demo = new Demo(Files.createTempDirectory("tally-demo-"), out);
        Thread hook = new Thread(demo::close, "tally-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            demo.start(apiPort);
            demo.watch(duration);
        } finally {
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is stopping: the hook has closed the demo
            }
        }
        return 0;
    }

    private void start(int apiPort) {
        out.printf("Tally demo: everything runs on this machine, in %s (deleted at the end).%n", dir);
        tally = Standalone.start(
                new Standalone.Options(
                        dir.resolve("tally"),
                        Map.of(
                                SharedSettings.BUCKET_MS,
                                String.valueOf(BUCKET.toMillis()),
                                ReconcilerConfig.GRACE_MS,
                                String.valueOf(GRACE.toMillis()),
                                BrokerConfig.LISTENER_PORT,
                                "0",
                                LocalCassandraConfig.CQL_PORT,
                                "0",
                                ApiConfig.PORT,
                                String.valueOf(apiPort),
                                "tally.aggregator.checkpoint.interval.ms",
                                "2000",
                                "tally.aggregator.log.flush.interval.ms",
                                "1000",
                                ReconcilerConfig.LATENCY_SLA_MS,
                                String.valueOf(LATENCY_SLA.toMillis()),
                                ReconcilerConfig.ALERT_HOLD_MS,
                                "5000",
                                ReconcilerConfig.ALERT_LOG,
                                "false")),
                out);
        String api = tally.endpoints().api();
        out.printf(
                "%nTally is running.  Dashboard: %s/   Kafka: %s%n",
                api, tally.endpoints().kafka());
        out.printf("Try, in another terminal:  ./tally query --url %s --topic %s%n%n", api, DemoPipeline.TOPIC);
        out.printf(
                "The pipeline: a producer writes %d orders/s to the topic '%s' (%d partitions); four consumer groups"
                        + " read it.%n",
                DemoPipeline.RECORDS_PER_SECOND, DemoPipeline.TOPIC, DemoPipeline.PARTITIONS);
        out.printf(
                "  %-10s keeps up                                                  → COMPLETE%n", DemoPipeline.HEALTHY);
        out.printf(
                "  %-10s is down for 20 s, and records it has not read are deleted  → LOSS, naming the lost ids%n",
                DemoPipeline.LOSSY);
        out.printf(
                "  %-10s has its offsets reset back, and reads records again        → DUPLICATION%n",
                DemoPipeline.REPLAYING);
        out.printf(
                "  %-10s polls every %d s, over the latency SLA of %d s              → LATENCY%n",
                DemoPipeline.SLOW, DemoPipeline.SLOW_POLL_INTERVAL.toSeconds(), LATENCY_SLA.toSeconds());
        out.printf(
                "Buckets are %d s long; a bucket is judged once every tier has passed its end + %d s.%n%n",
                BUCKET.toSeconds(), GRACE.toSeconds());
        pipelineStartNanos = System.nanoTime(); // the script's seconds count from here
        pipeline = new DemoPipeline(tally.endpoints().kafka(), BUCKET.toMillis(), out, this::elapsedSeconds);
        pipeline.start();
    }

    private long elapsedSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - pipelineStartNanos);
    }

    private void watch(Duration duration) throws InterruptedException {
        long since = System.currentTimeMillis() - BUCKET.toMillis();
        DemoWatcher watcher = new DemoWatcher(
                URI.create(tally.endpoints().api()), DemoPipeline.TOPIC, since, out, this::elapsedSeconds);
        long end = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
        long nextProgress = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS);
        while (!closed.get() && System.nanoTime() < end) {
            try {
                watcher.printNew();
                if (System.nanoTime() >= nextProgress) {
                    watcher.printProgress(pipeline.produced(), pipeline.readByGroup());
                    nextProgress += TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS);
                }
            } catch (IOException | IllegalStateException e) {
                if (!closed.get()) {
                    out.println("tally demo: reading the API failed (will retry): " + e.getMessage());
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            Thread.sleep(Math.max(1, Math.min(WATCH_INTERVAL_MS, left)));
        }
        if (!closed.get()) {
            out.printf("%nThe demo ran for %d s; Tally found %s.%n", duration.toSeconds(), watcher.found());
        }
    }

    /** Stops the pipeline, then Tally, then deletes the folder; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        out.println("Stopping the demo...");
        if (pipeline != null) {
            pipeline.close();
        }
        if (tally != null) {
            tally.close();
        }
        deleteTree(dir);
        out.println("Stopped; " + dir + " deleted.");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("tally demo: could not delete " + root + ": " + e.getMessage());
        }
    }
}
