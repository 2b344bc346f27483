package io.tally.standalone;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally broker}: the bundled Kafka broker (KRaft, no ZooKeeper) in the foreground until Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run the bundled Kafka broker (KRaft broker + controller in this JVM) until Ctrl-C. "
                + "tally.broker.sasl.* settings make it require SASL/SCRAM.")
final class BrokerCommand implements Callable<Integer> {

    // No picocli defaults: a flag left out must not hide the same setting given by the environment or a file.
    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description = "Client listener port of the first node; 0 picks a free one (default: "
                    + "tally.broker.listener.port, else 9092).")
    Integer kafkaPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the log and metadata live; kept across restarts (default: tally.broker.data.dir, "
                    + "else ~/.tally/broker).")
    Path dataDir;

    @Option(
            names = "--nodes",
            paramLabel = "N",
            description = "Broker+controller nodes, each on the next free ports (default: tally.broker.nodes, else 1).")
    Integer nodes;

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        BrokerConfig config = BrokerConfig.fromProperties(values(System.getenv()));
        BundledBroker broker = BundledBroker.start(config);
        System.out.printf(
                "Kafka broker ready: bootstrap.servers=%s (%d node%s, cluster %s, data in %s)%n%s",
                broker.bootstrapServers(),
                broker.nodeCount(),
                broker.nodeCount() == 1 ? "" : "s",
                broker.clusterId(),
                broker.dataDir(),
                KafkaLogin.lines(config.sasl(), "  "));
        ForegroundService.runUntilStopped("the broker", broker);
        return 0;
    }

    /** @return the settings of {@code environment}, --config and --set, with the flags given on top */
    Map<String, String> values(Map<String, String> environment) throws IOException {
        Map<String, String> values = settings.load(environment);
        if (dataDir != null) {
            values.put(BrokerConfig.DATA_DIR, dataDir.toString());
        }
        values.putIfAbsent(BrokerConfig.DATA_DIR, DataDirs.defaultFor("broker").toString());
        if (kafkaPort != null) {
            values.put(BrokerConfig.LISTENER_PORT, String.valueOf(kafkaPort));
        }
        if (nodes != null) {
            values.put(BrokerConfig.NODES, String.valueOf(nodes));
        }
        return values;
    }
}
