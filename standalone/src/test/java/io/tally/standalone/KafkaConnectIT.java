package io.tally.standalone;

import static io.tally.standalone.ApiClient.pause;
import static io.tally.standalone.AuditedClients.background;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md, "Frameworks": Kafka Connect as users run it. Two workers of the real {@code connect-runtime} in distributed
 * mode, each in a JVM of its own on the worker's jars and the agent jar, the agent attached by the worker's
 * {@code producer.}/{@code consumer.} settings only. A stock source connector ({@code FileStreamSource}) writes lines
 * of a file to a topic of three partitions; a stock sink connector ({@code FileStreamSink}, two tasks) writes them to
 * another file, committing its offsets on the worker's schedule ({@code offset.flush.interval.ms}), so its tier counts
 * in steps of that interval. One worker is stopped mid-run (its tasks move to the other) and started again (they
 * come back). Then the tiers must agree exactly, every bucket be judged, nothing be alarmed; and records deleted
 * before the sink read them (as retention deletes them) must be a LOSS of the sink's group, alerted, with their ids.
 */
class KafkaConnectIT {
    private static final long BUCKET_MS = 5_000;
    private static final String TOPIC = "lines";
    private static final String SOURCE = "lines-source";
    private static final String SINK = "lines-sink";
    /** The sink's consumer group, as Connect names it. */
    private static final String SINK_GROUP = "connect-" + SINK;

    private static final Path LOGS = Path.of("target", "kafka-connect-it");

    @Test
    void a_source_and_a_sink_on_two_workers_one_restarted_are_judged_complete_and_a_deleted_range_is_a_named_loss(
            @TempDir Path dir) throws Exception {
        Standalone.Options options = AuditedClients.frameworkTally(dir.resolve("tally"), BUCKET_MS, Map.of());
        try (Standalone tally = Standalone.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            URI api = URI.create(tally.endpoints().api());
            String kafka = tally.endpoints().kafka();
            AuditedClients.createTopic(kafka, TOPIC, 3);
            Path in = Files.createFile(dir.resolve("in.txt"));
            Path out = dir.resolve("out.txt");
            int[] ports = {ConnectWorker.freePort(), ConnectWorker.freePort()};
            Map<String, String> worker = worker(kafka);
            GroupWatch watch = new GroupWatch(api, TOPIC, SINK_GROUP);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();

            ConnectWorker[] workers = new ConnectWorker[2];
            try {
                workers[0] = ConnectWorker.start(worker, ports[0], LOGS.resolve("worker-1-run-1.log"));
                workers[1] = ConnectWorker.start(worker, ports[1], LOGS.resolve("worker-2-run-1.log"));
                workers[0].create(
                        SINK,
                        Map.of(
                                "connector.class",
                                "org.apache.kafka.connect.file.FileStreamSinkConnector",
                                "tasks.max",
                                "2",
                                "topics",
                                TOPIC,
                                "file",
                                out.toString()));
                workers[0].awaitTasks(SINK, 2, "RUNNING");
                workers[0].create(
                        SOURCE,
                        Map.of(
                                "connector.class",
                                "org.apache.kafka.connect.file.FileStreamSourceConnector",
                                "tasks.max",
                                "1",
                                "topic",
                                TOPIC,
                                "file",
                                in.toString()));
                workers[0].awaitTasks(SOURCE, 1, "RUNNING");
                Thread writer = background("lines", failures, () -> append(in, writing, written));

                watch.watchFor(10_000);
                // an operator stops a worker: its tasks stop cleanly (the sink commits, the source saves its
                // position) and, after the scheduled rebalance delay, move to the other worker
                workers[1].stop();
                watch.watchFor(15_000);
                workers[1] = ConnectWorker.start(worker, ports[1], LOGS.resolve("worker-2-run-2.log"));
                watch.watchFor(15_000);
                AuditedClients.stop(writing, List.of(writer));
                long lines = written.get();
                awaitSunk(out, lines);
                JsonNode report = watch.awaitAllFinal();
                watch.watchFor(6_000); // past the alert hold
                report = watch.report();

                assertThat(failures).isEmpty();
                assertThat(watch.falseAlarms)
                        .as("losses, duplications, mixes or stalls shown")
                        .isEmpty();
                assertThat(AlertsTopic.open(kafka)).as("alerts").isEmpty();
                assertThat(GroupWatch.total(report, "producer"))
                        .as("the source task's producer counted every line once")
                        .isEqualTo(lines);
                assertThat(GroupWatch.total(report, "log")).isEqualTo(lines);
                assertThat(GroupWatch.total(report, "consumer." + SINK_GROUP))
                        .as("the sink tasks' group counted every line once")
                        .isEqualTo(lines);
                assertThat(watch.groupVerdicts(report, 1)).containsOnly("COMPLETE");

                // retention deletes records the paused sink has not read: a real loss of its group
                workers[0].pause(SINK);
                workers[0].awaitTasks(SINK, 2, "PAUSED");
                awaitCommitted(kafka, LostRecords.ends(kafka, TOPIC));
                Map<TopicPartition, Long> from = LostRecords.ends(kafka, TOPIC);
                appendBurst(in, written, 30);
                Map<TopicPartition, Long> to = awaitEnds(kafka, from, 30);
                Set<String> lostIds = LostRecords.idsBetween(kafka, from, to);
                assertThat(lostIds).hasSize(30);
                LostRecords.awaitLogCounted(api, TOPIC, written.get());
                LostRecords.deleteBefore(kafka, to);
                workers[0].resume(SINK);
                writing.set(true);
                writer = background("lines", failures, () -> append(in, writing, written));

                LostRecords.assertNamedLossAlerted(api, kafka, TOPIC, "log", "consumer." + SINK_GROUP, lostIds);
                AuditedClients.stop(writing, List.of(writer));
                assertThat(failures).isEmpty();
            } finally {
                writing.set(false);
                for (ConnectWorker w : workers) {
                    if (w != null) {
                        w.close();
                    }
                }
            }
        }
    }

    /** The workers' settings: one Connect cluster on Tally's broker, the agent on the tasks' clients. */
    private static Map<String, String> worker(String kafka) {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", kafka);
        w.put("group.id", "tally-connect");
        w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        for (String store : List.of("config", "offset", "status")) {
            w.put(store + ".storage.topic", "connect-" + store);
            w.put(store + ".storage.replication.factor", "1");
        }
        // sink offsets committed every 10 s (60 s by default): the sink's tier counts in steps of that
        w.put("offset.flush.interval.ms", "10000");
        // a stopped worker's tasks move after 5 s (5 min by default)
        w.put("scheduled.rebalance.max.delay.ms", "5000");
        // the agent, by the worker's settings for its tasks' producers and consumers
        w.put("producer.interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        w.put("consumer.interceptor.classes", "io.tally.agent.AuditConsumerInterceptor");
        for (String client : List.of("producer.", "consumer.")) {
            w.put(client + "tally.bucket.ms", String.valueOf(BUCKET_MS));
            w.put(client + "tally.flush.interval.ms", "200");
        }
        w.put("consumer.tally.consumer.partition.idle.ms", "5000");
        return w;
    }

    /** Appends about 100 lines a second to the source's file until told to stop. */
    private static void append(Path in, AtomicBoolean writing, AtomicLong written) {
        try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            while (writing.get()) {
                for (int i = 0; i < 10; i++) {
                    w.write("line " + written.getAndIncrement() + "\n");
                }
                w.flush();
                pause(100);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the sink's file holds every one of the first {@code lines} lines (at least once). */
    private static void awaitSunk(Path out, long lines) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        Set<String> sunk = new HashSet<>();
        while (Instant.now().isBefore(deadline)) {
            sunk = Files.exists(out) ? new HashSet<>(Files.readAllLines(out, StandardCharsets.UTF_8)) : Set.of();
            if (sunk.size() >= lines) {
                break;
            }
            pause(500);
        }
        for (long n = 0; n < lines; n++) {
            assertThat(sunk).as("the sink wrote every line").contains("line " + n);
        }
    }

    /** Waits until the sink's group has committed {@code ends} on every partition. */
    private static void awaitCommitted(String kafka, Map<TopicPartition, Long> ends) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!LostRecords.committed(kafka, SINK_GROUP, TOPIC).equals(ends)) {
            assertThat(Instant.now())
                    .as("the sink commits %s; it has %s", ends, LostRecords.committed(kafka, SINK_GROUP, TOPIC))
                    .isBefore(deadline);
            pause(500);
        }
    }

    /** Waits until the topic holds {@code n} records past {@code from}; returns its ends then. */
    private static Map<TopicPartition, Long> awaitEnds(String kafka, Map<TopicPartition, Long> from, long n) {
        Instant deadline = Instant.now().plusSeconds(60);
        long before = from.values().stream().mapToLong(Long::longValue).sum();
        while (true) {
            Map<TopicPartition, Long> ends = LostRecords.ends(kafka, TOPIC);
            long added = ends.values().stream().mapToLong(Long::longValue).sum() - before;
            if (added >= n) {
                assertThat(added).as("the source wrote each line once").isEqualTo(n);
                return ends;
            }
            assertThat(Instant.now())
                    .as(n + " records written; " + added + " so far")
                    .isBefore(deadline);
            pause(200);
        }
    }

    /** Appends {@code n} lines at once. */
    private static void appendBurst(Path in, AtomicLong written, int n) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("line ").append(written.getAndIncrement()).append('\n');
        }
        Files.writeString(in, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
