package io.tally.standalone;

import io.tally.reconciler.ReconcilerConfig;
import io.tally.reconciler.ReconcilerService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tally reconciler}: judges every edge and bucket, stores verdicts in Cassandra, alerts; until Ctrl-C. */
@Command(name = "reconciler", mixinStandardHelpOptions = true,
        description = "Run the reconciler against a Kafka cluster and a Cassandra cluster until Ctrl-C: it reads "
                + "tally.aggregates, stores aggregates and verdicts, and alerts. Settings: see reconciler/README.md.")
final class ReconcilerCommand implements Callable<Integer> {

    @Option(names = "--kafka", defaultValue = "localhost:9092", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String kafka;

    @Option(names = "--cassandra", defaultValue = "localhost:9042", paramLabel = "HOST[:PORT][,...]",
            description = "Cassandra contact points (default: ${DEFAULT-VALUE}).")
    String cassandra;

    @Option(names = "--grace", paramLabel = "DURATION",
            description = "How long after a bucket's end (and the downstream watermark passing it) it is judged.")
    Duration grace;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST alerts to this URL as JSON with a Slack-compatible 'text'.")
    String webhook;

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        Map<String, String> values = settings.load();
        values.put(ReconcilerConfig.BOOTSTRAP_SERVERS, kafka);
        values.put(ReconcilerConfig.CASSANDRA_CONTACT_POINTS, cassandra);
        if (grace != null) {
            values.put(ReconcilerConfig.PREFIX + "grace.ms", String.valueOf(grace.toMillis()));
        }
        if (webhook != null) {
            values.put(ReconcilerConfig.PREFIX + "alert.webhook.url", webhook);
        }
        ReconcilerService reconciler = ReconcilerService.builder(ReconcilerConfig.fromProperties(values)).build().start();
        System.out.printf("Reconciler running: Kafka %s, Cassandra %s%n", kafka, cassandra);
        ForegroundService.runUntilStopped("the reconciler", () -> {
            System.out.println("Counters: " + reconciler.stats());
            reconciler.close();
        });
        return 0;
    }
}
