package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.testing.Eventually;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally standalone} as a user runs it, in a child JVM, auditing an application that is not part of Tally:
 * Kafka's own console producer and consumer, with the agent jar on their class path and the interceptors set in their
 * properties. Records deleted before the consumer's group read them must show up as LOSS with the right count and
 * ids; SIGTERM must stop everything within 30 s; a restart on the same folder must keep the discrepancies as they
 * were and send no alert again; and {@code kill -9} must leave no process behind.
 */
class StandaloneProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOPIC = "payments";
    private static final String GROUP = "ledger";
    private static final long BUCKET_MS = 5_000;
    private static final Path TOOLS = Path.of("target", "console-tools").toAbsolutePath();
    private static final Path AGENT = Path.of("..", "audit-agent", "target", "tally-agent.jar")
            .toAbsolutePath()
            .normalize();

    @Test
    void audits_the_console_tools_stops_on_sigterm_resumes_and_leaves_no_orphan(@TempDir Path work) throws Exception {
        Path data = work.resolve("data");
        int kafkaPort = freePort();
        int apiPort = freePort();
        String kafka = "127.0.0.1:" + kafkaPort;
        URI api = URI.create("http://localhost:" + apiPort);
        Path producerConfig = write(
                work.resolve("producer.properties"), "interceptor.classes", "io.tally.agent.AuditProducerInterceptor");
        Path consumerConfig = write(
                work.resolve("consumer.properties"),
                "interceptor.classes",
                "io.tally.agent.AuditConsumerInterceptor",
                "group.id",
                GROUP);

        Set<String> lostIds;
        Set<String> namedIds;
        Set<String> discrepancyIds;
        try (ChildTally tally = startStandalone(data, kafkaPort, apiPort)) {
            AuditedClients.createTopic(kafka, TOPIC, 3);
            Process producer = tool(
                    work,
                    "producer",
                    "org.apache.kafka.tools.ConsoleProducer",
                    "--bootstrap-server",
                    kafka,
                    "--topic",
                    TOPIC,
                    "--command-config",
                    producerConfig.toString());
            Writer lines = new OutputStreamWriter(producer.getOutputStream(), StandardCharsets.UTF_8);
            Process consumer = consoleConsumer(work, kafka, consumerConfig);
            send(lines, 0, 150);
            awaitCommitted(kafka, 150);
            stop(consumer, "the console consumer");

            // the group is down; records it has not read are written, then deleted (retention, say)
            send(lines, 150, 180);
            Map<TopicPartition, Long> ends = awaitEnds(kafka, 180);
            lostIds = LostRecords.idsBetween(kafka, committed(kafka), ends);
            assertThat(lostIds).hasSize(30);
            LostRecords.awaitLogCounted(api, TOPIC, 180);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
                ends.forEach((tp, end) -> delete.put(tp, RecordsToDelete.beforeOffset(end)));
                admin.deleteRecords(delete).all().get();
            }

            // the group comes back and reads on; its offsets are gone, so it starts at the log's new start
            consumer = consoleConsumer(work, kafka, consumerConfig);
            List<JsonNode> losses = List.of();
            Instant deadline = Instant.now().plusSeconds(120);
            for (int next = 180; Instant.now().isBefore(deadline); next += 10) {
                send(lines, next, next + 10);
                losses = losses(api);
                // a bucket judged while counts are still on their way is judged again when they arrive (a known
                // transient: progress can overtake counts in the aggregator); the settled figures must be exact
                if (losses.stream().mapToLong(d -> d.get("missing").asLong()).sum() == lostIds.size()
                        && LostRecords.namedAsFarAsTheDigestCan(LostRecords.named(losses), lostIds)) {
                    break;
                }
                Thread.sleep(1_000);
            }
            assertThat(losses)
                    .as("the deleted records are a LOSS on log → consumer." + GROUP)
                    .isNotEmpty()
                    .allSatisfy(
                            d -> assertThat(d.get("downstreamTier").asText()).isEqualTo("consumer." + GROUP));
            assertThat(losses.stream().mapToLong(d -> d.get("missing").asLong()).sum())
                    .as("missing, in %s; buckets: %s", losses, report(api))
                    .isEqualTo(lostIds.size());
            namedIds = LostRecords.named(losses);
            assertThat(lostIds)
                    .as("the lost ids named are the deleted records' ids")
                    .containsAll(namedIds);
            assertThat(LostRecords.namedAsFarAsTheDigestCan(namedIds, lostIds))
                    .as(
                            "every deleted record's id is named but those the digest cannot tell apart; named %s of %s",
                            namedIds, lostIds)
                    .isTrue();
            discrepancyIds = losses.stream().map(d -> d.get("id").asText()).collect(Collectors.toSet());
            LostRecords.awaitAlerts(kafka, discrepancyIds);

            stop(consumer, "the console consumer");
            lines.close();
            stop(producer, "the console producer");

            List<ProcessHandle> children = tally.descendants();
            assertThat(children).as("Cassandra runs as a child process").isNotEmpty();
            Instant sigterm = Instant.now();
            tally.terminate();
            Optional<Integer> exit = tally.awaitExit(Duration.ofSeconds(30));
            assertThat(exit).as("SIGTERM stops everything within 30 s").isPresent();
            System.out.printf(
                    "standalone stopped %d ms after SIGTERM%n",
                    Duration.between(sigterm, Instant.now()).toMillis());
            assertThat(tally.output())
                    .contains(
                            "Stopped the API",
                            "Stopped the reconciler",
                            "Stopped the aggregator",
                            "Stopped Kafka",
                            "Stopped Cassandra");
            assertThat(tally.output().indexOf("Stopped the API"))
                    .as("stopped in reverse order of start")
                    .isLessThan(tally.output().indexOf("Stopped Kafka"));
            assertThat(tally.output().indexOf("Stopped Kafka"))
                    .isLessThan(tally.output().indexOf("Stopped Cassandra"));
            assertThat(children).as("nothing is left running").noneMatch(ProcessHandle::isAlive);
        }

        try (ChildTally again = startStandalone(data, kafkaPort, apiPort)) {
            // the reconciler re-reads every aggregate and judges the buckets again: nothing new may come of it
            Instant until = Instant.now().plusSeconds(25);
            while (Instant.now().isBefore(until)) {
                List<JsonNode> losses = losses(api);
                assertThat(losses.stream().map(d -> d.get("id").asText()).collect(Collectors.toSet()))
                        .as("the same discrepancies after a restart, each once")
                        .isEqualTo(discrepancyIds);
                assertThat(LostRecords.named(losses)).isEqualTo(namedIds);
                Thread.sleep(1_000);
            }
            assertThat(LostRecords.alertsFor(kafka, discrepancyIds))
                    .as("no alert is sent again after a restart")
                    .isEqualTo(discrepancyIds.size());

            List<ProcessHandle> children = again.descendants();
            assertThat(children).isNotEmpty();
            again.kill();
            assertThat(again.awaitExit(Duration.ofSeconds(30))).isPresent();
            Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(200),
                    "kill -9 to leave no orphan of " + children,
                    () -> children.stream().noneMatch(ProcessHandle::isAlive));
        }
    }

    private static ChildTally startStandalone(Path data, int kafkaPort, int apiPort) throws Exception {
        ChildTally tally = ChildTally.start(
                "standalone",
                "--bucket",
                BUCKET_MS + "ms",
                "--grace",
                "2s",
                "--kafka-port",
                String.valueOf(kafkaPort),
                "--api-port",
                String.valueOf(apiPort),
                "--cassandra-port",
                "0",
                "--data-dir",
                data.toString(),
                "--set",
                "tally.aggregator.checkpoint.interval.ms=1000",
                "--set",
                "tally.aggregator.log.flush.interval.ms=500",
                "--set",
                "tally.reconciler.alert.hold.ms=5000",
                "--set",
                "tally.reconciler.evaluate.interval.ms=200");
        tally.awaitLine("Tally is running", Duration.ofSeconds(180));
        return tally;
    }

    /** One of Kafka's tools, in its own JVM: the tools' jars and the agent jar, nothing of Tally's build besides. */
    private static Process tool(Path work, String name, String mainClass, String... args) throws IOException {
        String classPath;
        try (Stream<Path> jars = Files.list(TOOLS)) {
            classPath = Stream.concat(jars.map(Path::toString), Stream.of(AGENT.toString()))
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        work.resolve(name + "-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    private static Process consoleConsumer(Path work, String kafka, Path config) throws IOException {
        return tool(
                work,
                "consumer",
                "org.apache.kafka.tools.consumer.ConsoleConsumer",
                "--bootstrap-server",
                kafka,
                "--topic",
                TOPIC,
                "--from-beginning",
                "--consumer.config",
                config.toString(),
                "--consumer-property",
                "auto.commit.interval.ms=500",
                "--consumer-property",
                "tally.bucket.ms=" + BUCKET_MS,
                "--consumer-property",
                "tally.flush.interval.ms=500");
    }

    private static Path write(Path file, String... keyValues) throws IOException {
        StringBuilder s = new StringBuilder("tally.bucket.ms=" + BUCKET_MS + "\ntally.flush.interval.ms=500\n");
        for (int i = 0; i < keyValues.length; i += 2) {
            s.append(keyValues[i]).append('=').append(keyValues[i + 1]).append('\n');
        }
        return Files.writeString(file, s.toString());
    }

    private static void send(Writer lines, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            lines.write("payment " + i + "\n");
        }
        lines.flush();
    }

    /** SIGTERM, as a user stops a tool; its agent flushes and says it closed. */
    private static void stop(Process p, String what) throws InterruptedException {
        p.destroy();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                .as(what + " stops")
                .isTrue();
    }

    private static void awaitCommitted(String kafka, long total) throws Exception {
        Eventually.await(
                Duration.ofSeconds(60),
                Duration.ofMillis(300),
                "the console consumer to commit " + total + " records",
                () -> committed(kafka).values().stream()
                        .mapToLong(Long::longValue)
                        .sum(),
                sum -> sum >= total);
    }

    private static Map<TopicPartition, Long> committed(String kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, Long> committed = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                OffsetAndMetadata o = offsets.get(new TopicPartition(TOPIC, p));
                committed.put(new TopicPartition(TOPIC, p), o == null ? 0 : o.offset());
            }
            return committed;
        }
    }

    private static Map<TopicPartition, Long> awaitEnds(String kafka, long total) throws Exception {
        try (KafkaConsumer<byte[], byte[]> c = plainConsumer(kafka)) {
            List<TopicPartition> tps =
                    List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
            return Eventually.await(
                    Duration.ofSeconds(30),
                    Duration.ofMillis(300),
                    "the console producer to write " + total + " records",
                    () -> c.endOffsets(tps),
                    ends -> ends.values().stream().mapToLong(Long::longValue).sum() >= total);
        }
    }

    private static KafkaConsumer<byte[], byte[]> plainConsumer(String kafka) {
        return new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka, "enable.auto.commit", "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private static String report(URI api) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(api.resolve("/api/v1/topics/" + TOPIC + "/buckets?from="
                                        + (System.currentTimeMillis() - 3_600_000)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static List<JsonNode> losses(URI api) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(api.resolve("/api/v1/discrepancies?topic=" + TOPIC + "&limit=100"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(r.body()).get("items").forEach(items::add);
        assertThat(items)
                .as("only the loss: nothing else is wrong with this pipeline")
                .allSatisfy(d -> assertThat(d.get("kind").asText()).isEqualTo("LOSS"));
        return items;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
