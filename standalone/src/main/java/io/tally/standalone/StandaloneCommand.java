package io.tally.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally standalone}: every role in one JVM, Cassandra beside it, until Ctrl-C. */
@Command(
        name = "standalone",
        mixinStandardHelpOptions = true,
        description = {
            "Run all of Tally on this machine until Ctrl-C: the bundled Kafka broker, the aggregator "
                    + "(Flink MiniCluster), the reconciler, the API and dashboard, and a local Cassandra node as a "
                    + "child process. Running it again on the same --data-dir resumes where it stopped."
        })
final class StandaloneCommand implements Callable<Integer> {

    @Option(
            names = "--bucket",
            defaultValue = "60s",
            paramLabel = "DURATION",
            description = "Event-time bucket size; set the agents' tally.bucket.ms to the same (default: "
                    + "${DEFAULT-VALUE}).")
    Duration bucket;

    @Option(
            names = "--grace",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description = "How long after a bucket's end counts may still arrive before it is judged (default: "
                    + "${DEFAULT-VALUE}).")
    Duration grace;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            paramLabel = "PORT",
            description = "Kafka's client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--api-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Port of the API and dashboard; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
            names = "--cassandra-port",
            defaultValue = "9042",
            paramLabel = "PORT",
            description = "Cassandra's CQL port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int cassandraPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where everything is kept, across restarts (default: ~/.tally/standalone).")
    Path dataDir;

    @Option(
            names = "--api-token",
            paramLabel = "TOKEN",
            description = "Require this bearer token on the API (not /health); may be repeated.")
    List<String> apiTokens = new ArrayList<>();

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : DataDirs.defaultFor("standalone");
        Standalone tally = Standalone.start(
                new Standalone.Options(
                        bucket, grace, kafkaPort, apiPort, cassandraPort, dir, apiTokens, settings.load()),
                System.out);
        Standalone.Endpoints e = tally.endpoints();
        System.out.printf(
                "%nTally is running (data in %s):%n"
                        + "  Kafka      %s%n"
                        + "  Cassandra  %s%n"
                        + "  API        %s/api/v1%s%n"
                        + "  Dashboard  %s/%n"
                        + "Audit a client: put audit-agent/target/tally-agent.jar on its class path and set%n"
                        + "  bootstrap.servers=%s%n"
                        + "  interceptor.classes=io.tally.agent.AuditProducerInterceptor   (consumers: "
                        + "io.tally.agent.AuditConsumerInterceptor)%n"
                        + "  tally.bucket.ms=%d%n"
                        + "Then: ./tally query --url %s%n",
                e.dataDir(),
                e.kafka(),
                e.cassandra(),
                e.api(),
                apiTokens.isEmpty() ? "" : " (bearer token required)",
                e.api(),
                e.kafka(),
                bucket.toMillis(),
                e.api());
        return ForegroundService.runUntilStopped("Tally", tally, tally.failed());
    }
}
