package io.tally.standalone;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally broker}: the bundled Kafka broker (KRaft, no ZooKeeper) in the foreground until Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run the bundled Kafka broker (KRaft broker + controller in this JVM) until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            paramLabel = "PORT",
            description = "Client listener port of the first node; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the log and metadata live; kept across restarts (default: ~/.tally/broker).")
    Path dataDir;

    @Option(
            names = "--nodes",
            defaultValue = "1",
            paramLabel = "N",
            description = "Broker+controller nodes, each on the next free ports (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : DataDirs.defaultFor("broker");
        BrokerConfig config = BrokerConfig.builder()
                .dataDir(dir)
                .listenerPort(kafkaPort)
                .nodes(nodes)
                .build();
        BundledBroker broker = BundledBroker.start(config);
        System.out.printf(
                "Kafka broker ready: bootstrap.servers=%s (%d node%s, cluster %s, data in %s)%n",
                broker.bootstrapServers(),
                broker.nodeCount(),
                broker.nodeCount() == 1 ? "" : "s",
                broker.clusterId(),
                broker.dataDir());
        ForegroundService.runUntilStopped("the broker", broker);
        return 0;
    }
}
