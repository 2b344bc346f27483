package io.tally.standalone;

import io.tally.aggregator.AggregatorConfig;
import io.tally.aggregator.LocalAggregator;
import io.tally.core.settings.SharedSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally aggregator}: the Flink jobs on a local MiniCluster against any Kafka, until Ctrl-C. */
@Command(
        name = "aggregator",
        mixinStandardHelpOptions = true,
        description = {
            "Run the aggregation and log-tier Flink jobs on a local MiniCluster against a Kafka cluster, "
                    + "until Ctrl-C. Settings: see aggregator/README.md.",
            "For a Flink cluster use aggregator/target/tally-aggregator-job.jar with 'flink run' instead."
        })
final class AggregatorCommand implements Callable<Integer> {

    // No picocli default: a flag left out must not hide the same setting given by the environment or a file.
    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: tally.kafka.bootstrap.servers, else localhost:9092).")
    String kafka;

    @Option(
            names = "--bucket",
            paramLabel = "DURATION",
            description = "Event-time bucket size, the same as the agents' tally.bucket.ms (default: "
                    + SharedSettings.DEFAULT_BUCKET_MS / 1_000 + "s).")
    Duration bucket;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where checkpoints are kept, to resume after a restart (default: ~/.tally/aggregator).")
    Path dataDir;

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        Map<String, String> values = values(System.getenv());
        Path dir = dataDir != null ? dataDir : DataDirs.defaultFor("aggregator");
        values.putIfAbsent(
                AggregatorConfig.CHECKPOINT_DIR,
                dir.resolve("checkpoints").toUri().toString());
        AggregatorConfig config = AggregatorConfig.fromProperties(values);
        LocalAggregator aggregator = LocalAggregator.start(config);
        System.out.printf(
                "Aggregator running against %s%s (checkpoints in %s)%n",
                config.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS),
                aggregator.restoredFrom().map(c -> ", resumed from " + c).orElse(""),
                dir);
        return ForegroundService.runUntilStopped("the aggregator", aggregator, aggregator.failed());
    }

    /** @return the settings of {@code environment}, --config and --set, with this command's flags on top */
    Map<String, String> values(Map<String, String> environment) throws IOException {
        Map<String, String> values = settings.load(environment);
        if (kafka != null) {
            values.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, kafka);
        }
        if (bucket != null) {
            values.put(SharedSettings.BUCKET_MS, String.valueOf(bucket.toMillis()));
        }
        return values;
    }
}
