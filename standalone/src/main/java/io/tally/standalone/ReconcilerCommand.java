package io.tally.standalone;

import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.reconciler.ReconcilerService;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally reconciler}: judges every edge and bucket, stores verdicts in Cassandra, alerts; until Ctrl-C. */
@Command(
        name = "reconciler",
        mixinStandardHelpOptions = true,
        description = "Run the reconciler against a Kafka cluster and a Cassandra cluster until Ctrl-C: it reads "
                + "tally.aggregates, stores aggregates and verdicts, and alerts. Settings: see reconciler/README.md.")
final class ReconcilerCommand implements Callable<Integer> {

    // No picocli defaults: a flag left out must not hide the same setting given by the environment or a file.
    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: tally.kafka.bootstrap.servers, else localhost:9092).")
    String kafka;

    @Option(
            names = "--cassandra",
            paramLabel = "HOST[:PORT][,...]",
            description =
                    "Cassandra contact points (default: tally.cassandra.contact.points, else " + "localhost:9042).")
    String cassandra;

    @Option(
            names = "--grace",
            paramLabel = "DURATION",
            description = "How long after a bucket's end (and the downstream watermark passing it) it is judged.")
    Duration grace;

    @Option(
            names = "--webhook",
            paramLabel = "URL",
            description = "POST alerts to this URL as JSON with a Slack-compatible 'text'.")
    String webhook;

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        ReconcilerConfig config = ReconcilerConfig.fromProperties(values(System.getenv()));
        ReconcilerService reconciler = ReconcilerService.builder(config).build().start();
        System.out.printf(
                "Reconciler running: Kafka %s, Cassandra %s%n",
                config.getString(SharedSettings.KAFKA_BOOTSTRAP_SERVERS),
                config.getString(SharedSettings.CASSANDRA_CONTACT_POINTS));
        ForegroundService.runUntilStopped("the reconciler", () -> {
            System.out.println("Counters: " + reconciler.stats());
            reconciler.close();
        });
        return 0;
    }

    /** @return the settings of {@code environment}, --config and --set, with this command's flags on top */
    Map<String, String> values(Map<String, String> environment) throws IOException {
        Map<String, String> values = settings.load(environment);
        if (kafka != null) {
            values.put(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, kafka);
        }
        if (cassandra != null) {
            values.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cassandra);
        }
        if (grace != null) {
            values.put(ReconcilerConfig.PREFIX + "grace.ms", String.valueOf(grace.toMillis()));
        }
        if (webhook != null) {
            values.put(ReconcilerConfig.PREFIX + "alert.webhook.url", webhook);
        }
        return values;
    }
}
