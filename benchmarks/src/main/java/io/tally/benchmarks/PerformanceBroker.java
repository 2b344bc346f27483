package io.tally.benchmarks;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BundledBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The bundled broker as the end-to-end harnesses use it: in this JVM (pinned to CPU 0 on request, before the
 * broker's threads start, so that they inherit it), its data on {@code /dev/shm} when there is one (so that the page
 * cache's write-back of earlier runs does not land in later ones), deleted topics' files removed at once, and the
 * audit topic created up front.
 */
final class PerformanceBroker implements AutoCloseable {
    static final int PARTITIONS = 3;

    private final BundledBroker broker;
    private final Admin admin;
    private final Path dataDir;
    private int topics;

    private PerformanceBroker(BundledBroker broker, Admin admin, Path dataDir) {
        this.broker = broker;
        this.admin = admin;
        this.dataDir = dataDir;
    }

    static PerformanceBroker start(boolean pin) throws Exception {
        if (pin) {
            ProcessCpu.pinThisProcess(0);
        }
        BrokerConfig.Builder config =
                BrokerConfig.builder().listenerPort(0).kafkaProperty("log.segment.delete.delay.ms", "0");
        Path shm = Path.of("/dev/shm");
        Path dataDir = null;
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            dataDir = Files.createTempDirectory(shm, "tally-perf-");
            config.dataDir(dataDir);
        } else {
            config.temporaryDataDir();
        }
        BundledBroker broker = BundledBroker.start(config.build());
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("tally.audit", PARTITIONS, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        return new PerformanceBroker(broker, admin, dataDir);
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    boolean onTmpfs() {
        return dataDir != null;
    }

    /** @return the name of a new, empty topic */
    String createTopic() throws Exception {
        String topic = "perf-" + topics++;
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        return topic;
    }

    void deleteTopic(String topic) throws Exception {
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }

    /** @return the records appended to each of {@code topics} so far (the sum of their partitions' end offsets) */
    Map<String, Long> records(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = topics.stream()
                .flatMap(t -> IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(t, p)))
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        var offsets = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        return topics.stream()
                .collect(Collectors.toMap(
                        Function.identity(),
                        t -> offsets.entrySet().stream()
                                .filter(e -> e.getKey().topic().equals(t))
                                .mapToLong(e -> e.getValue().offset())
                                .sum()));
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
            broker.close();
        } finally {
            if (dataDir != null) {
                try (Stream<Path> paths = Files.walk(dataDir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                } catch (IOException e) {
                    System.err.println("could not delete " + dataDir + ": " + e);
                }
            }
        }
    }
}
