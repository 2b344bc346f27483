package io.tally.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Reads what Tally found through the API, as a user would, and prints it: each discrepancy once, when it first
 * appears, and a progress line now and then (what was produced and read, how many buckets each group has
 * COMPLETE, the discrepancies so far by kind).
 */
final class DemoWatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int IDS_SHOWN = 3;

    private final URI api;
    private final String topic;
    private final long since;
    private final PrintStream out;
    private final LongSupplier elapsedSeconds;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Each discrepancy's figures as last printed, by id. */
    private final Map<String, String> seen = new HashMap<>();

    private final Map<String, Integer> kinds = new TreeMap<>();

    DemoWatcher(URI api, String topic, long since, PrintStream out, LongSupplier elapsedSeconds) {
        this.api = api;
        this.topic = topic;
        this.since = since;
        this.out = out;
        this.elapsedSeconds = elapsedSeconds;
    }

    /**
     * Prints the discrepancies that appeared since the last call, and those whose figures changed (late counts
     * arrived: a bucket is judged again when its aggregates change) or that were resolved.
     */
    void printNew() throws IOException, InterruptedException {
        JsonNode page = get("/api/v1/discrepancies?topic=" + topic + "&limit=500");
        List<JsonNode> items = new ArrayList<>();
        page.get("items").forEach(items::add);
        items.sort((a, b) ->
                Long.compare(a.get("bucketStart").asLong(), b.get("bucketStart").asLong()));
        kinds.clear();
        for (JsonNode d : items) {
            String kind = d.get("status").asText().equals("RESOLVED")
                    ? "resolved"
                    : d.get("kind").asText();
            kinds.merge(kind, 1, Integer::sum);
            String figures = kind + " " + describe(d);
            String before = seen.put(d.get("id").asText(), figures);
            if (figures.equals(before)) {
                continue;
            }
            String what = before == null ? "found" : kind.equals("resolved") ? "resolved" : "now";
            out.printf(
                    "[%3ds] %-8s %-11s bucket %s  %s → %s: %s%n",
                    elapsedSeconds.getAsLong(),
                    what,
                    d.get("kind").asText(),
                    CLOCK.format(Instant.ofEpochMilli(d.get("bucketStart").asLong())),
                    d.get("upstreamTier").asText(),
                    d.get("downstreamTier").asText(),
                    describe(d));
        }
    }

    /** Prints one line of progress: the clients' figures, the buckets each edge has COMPLETE, what was found. */
    void printProgress(long produced, Map<String, Long> readByGroup) throws IOException, InterruptedException {
        Map<String, Integer> complete = completeByConsumer();
        List<String> groups = new ArrayList<>();
        readByGroup.forEach((group, read) -> {
            int buckets = complete.getOrDefault("consumer." + group, 0);
            groups.add(group + " " + read
                    + (buckets > 0 ? " (" + buckets + (buckets == 1 ? " bucket" : " buckets") + " COMPLETE)" : ""));
        });
        out.printf(
                "[%3ds] produced %d; read: %s; found so far: %s%n",
                elapsedSeconds.getAsLong(),
                produced,
                String.join(", ", groups),
                kinds.isEmpty() ? "nothing yet" : found());
    }

    /** What was found so far, in words: {@code 2 LOSS, 1 DUPLICATION, 1 resolved}. */
    String found() {
        return kinds.isEmpty()
                ? "no discrepancy"
                : kinds.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
    }

    private Map<String, Integer> completeByConsumer() throws IOException, InterruptedException {
        JsonNode report;
        try {
            report = get("/api/v1/topics/" + topic + "/buckets?from=" + since);
        } catch (IllegalStateException e) {
            return Map.of(); // 404 until the topic has data
        }
        Map<String, Integer> complete = new TreeMap<>();
        for (JsonNode bucket : report.get("buckets")) {
            for (JsonNode edge : bucket.get("edges")) {
                if ("COMPLETE".equals(edge.path("verdict").asText())) {
                    complete.merge(edge.get("downstreamTier").asText(), 1, Integer::sum);
                }
            }
        }
        return complete;
    }

    private static String describe(JsonNode d) {
        long missing = d.get("missing").asLong();
        long duplicated = d.get("duplicated").asLong();
        return switch (d.get("kind").asText()) {
            case "LOSS" -> missing + " missing" + ids(d.get("lostIds"), missing, "lost");
            case "DUPLICATION" -> duplicated + " extra" + ids(d.get("duplicatedIds"), duplicated, "duplicated");
            case "MIXED" ->
                missing + " missing" + ids(d.get("lostIds"), missing, "lost") + ", " + duplicated + " extra";
            default -> d.get("detail").asText();
        };
    }

    private static String ids(JsonNode ids, long total, String what) {
        if (ids.isEmpty()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(IDS_SHOWN, ids.size()); i++) {
            shown.add(ids.get(i).asText());
        }
        long more = Math.max(total, ids.size()) - shown.size();
        return ", " + what + " ids " + String.join(" ", shown) + (more > 0 ? " +" + more + " more" : "");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(api.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
