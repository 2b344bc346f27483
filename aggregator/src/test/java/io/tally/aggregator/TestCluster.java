package io.tally.aggregator;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * One bundled broker and one Flink MiniCluster per test JVM, started on first use and stopped at exit. Tests
 * isolate themselves by topic names and consumer groups.
 */
final class TestCluster {
    static final int SLOTS = 8;
    private static BundledBroker broker;
    private static MiniCluster flink;

    private TestCluster() {}

    static synchronized String bootstrapServers() {
        start();
        return broker.bootstrapServers();
    }

    static synchronized MiniCluster flink() {
        start();
        return flink;
    }

    /**
     * @param name names the test's own topics ({@code tally.NAME.audit}, {@code .aggregates}, {@code .dlq}) and group
     * @return settings for a test on this cluster at parallelism 2, with checkpoints every second
     */
    static AggregatorConfig config(String name, long bucketMs, Duration emitInterval) {
        return AggregatorConfig.defaults()
                .with(SharedSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers())
                .with(SharedSettings.AUDIT_TOPIC, "tally." + name + ".audit")
                .with(SharedSettings.AGGREGATES_TOPIC, "tally." + name + ".aggregates")
                .with(SharedSettings.DLQ_TOPIC, "tally." + name + ".dlq")
                .with(AggregatorConfig.GROUP_ID, name)
                .with(SharedSettings.BUCKET_MS, bucketMs)
                .with(AggregatorConfig.PARALLELISM, 2)
                .with(AggregatorConfig.EMIT_INTERVAL_MS, emitInterval)
                .with(AggregatorConfig.CHECKPOINT_INTERVAL_MS, Duration.ofSeconds(1));
    }

    /** @return an environment that submits to the shared MiniCluster with these Flink settings */
    static StreamExecutionEnvironment environment(Configuration settings, int parallelism) {
        return new TestStreamEnvironment(flink(), settings, parallelism, List.of(), List.of());
    }

    private static void start() {
        if (broker != null) {
            return;
        }
        try {
            broker = BundledBroker.start(BrokerConfig.builder().listenerPort(0).build());
            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(16));
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(64));
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(64));
            flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(SLOTS)
                    .build());
            flink.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test cluster", e);
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                flink.close();
                            } catch (Exception ignored) {
                                // exiting anyway
                            }
                            broker.close();
                        },
                        "test-cluster-shutdown"));
    }
}
