package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * {@code tally demo --duration ...} end to end, as a user runs it: a child JVM from the built jar. While it runs, the
 * API must show LOSS (with the lost ids), DUPLICATION and LATENCY on the groups made to have them, and nothing on
 * the healthy group or on producer → log; then it stops by itself and deletes its folder.
 */
class DemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DURATION = Duration.ofSeconds(150);

    @Test
    void shows_loss_duplication_and_latency_and_leaves_the_healthy_group_complete() throws Exception {
        Instant started = Instant.now();
        // port 0: the API binds a free port itself, and the demo prints where
        try (ChildTally demo = ChildTally.start("demo", "--duration", DURATION.toSeconds() + "s", "--api-port", "0")) {
            Matcher folder = demo.awaitLine("in (\\S+) \\(deleted at the end\\)", Duration.ofSeconds(60));
            Path dir = Path.of(folder.group(1));
            URI api = URI.create(demo.awaitLine("Dashboard: (http://\\S+)/", Duration.ofSeconds(150))
                    .group(1));
            List<ProcessHandle> children = demo.descendants();
            assertThat(children).as("Cassandra runs as a child process").isNotEmpty();

            List<JsonNode> found = awaitKinds(api, Set.of("LOSS", "DUPLICATION", "LATENCY"), started.plus(DURATION));
            System.out.printf(
                    "the three kinds were in the API %d s after the demo started%n",
                    Duration.between(started, Instant.now()).toSeconds());

            List<JsonNode> losses = of(found, "LOSS");
            assertThat(losses)
                    .as("losses are the archiver's")
                    .allSatisfy(d ->
                            assertThat(d.get("downstreamTier").asText()).isEqualTo("consumer." + DemoPipeline.LOSSY));
            long missing =
                    losses.stream().mapToLong(d -> d.get("missing").asLong()).sum();
            assertThat(missing)
                    .as("the records deleted before the archiver read them")
                    .isEqualTo((long) DemoPipeline.DELETED_PER_PARTITION * DemoPipeline.PARTITIONS);
            Set<String> lostIds = new HashSet<>();
            losses.forEach(d -> d.get("lostIds").forEach(id -> lostIds.add(id.asText())));
            assertThat(lostIds)
                    .as("every lost id is named")
                    .hasSize((int) missing)
                    .allMatch(id -> id.matches("[0-9a-f]{16}"));

            List<JsonNode> duplicates = of(found, "DUPLICATION");
            assertThat(duplicates)
                    .allSatisfy(d -> assertThat(d.get("downstreamTier").asText())
                            .isEqualTo("consumer." + DemoPipeline.REPLAYING));
            assertThat(duplicates.stream()
                            .mapToLong(d -> d.get("duplicated").asLong())
                            .sum())
                    .isEqualTo((long) DemoPipeline.REPLAYED_PER_PARTITION * DemoPipeline.PARTITIONS);
            assertThat(of(found, "LATENCY"))
                    .extracting(d -> d.get("downstreamTier").asText())
                    .contains("consumer." + DemoPipeline.SLOW);

            JsonNode all = get(api, "/api/v1/discrepancies?topic=" + DemoPipeline.TOPIC + "&limit=500");
            for (JsonNode d : all.get("items")) {
                assertThat(d.get("downstreamTier").asText())
                        .as("the healthy group and the log have no discrepancy: " + d)
                        .isNotIn("consumer." + DemoPipeline.HEALTHY, "log");
                assertThat(d.get("kind").asText())
                        .as("only the kinds the demo makes: " + d)
                        .isIn("LOSS", "DUPLICATION", "LATENCY");
            }
            // the healthy group's buckets keep being judged COMPLETE while the pipeline runs
            long complete = 0;
            Instant until = Instant.now().plusSeconds(60);
            while ((complete = completeBuckets(api, "consumer." + DemoPipeline.HEALTHY, started.toEpochMilli())) < 3
                    && Instant.now().isBefore(until)) {
                Thread.sleep(1_000);
            }
            assertThat(complete).as("the healthy group's buckets are COMPLETE").isGreaterThanOrEqualTo(3);

            Optional<Integer> exit = demo.awaitExit(
                    Duration.between(Instant.now(), started.plus(DURATION)).plusSeconds(90));
            assertThat(exit).as("the demo stops by itself after --duration").contains(0);
            assertThat(demo.output()).contains("Stopped Cassandra", "deleted.");
            assertThat(dir).as("its folder is deleted").doesNotExist();
            assertThat(children).as("no process is left behind").noneMatch(ProcessHandle::isAlive);
        }
    }

    private static List<JsonNode> awaitKinds(URI api, Set<String> kinds, Instant deadline) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            items.clear();
            get(api, "/api/v1/discrepancies?topic=" + DemoPipeline.TOPIC + "&limit=500")
                    .get("items")
                    .forEach(items::add);
            Set<String> seen = new HashSet<>();
            items.forEach(d -> seen.add(d.get("kind").asText()));
            // a bucket's figures can change while late counts arrive (it is judged again); wait until they settle
            boolean settled = sum(of(items, "LOSS"), "missing")
                            == (long) DemoPipeline.DELETED_PER_PARTITION * DemoPipeline.PARTITIONS
                    && sum(of(items, "DUPLICATION"), "duplicated")
                            == (long) DemoPipeline.REPLAYED_PER_PARTITION * DemoPipeline.PARTITIONS;
            if (seen.containsAll(kinds) && settled) {
                return List.copyOf(items);
            }
            Thread.sleep(2_000);
        }
        throw new AssertionError("the API did not show " + kinds + " with "
                + DemoPipeline.DELETED_PER_PARTITION * DemoPipeline.PARTITIONS + " lost and "
                + DemoPipeline.REPLAYED_PER_PARTITION * DemoPipeline.PARTITIONS
                + " duplicated while the demo ran; it had " + items);
    }

    private static long sum(List<JsonNode> items, String field) {
        return items.stream().mapToLong(d -> d.get(field).asLong()).sum();
    }

    private static List<JsonNode> of(List<JsonNode> items, String kind) {
        return items.stream().filter(d -> d.get("kind").asText().equals(kind)).toList();
    }

    private static long completeBuckets(URI api, String tier, long from) throws Exception {
        long complete = 0;
        for (JsonNode b : get(api, "/api/v1/topics/" + DemoPipeline.TOPIC + "/buckets?from=" + from)
                .get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("downstreamTier").asText().equals(tier)
                        && "COMPLETE".equals(e.path("verdict").asText())) {
                    complete++;
                }
            }
        }
        return complete;
    }

    private static JsonNode get(URI api, String path) throws Exception {
        HttpResponse<String> r =
                HTTP.send(HttpRequest.newBuilder(api.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
