package io.tally.api;

import static io.tally.api.AuditFixtures.CONSUMER;
import static io.tally.api.AuditFixtures.HEALTHY;
import static io.tally.api.AuditFixtures.LOSSY;
import static io.tally.api.AuditFixtures.PAGED;
import static io.tally.api.AuditFixtures.PAGED_COUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.AuditIds;
import io.tally.core.Clock;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.TallySchema;
import io.tally.storage.Verdict;
import io.tally.storage.testing.CassandraNodeExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every endpoint against a real Cassandra node holding rows written through the store, as the reconciler writes. */
@ExtendWith(CassandraNodeExtension.class)
class ApiServerIT {
    private static CassandraAuditStore store;
    private static ApiServer server;
    private static URI url;
    private static AuditFixtures data;
    private static OpenApiContract contract;

    @BeforeAll
    static void start(CqlSession session) {
        store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("api_it").build());
        data = AuditFixtures.write(store, Clock.system().millis());
        server = ApiServer.start(store, ApiConfig.defaults().with(ApiConfig.PORT, 0), Clock.system());
        url = server.url();
        contract = new OpenApiContract(url, null);
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    private static Http.Answer get(String template, String pathAndQuery) {
        Http.Answer a = Http.get(url, pathAndQuery);
        contract.check(template, a);
        return a;
    }

    @Test
    void lists_discrepancies_with_ids_as_the_header_carries_them() {
        Http.Answer a = get("/api/v1/discrepancies", "/api/v1/discrepancies?topic=" + LOSSY);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("orderedBy").asText()).isEqualTo("bucketStart");
        assertThat(a.json().get("nextCursor").isNull()).isTrue();
        JsonNode d = a.json().get("items").get(0);
        assertThat(a.json().get("items")).hasSize(1);
        assertThat(d.get("id").asText()).isEqualTo(data.loss.id().toString());
        assertThat(d.get("kind").asText()).isEqualTo("LOSS");
        assertThat(d.get("upstreamTier").asText()).isEqualTo("log");
        assertThat(d.get("downstreamTier").asText()).isEqualTo(CONSUMER);
        assertThat(d.get("bucketStart").asLong()).isEqualTo(data.lossBucket.start());
        assertThat(d.get("bucketEnd").asLong()).isEqualTo(data.lossBucket.end());
        assertThat(d.get("missing").asLong()).isEqualTo(5);
        assertThat(texts(d.get("lostIds")))
                .containsExactlyElementsOf(
                        AuditFixtures.LOST_IDS.stream().map(AuditIds::hex).toList())
                .contains("abcdef0123456789", "ffffffffffffffff", "000000000000002a");
        assertThat(d.get("idsComplete").asBoolean()).isTrue();
        assertThat(d.get("status").asText()).isEqualTo("OPEN");
        assertThat(d.get("resolvedAt").isNull()).isTrue();
    }

    @Test
    void filters_by_kind_and_status() {
        List<JsonNode> resolved = items(
                get("/api/v1/discrepancies", "/api/v1/discrepancies?topic=" + PAGED + "&status=resolved&limit=1000"));
        List<JsonNode> duplication = items(
                get("/api/v1/discrepancies", "/api/v1/discrepancies?topic=" + PAGED + "&kind=DUPLICATION&limit=1000"));

        assertThat(resolved)
                .hasSize((int) data.paged.stream()
                        .filter(d -> d.status() == DiscrepancyStatus.RESOLVED)
                        .count())
                .allSatisfy(d -> assertThat(d.get("resolvedAt").asLong()).isPositive());
        assertThat(duplication).hasSize(PAGED_COUNT / 2).allSatisfy(d -> {
            assertThat(d.get("kind").asText()).isEqualTo("DUPLICATION");
            assertThat(d.get("duplicated").asLong()).isEqualTo(1);
            assertThat(d.get("idsComplete").asBoolean()).isFalse(); // the digest named none of them
        });
    }

    @ParameterizedTest
    @CsvSource({"topic=" + PAGED + "&, bucketStart", "'', detectedAt"})
    void pages_through_every_discrepancy_once_in_order(String filter, String order) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Answer a = get(
                    "/api/v1/discrepancies",
                    "/api/v1/discrepancies?" + filter + "limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json().get("orderedBy").asText()).isEqualTo(order);
            items(a).forEach(d -> seen.add(d.get("id").asText()));
            cursor = a.json().get("nextCursor").isNull()
                    ? null
                    : a.json().get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 100);

        Comparator<Discrepancy> newestFirst = Comparator.comparingLong((Discrepancy d) ->
                        order.equals("bucketStart") ? d.bucket().start() : d.detectedAt())
                .reversed()
                .thenComparing(Discrepancy::id, io.tally.storage.DiscrepancyCursor.ID_ORDER);
        List<Discrepancy> expected = new ArrayList<>(data.paged);
        if (filter.isEmpty()) {
            expected.add(data.loss);
        }
        expected.sort(newestFirst);
        assertThat(seen)
                .doesNotHaveDuplicates()
                .containsExactlyElementsOf(
                        expected.stream().map(d -> d.id().toString()).toList());
        assertThat(pages).isEqualTo((expected.size() + 6) / 7);
    }

    @Test
    void finds_one_discrepancy_by_id() {
        Http.Answer a = get("/api/v1/discrepancies/{id}", "/api/v1/discrepancies/" + data.loss.id());
        Http.Answer missing =
                get("/api/v1/discrepancies/{id}", "/api/v1/discrepancies/" + Discrepancy.idOf("nope", "a", "b", 0));

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("topic").asText()).isEqualTo(LOSSY);
        assertThat(texts(a.json().get("lostIds"))).hasSize(5);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).contains("no discrepancy");
    }

    @Test
    void lists_topics_worst_first_with_completeness_and_open_discrepancies() {
        Http.Answer a = get("/api/v1/topics", "/api/v1/topics?window=1h");

        assertThat(a.status()).isEqualTo(200);
        List<JsonNode> topics = StreamSupport.stream(a.json().get("topics").spliterator(), false)
                .toList();
        assertThat(topics).extracting(t -> t.get("topic").asText()).containsSubsequence(LOSSY, HEALTHY);
        JsonNode lossy = topics.stream()
                .filter(t -> t.get("topic").asText().equals(LOSSY))
                .findFirst()
                .orElseThrow();
        JsonNode healthy = topics.stream()
                .filter(t -> t.get("topic").asText().equals(HEALTHY))
                .findFirst()
                .orElseThrow();
        // judged edge-buckets: 6 producer → log and 4 log → consumer of 1,000 each; 5 lost
        assertThat(lossy.get("completeness").asDouble()).isCloseTo(1 - 5.0 / 10_000, within(1e-9));
        assertThat(healthy.get("completeness").asDouble()).isEqualTo(1.0);
        assertThat(lossy.get("openDiscrepancies").asLong()).isEqualTo(1);
        assertThat(lossy.get("openByKind").get("LOSS").asLong()).isEqualTo(1);
        assertThat(texts(lossy.get("tiers"))).containsExactly(CONSUMER, "log", "producer");
        assertThat(lossy.get("lastJudgedBucket").asLong()).isEqualTo(data.t0 + 5 * AuditFixtures.MINUTE);
        assertThat(lossy.get("edgeBuckets").get("PENDING").asLong()).isEqualTo(1);
        assertThat(a.json().get("openByKind").get("LOSS").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.json().get("total").asInt()).isEqualTo(topics.size());

        Http.Answer worst = get("/api/v1/topics", "/api/v1/topics?limit=1");
        Http.Answer matching = get("/api/v1/topics", "/api/v1/topics?match=PAY");
        assertThat(worst.json().get("topics")).hasSize(1);
        assertThat(worst.json().get("topics").get(0).get("topic").asText()).isEqualTo(LOSSY);
        assertThat(worst.json().get("total").asInt()).isEqualTo(topics.size());
        assertThat(matching.json().get("topics"))
                .extracting(t -> t.get("topic").asText())
                .containsExactly(HEALTHY);
        assertThat(matching.json().get("total").asInt()).isEqualTo(1);
    }

    @Test
    void shows_each_bucket_with_counts_latency_verdicts_and_why() {
        Http.Answer a = get(
                "/api/v1/topics/{topic}/buckets",
                "/api/v1/topics/" + LOSSY + "/buckets?from=" + data.t0 + "&to=" + (data.t0 + 6 * AuditFixtures.MINUTE));

        assertThat(a.status()).isEqualTo(200);
        JsonNode r = a.json();
        assertThat(r.get("bucketSizeMs").asLong()).isEqualTo(AuditFixtures.MINUTE);
        assertThat(texts(r.get("edges"))).containsExactly("log → " + CONSUMER, "producer → log");
        assertThat(r.get("buckets")).hasSize(6);
        JsonNode lossBucket = r.get("buckets").get(2);
        assertThat(lossBucket.get("bucketStart").asLong()).isEqualTo(data.lossBucket.start());
        assertThat(lossBucket.get("tiers").get(CONSUMER).get("count").asLong()).isEqualTo(995);
        JsonNode latency = lossBucket.get("tiers").get(CONSUMER).get("latencyMs");
        assertThat(latency.get("p50").asDouble()).isCloseTo(450, within(450 * 0.02));
        assertThat(latency.get("p999").asDouble())
                .isGreaterThanOrEqualTo(latency.get("p99").asDouble());
        JsonNode loss = lossBucket.get("edges").get(0);
        assertThat(loss.get("verdict").asText()).isEqualTo("LOSS");
        assertThat(loss.get("isFinal").asBoolean()).isTrue();
        assertThat(loss.get("reason").asText()).startsWith("LOSS: log has 1,000, " + CONSUMER + " 995");
        JsonNode newest = r.get("buckets").get(5);
        assertThat(newest.get("tiers").get(CONSUMER).isNull())
                .as("not observed yet is null, not 0")
                .isTrue();
        assertThat(newest.get("edges").get(0).get("verdict").isNull())
                .as("not judged yet")
                .isTrue();
        assertThat(newest.get("edges").get(0).get("downstreamCount").isNull()).isTrue();
        assertThat(r.get("buckets").get(4).get("edges").get(0).get("isFinal").asBoolean())
                .isFalse();
    }

    @Test
    void shows_each_tier_with_its_lag_behind_its_upstream() {
        Http.Answer a = get("/api/v1/tiers", "/api/v1/tiers");

        assertThat(a.status()).isEqualTo(200);
        Map<String, JsonNode> tiers = new java.util.HashMap<>();
        a.json().get("tiers").forEach(t -> tiers.put(t.get("tier").asText(), t));
        assertThat(tiers.get(CONSUMER).get("maxLagSeconds").asDouble()).isEqualTo(AuditFixtures.LAG_MS / 1000.0);
        assertThat(tiers.get("log").get("maxLagSeconds").asDouble()).isZero();
        assertThat(tiers.get("producer").get("maxLagSeconds").isNull()).isTrue();
        JsonNode onLossy = StreamSupport.stream(
                        tiers.get(CONSUMER).get("topics").spliterator(), false)
                .filter(t -> t.get("topic").asText().equals(LOSSY))
                .findFirst()
                .orElseThrow();
        assertThat(onLossy.get("upstreamTier").asText()).isEqualTo("log");
        assertThat(onLossy.get("liveAgents").asInt()).isEqualTo(3);
        assertThat(onLossy.get("status").asText()).isEqualTo("live");
        assertThat(a.json().get("lagHistory").get(CONSUMER)).isNotEmpty();

        Http.Answer summary = get("/api/v1/tiers", "/api/v1/tiers?detail=false");
        assertThat(summary.json().get("tiers"))
                .allSatisfy(t -> assertThat(t.has("topics")).isFalse());
        assertThat(summary.json().get("tiers").findValues("maxLagSeconds")).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/discrepancies?from=200&to=100|/api/v1/discrepancies|to",
                "/api/v1/discrepancies?from=yesterday|/api/v1/discrepancies|from",
                "/api/v1/discrepancies?from=0&to=9999999999999|/api/v1/discrepancies|from",
                "/api/v1/discrepancies?kind=LOST|/api/v1/discrepancies|kind",
                "/api/v1/discrepancies?kind=COMPLETE|/api/v1/discrepancies|kind",
                "/api/v1/discrepancies?status=CLOSED|/api/v1/discrepancies|status",
                "/api/v1/discrepancies?topic=bad%20topic|/api/v1/discrepancies|topic",
                "/api/v1/discrepancies?limit=0|/api/v1/discrepancies|limit",
                "/api/v1/discrepancies?limit=1001|/api/v1/discrepancies|limit",
                "/api/v1/discrepancies?limit=ten|/api/v1/discrepancies|limit",
                "/api/v1/discrepancies?cursor=bm90LWEtY3Vyc29y|/api/v1/discrepancies|cursor",
                "/api/v1/discrepancies/not-a-uuid|/api/v1/discrepancies/{id}|id",
                "/api/v1/topics?window=forever|/api/v1/topics|window",
                "/api/v1/topics?window=30s|/api/v1/topics|window",
                "/api/v1/topics?limit=0|/api/v1/topics|limit",
                "/api/v1/tiers?detail=maybe|/api/v1/tiers|detail",
                "/api/v1/topics/orders/buckets?from=0&to=172800000|/api/v1/topics/{topic}/buckets|from",
                "/api/v1/topics/orders/buckets?to=-5|/api/v1/topics/{topic}/buckets|to",
                "/api/v1/topics/bad$topic/buckets|/api/v1/topics/{topic}/buckets|topic"
            })
    void refuses_bad_parameters_naming_the_parameter(String request, String template, String parameter) {
        Http.Answer a = get(template, request);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("parameter").asText()).isEqualTo(parameter);
        assertThat(a.json().get("error").asText()).isNotBlank();
    }

    @Test
    void unknown_paths_and_topics_answer_404_as_json() {
        Http.Answer path = Http.get(url, "/api/v1/nothing-here");
        Http.Answer topic = get("/api/v1/topics/{topic}/buckets", "/api/v1/topics/never-audited/buckets");

        assertThat(path.status()).isEqualTo(404);
        assertThat(path.json().get("error").asText()).contains("/api/v1/nothing-here");
        assertThat(topic.status()).isEqualTo(404);
        assertThat(topic.json().get("error").asText()).contains("never-audited");
    }

    @Test
    void health_and_prometheus_metrics() {
        Http.Answer health = get("/health", "/health");
        get("/api/v1/topics", "/api/v1/topics"); // at least one timed request
        Http.Answer metrics = Http.get(url, "/metrics");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("tally_discrepancies_open{kind=\"LOSS\"}")
                .contains("tally_verdicts{kind=\"COMPLETE\"}")
                .contains("tally_tier_lag_seconds{tier=\"" + CONSUMER + "\",topic=\"" + LOSSY + "\"} 120.0")
                .contains("tally_reconcile_delay_seconds{topic=\"" + LOSSY + "\"}")
                .contains("tally_api_request_seconds_count{endpoint=\"topics\",status=\"200\"}")
                .doesNotContain("partition");
    }

    @Test
    void serves_the_dashboard_and_the_chart_library_its_page_names() {
        Http.Answer page = Http.get(url, "/");
        Matcher src =
                Pattern.compile("<script src=\"(/webjars/echarts/[^\"]+)\"").matcher(page.body());

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(src.find())
                .as("the page names the chart library: %s", page.body())
                .isTrue();
        assertThat(src.group(1)).as("the build filled in its version").matches("/webjars/echarts/[0-9][^/$]*/.*");
        assertThat(Http.get(url, src.group(1)).status()).isEqualTo(200);
    }

    @Test
    void describes_every_verdict_with_its_colours_and_the_refresh_interval() {
        Http.Answer a = get("/api/v1/meta", "/api/v1/meta");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("refreshMs").asLong())
                .isEqualTo(ApiConfig.defaults().getLong(ApiConfig.REFRESH_MS));
        assertThat(StreamSupport.stream(a.json().get("verdicts").spliterator(), false)
                        .map(v -> v.get("name").asText())
                        .toList())
                .containsExactlyElementsOf(
                        Arrays.stream(Verdict.values()).map(Enum::name).toList());
        JsonNode loss = a.json().get("verdicts").get(Verdict.LOSS.ordinal());
        assertThat(loss.get("colour").asText()).isEqualTo("#d7263d");
        assertThat(loss.get("discrepancy").asBoolean()).isTrue();
    }

    private static List<JsonNode> items(Http.Answer a) {
        return StreamSupport.stream(a.json().get("items").spliterator(), false).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
