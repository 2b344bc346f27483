package io.tally.standalone;

import static io.tally.standalone.ApiClient.get;
import static io.tally.standalone.ApiClient.pause;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches what a running Tally's API says about one consumer group on one topic: every loss, duplication, mix or
 * stall it ever shows there is kept in {@link #falseAlarms}, for tests whose pipeline loses nothing.
 */
final class GroupWatch {
    private static final Set<String> ALARMS = Set.of("LOSS", "DUPLICATION", "MIXED", "STALLED");
    private final URI api;
    private final String topic;
    private final String tier;
    /** discrepancy id (or "stalled bucketStart") → what the API showed */
    final Map<String, JsonNode> falseAlarms = new ConcurrentHashMap<>();

    GroupWatch(URI api, String topic, String group) {
        this.api = api;
        this.topic = topic;
        this.tier = "consumer." + group;
    }

    /** Records, for {@code ms}, every loss, duplication or stall the API shows on the group. */
    void watchFor(long ms) throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        do {
            JsonNode page = get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500");
            if (page != null) {
                for (JsonNode d : page.get("items")) {
                    boolean onGroup = d.get("downstreamTier").asText().equals(tier);
                    if (onGroup && ALARMS.contains(d.get("kind").asText())) {
                        falseAlarms.putIfAbsent(d.get("id").asText(), d);
                    }
                }
            }
            JsonNode report = get(api, buckets());
            if (report != null) {
                for (JsonNode b : report.get("buckets")) {
                    for (JsonNode e : b.get("edges")) {
                        if (e.get("downstreamTier").asText().equals(tier)
                                && e.get("verdict").asText().equals("STALLED")) {
                            falseAlarms.putIfAbsent(
                                    "stalled " + b.get("bucketStart").asText(), e);
                        }
                    }
                }
            }
            pause(250);
        } while (System.nanoTime() < until);
    }

    /**
     * Waits until every bucket with data has a final verdict on every edge (the log tier is expected from the start,
     * so no bucket is ever judged as producer → group).
     */
    JsonNode awaitAllFinal() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(api, buckets());
            if (last != null && allFinal(last)) {
                return last;
            }
            watchFor(500);
        }
        throw new AssertionError("not every bucket was judged in 90 s; last: " + last);
    }

    /** @return the discrepancies on the group that are not resolved */
    List<JsonNode> openOnGroup() throws Exception {
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode d :
                get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500").get("items")) {
            if (d.get("downstreamTier").asText().equals(tier)
                    && !d.get("status").asText().equals("RESOLVED")) {
                open.add(d);
            }
        }
        return open;
    }

    /** @return how many OPEN alerts the alerts topic holds about the group */
    long alertsOnGroup(String kafka) {
        return AlertsTopic.open(kafka).stream()
                .filter(alert -> alert.get("downstreamTier").asText().equals(tier))
                .count();
    }

    private static boolean allFinal(JsonNode report) {
        boolean any = false;
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (!e.get("isFinal").asBoolean()) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** @return the verdict of the log tier ({@code log} or {@code log.committed}) → the group, for every bucket */
    List<String> groupVerdicts(JsonNode report, int atLeast) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("upstreamTier").asText().startsWith("log")
                        && e.get("downstreamTier").asText().equals(tier)) {
                    out.put(b.get("bucketStart").asText(), e.get("verdict").asText());
                }
            }
        }
        assertThat(out).as("buckets judged on the group").hasSizeGreaterThanOrEqualTo(atLeast);
        return Collections.unmodifiableList(new ArrayList<>(out.values()));
    }

    /** @return the tiers the group is judged against, over every bucket */
    Set<String> upstreamsOfGroup(JsonNode report) {
        Set<String> ups = new java.util.TreeSet<>();
        for (JsonNode b : report.get("buckets")) {
            for (JsonNode e : b.get("edges")) {
                if (e.get("downstreamTier").asText().equals(tier)) {
                    ups.add(e.get("upstreamTier").asText());
                }
            }
        }
        return ups;
    }

    /** Waits up to 90 s until {@code tier} has counted {@code total} records of {@code topic}. */
    static void awaitTotal(URI api, String topic, String tier, long total) throws Exception {
        Eventually.await(
                Duration.ofSeconds(90),
                Duration.ofMillis(500),
                tier + " to count " + total + " records of " + topic + " (the value: what it counted)",
                () -> {
                    JsonNode r = get(
                            api,
                            "/api/v1/topics/" + topic + "/buckets?from=" + (System.currentTimeMillis() - 3_600_000));
                    return r == null ? 0 : total(r, tier);
                },
                counted -> counted >= total);
    }

    /** @return a tier's count summed over every bucket of {@code report} it reported */
    static long total(JsonNode report, String tier) {
        long sum = 0;
        for (JsonNode b : report.get("buckets")) {
            JsonNode figures = b.get("tiers").get(tier);
            if (figures != null && !figures.isNull()) {
                sum += figures.get("count").asLong();
            }
        }
        return sum;
    }

    /** @return the latest bucket report of the topic (the last hour) */
    JsonNode report() throws Exception {
        return get(api, buckets());
    }

    private String buckets() {
        return "/api/v1/topics/" + topic + "/buckets?from=" + (System.currentTimeMillis() - 3_600_000);
    }
}
