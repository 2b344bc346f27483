package io.tally.standalone;

import io.tally.api.ApiConfig;
import io.tally.broker.BrokerConfig;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.LocalCassandraConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    // No picocli defaults: a flag left out must not hide the same setting given by the environment or a file.
    @Option(
            names = "--bucket",
            paramLabel = "DURATION",
            description = "Event-time bucket size; set the agents' tally.bucket.ms to the same (default: "
                    + "tally.bucket.ms, else " + SharedSettings.DEFAULT_BUCKET_MS / 1_000 + "s).")
    Duration bucket;

    @Option(
            names = "--grace",
            paramLabel = "DURATION",
            description = "How long after a bucket's end counts may still arrive before it is judged (default: "
                    + "tally.reconciler.grace.ms, else 10s).")
    Duration grace;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description = "Kafka's client port; 0 picks a free one (default: tally.broker.listener.port, else 9092).")
    Integer kafkaPort;

    @Option(
            names = "--api-port",
            paramLabel = "PORT",
            description = "Port of the API and dashboard; 0 picks a free one (default: tally.api.port, else 8080).")
    Integer apiPort;

    @Option(
            names = "--cassandra-port",
            paramLabel = "PORT",
            description = "Cassandra's CQL port; 0 picks a free one (default: tally.cassandra.cql.port, else 9042).")
    Integer cassandraPort;

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
        Standalone tally = Standalone.start(new Standalone.Options(dir, values(System.getenv())), System.out);
        Standalone.Endpoints e = tally.endpoints();
        System.out.printf(
                "%nTally is running (data in %s):%n"
                        + "  Kafka      %s%n"
                        + "  Cassandra  %s%n"
                        + "  API        %s/api/v1%s%n"
                        + "  Dashboard  %s/%n"
                        + "Audit a client: put audit-agent/target/tally-agent.jar on its class path and set%n"
                        + "  bootstrap.servers=%s%n"
                        + "%s"
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
                KafkaLogin.lines(tally.kafkaSasl(), "  "),
                tally.bucketMs(),
                e.api());
        return ForegroundService.runUntilStopped("Tally", tally, tally.failed());
    }

    /** @return the settings of {@code environment}, --config and --set, with the flags given on top */
    Map<String, String> values(Map<String, String> environment) throws IOException {
        Map<String, String> values = settings.load(environment);
        if (bucket != null) {
            values.put(SharedSettings.BUCKET_MS, String.valueOf(bucket.toMillis()));
        }
        if (grace != null) {
            values.put(ReconcilerConfig.GRACE_MS, String.valueOf(grace.toMillis()));
        }
        if (kafkaPort != null) {
            values.put(BrokerConfig.LISTENER_PORT, String.valueOf(kafkaPort));
        }
        if (apiPort != null) {
            values.put(ApiConfig.PORT, String.valueOf(apiPort));
        }
        if (cassandraPort != null) {
            values.put(LocalCassandraConfig.CQL_PORT, String.valueOf(cassandraPort));
        }
        if (!apiTokens.isEmpty()) {
            values.put(ApiConfig.TOKENS, String.join(",", apiTokens));
        }
        return values;
    }
}
