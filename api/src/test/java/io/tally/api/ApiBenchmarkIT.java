package io.tally.api;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.Bucket;
import io.tally.core.Clock;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.CassandraSessions;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import io.tally.storage.Verdict;
import io.tally.storage.testing.CassandraNodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The harness of the API section of BENCHMARKS.md: a large deployment's rows in the real local Cassandra node, then
 * the latency of each endpoint (p50 and p99 of sequential requests, after a warm-up) and the dashboard's first paint
 * in headless Chromium. Prints figures; asserts nothing about time. Run with
 * {@code mvn -pl api verify -Dit.test=ApiBenchmarkIT -Dtally.benchmark=true -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dtally.benchmark.topics=10000} (topics, 4 tiers each),
 * {@code -Dtally.benchmark.hours=3} (hours of one-minute buckets for every topic), {@code
 * -Dtally.benchmark.fullDayTopics=10} (topics that get a whole day, the ones whose buckets are read).
 */
@EnabledIfSystemProperty(named = "tally.benchmark", matches = "true")
@ExtendWith(CassandraNodeExtension.class)
class ApiBenchmarkIT {
    private static final long MINUTE = 60_000;
    private static final String[] TIERS = {"producer", "log", "consumer.a", "consumer.b"};
    private static final int TOPICS = Integer.getInteger("tally.benchmark.topics", 10_000);
    private static final int HOURS = Integer.getInteger("tally.benchmark.hours", 3);
    private static final int FULL_DAY_TOPICS = Integer.getInteger("tally.benchmark.fullDayTopics", 10);
    private static final int REQUESTS = Integer.getInteger("tally.benchmark.requests", 300);
    /** One edge-bucket in this many loses messages. */
    private static final int LOSS_EVERY = 200;

    @Test
    void endpoint_latencies_on_a_large_deployment(CqlSession shared) throws Exception {
        // -Dtally.benchmark.dataDir=DIR keeps the loaded node between runs (its own node on that folder)
        String dataDir = System.getProperty("tally.benchmark.dataDir");
        LocalCassandraNode own = dataDir == null
                ? null
                : new LocalCassandraNode(LocalCassandraConfig.builder()
                                .dataDir(java.nio.file.Path.of(dataDir))
                                .cqlPort(0)
                                .build())
                        .start();
        CqlSession session = own == null ? shared : CassandraSessions.open(own.contactPoint());
        try {
            run(session);
        } finally {
            if (own != null) {
                session.close();
                own.close();
            }
        }
    }

    private static void run(CqlSession session) throws Exception {
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("api_bench").build());
        long now = Clock.system().millis();
        long end = Bucket.startOf(now, MINUTE);
        long loadStart = System.nanoTime();
        if (store.progress().size() >= TOPICS * TIERS.length) {
            end = Bucket.startOf(store.progress().get(0).updatedAt() + 1_000, MINUTE);
            System.out.printf(
                    Locale.ROOT,
                    "%nreusing the rows loaded by an earlier run (buckets up to %s)%n",
                    java.time.Instant.ofEpochMilli(end));
        } else {
            long rows = load(store, end, now);
            System.out.printf(
                    Locale.ROOT,
                    "%nloaded %,d rows (%d topics × %d tiers × %d h, %d topics × 24 h) in %.0f s%n",
                    rows,
                    TOPICS,
                    TIERS.length,
                    HOURS,
                    FULL_DAY_TOPICS,
                    (System.nanoTime() - loadStart) / 1e9);
        }

        ApiConfig config = ApiConfig.defaults()
                .with(ApiConfig.PORT, 0)
                .with(ApiConfig.REFRESH_MS, 5_000)
                .with(ApiConfig.WINDOW_MS, Math.max(60_000, now - end + 3_600_000));
        try (ApiServer server = ApiServer.start(store, config, Clock.system())) {
            long cold = System.nanoTime();
            Http.Answer first = Http.get(server.url(), "/api/v1/topics");
            System.out.printf(
                    Locale.ROOT,
                    "overview of %d topics read from the store (first /api/v1/topics): %.0f ms, " + "%,d bytes%n",
                    first.json().get("topics").size(),
                    (System.nanoTime() - cold) / 1e6,
                    first.body().length());
            String page10 = cursorOfPage(server, 10);
            System.out.println("| endpoint | p50 ms | p99 ms | bytes |");
            System.out.println("|---|---:|---:|---:|");
            measure(server, "/api/v1/discrepancies (first page of 100)", "/api/v1/discrepancies");
            measure(server, "/api/v1/discrepancies (11th page of 100)", "/api/v1/discrepancies?cursor=" + page10);
            measure(server, "/api/v1/discrepancies?topic= (first page)", "/api/v1/discrepancies?topic=topic-00000");
            measure(server, "/api/v1/topics (all " + TOPICS + " topics)", "/api/v1/topics");
            measure(server, "/api/v1/topics?limit=100 (the dashboard's)", "/api/v1/topics?limit=100");
            measure(
                    server,
                    "/api/v1/topics/{topic}/buckets (6 h)",
                    "/api/v1/topics/topic-00000/buckets?from=" + (end - 6 * 60 * MINUTE) + "&to=" + end);
            measure(server, "/api/v1/tiers (every tier on every topic)", "/api/v1/tiers");
            measure(server, "/api/v1/tiers?detail=false (the dashboard's)", "/api/v1/tiers?detail=false");
            firstPaint(server);
        }
        store.close();
    }

    private static long load(CassandraAuditStore store, long end, long now) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long rows = 0;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> pending = new ArrayList<>();
        List<TierAggregate> aggregates = new ArrayList<>();
        List<EdgeVerdict> verdicts = new ArrayList<>();
        for (int t = 0; t < TOPICS; t++) {
            String topic = String.format(Locale.ROOT, "topic-%05d", t);
            int minutes = (t < FULL_DAY_TOPICS ? 24 : HOURS) * 60;
            for (int m = minutes; m >= 1; m--) {
                Bucket b = new Bucket(end - m * MINUTE, MINUTE);
                for (String tier : TIERS) {
                    aggregates.add(aggregate(topic, tier, b, random));
                }
                for (int e = 1; e < TIERS.length; e++) {
                    String up = e == 1 ? "producer" : "log";
                    boolean lost = random.nextInt(LOSS_EVERY) == 0;
                    verdicts.add(new EdgeVerdict(
                            topic,
                            b,
                            up,
                            TIERS[e],
                            lost ? Verdict.LOSS : Verdict.COMPLETE,
                            1_000,
                            lost ? 995 : 1_000,
                            b.end() + 15_000,
                            (lost ? "LOSS" : "COMPLETE") + ": " + up + " has 1,000, " + TIERS[e]
                                    + (lost ? " 995" : " 1,000")));
                    if (lost) {
                        Discrepancy d = new Discrepancy(
                                Discrepancy.idOf(topic, up, TIERS[e], b.start()),
                                topic,
                                b,
                                up,
                                TIERS[e],
                                Verdict.LOSS,
                                1_000,
                                995,
                                5,
                                0,
                                List.of(
                                        random.nextLong(),
                                        random.nextLong(),
                                        random.nextLong(),
                                        random.nextLong(),
                                        random.nextLong()),
                                List.of(),
                                "5 missing, 0 duplicated",
                                DiscrepancyStatus.OPEN,
                                b.end() + 15_000,
                                0);
                        pending.add(pool.submit(() -> store.putDiscrepancy(d)));
                        rows += 3;
                    }
                }
            }
            for (String tier : TIERS) {
                long lag = tier.equals("consumer.b") ? 90_000 : 0;
                store.putProgress(TierProgress.builder(tier, topic)
                        .watermark(now - 10_000 - lag)
                        .lastHeartbeatAt(now - 1_000)
                        .liveAgents(2)
                        .updatedAt(now - 1_000)
                        .build());
                rows++;
            }
            if (aggregates.size() >= 20_000 || t == TOPICS - 1) {
                List<io.tally.storage.VerdictRollup> rollups = AuditFixtures.rollups(verdicts, now);
                rows += aggregates.size() + verdicts.size() + rollups.size();
                store.putAggregates(aggregates);
                store.putVerdicts(verdicts);
                store.putRollups(rollups);
                aggregates = new ArrayList<>();
                verdicts = new ArrayList<>();
                for (Future<?> f : pending) {
                    f.get();
                }
                pending.clear();
            }
        }
        pool.shutdown();
        return rows;
    }

    private static TierAggregate aggregate(String topic, String tier, Bucket b, SplittableRandom random) {
        LatencySketch latency = new LatencySketch();
        for (int i = 0; i < 8; i++) {
            latency.add(5 + random.nextInt(400), 125);
        }
        return TierAggregate.builder(topic, tier, b)
                .count(1_000)
                .bytes(200_000)
                .records(4)
                .latency(latency)
                .updatedAt(b.end() + 5_000)
                .build();
    }

    private static String cursorOfPage(ApiServer server, int pages) {
        String cursor = null;
        for (int i = 0; i < pages; i++) {
            Http.Answer a =
                    Http.get(server.url(), "/api/v1/discrepancies" + (cursor == null ? "" : "?cursor=" + cursor));
            cursor = a.json().get("nextCursor").asText();
        }
        return cursor;
    }

    private static void measure(ApiServer server, String name, String path) {
        for (int i = 0; i < 30; i++) {
            Http.get(server.url(), path);
        }
        double[] ms = new double[REQUESTS];
        int bytes = 0;
        for (int i = 0; i < REQUESTS; i++) {
            long t = System.nanoTime();
            Http.Answer a = Http.get(server.url(), path);
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (a.status() != 200) {
                throw new IllegalStateException(path + " answered " + a.status() + ": " + a.body());
            }
            bytes = a.body().length();
        }
        Arrays.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %,d |%n",
                name,
                ms[REQUESTS / 2],
                ms[(int) Math.ceil(REQUESTS * 0.99) - 1],
                bytes);
    }

    private static void firstPaint(ApiServer server) {
        List<Double> paints = new ArrayList<>();
        List<Double> data = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WebDriver browser = Browser.start();
            try {
                browser.get(server.url().toString());
                new WebDriverWait(browser, Duration.ofSeconds(60))
                        .until(d -> !d.findElements(By.cssSelector("#heatmap td.cell"))
                                .isEmpty());
                JavascriptExecutor js = (JavascriptExecutor) browser;
                paints.add(((Number) js.executeScript("const p = performance.getEntriesByName("
                                + "'first-contentful-paint')[0]; return p ? p.startTime : -1;"))
                        .doubleValue());
                data.add(((Number) js.executeScript("const m = performance.getEntriesByName('tally:first-data')[0];"
                                + " return m ? m.startTime : -1;"))
                        .doubleValue());
            } finally {
                browser.quit();
            }
        }
        paints.sort(null);
        data.sort(null);
        System.out.printf(
                Locale.ROOT,
                "dashboard: first contentful paint median %.0f ms (of %s); topics, heatmap "
                        + "and tiers drawn by %.0f ms (median of %s)%n",
                paints.get(2),
                paints,
                data.get(2),
                data);
    }
}
