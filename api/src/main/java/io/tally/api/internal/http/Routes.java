package io.tally.api.internal.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import io.tally.api.internal.metrics.ApiMetrics;
import io.tally.api.internal.view.BucketReport;
import io.tally.api.internal.view.DiscrepancyView;
import io.tally.api.internal.view.Meta;
import io.tally.api.internal.view.Overview;
import io.tally.api.internal.view.OverviewCache;
import io.tally.api.internal.view.PageCursor;
import io.tally.core.Clock;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyCursor;
import io.tally.storage.DiscrepancyQuery;
import io.tally.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the API and what it answers; see the OpenAPI document ({@code openapi.json} beside this API) for
 * the contract. Handlers read the store (or the overview cache) and nothing else.
 */
public final class Routes {
    static final long MAX_DISCREPANCY_RANGE_MS = 31 * 86_400_000L;
    static final long DEFAULT_DISCREPANCY_RANGE_MS = 7 * 86_400_000L;
    static final long MAX_BUCKET_RANGE_MS = 86_400_000L;
    static final long DEFAULT_BUCKET_RANGE_MS = 3_600_000L;
    static final int MAX_LIMIT = 1_000;
    static final int DEFAULT_LIMIT = 100;
    static final String OPENAPI = "/io/tally/api/openapi.json";
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String ENDPOINT = "tally.endpoint";
    private static final String STARTED = "tally.started";

    private final AuditStore store;
    private final OverviewCache overview;
    private final ApiMetrics metrics;
    private final TokenAuth auth;
    private final Clock clock;
    private final long defaultWindowMs;
    private final byte[] openApi;
    private final byte[] meta;
    private final RenderedOverview rendered = new RenderedOverview();

    public Routes(
            AuditStore store,
            OverviewCache overview,
            ApiMetrics metrics,
            List<String> tokens,
            Clock clock,
            long defaultWindowMs,
            Meta meta) {
        this.store = store;
        this.overview = overview;
        this.metrics = metrics;
        this.auth = new TokenAuth(tokens);
        this.clock = clock;
        this.defaultWindowMs = defaultWindowMs;
        this.openApi = resource(OPENAPI);
        this.meta = Json.bytes(meta);
    }

    /** Installs the routes, the dashboard's files and the error handlers on {@code config}. */
    public void install(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/io/tally/api/dashboard";
            files.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        var r = config.routes;
        r.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        r.before("/api/*", this::authorize);
        r.before("/metrics", this::authorize);
        r.get("/health", named("health", this::health));
        r.get(
                "/metrics",
                named(
                        "metrics",
                        ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                                .result(metrics.scrape())));
        r.get(
                "/api/v1/openapi.json",
                named("openapi", ctx -> ctx.contentType("application/json").result(openApi)));
        r.get("/api/v1/meta", named("meta", ctx -> Json.writeBytes(ctx, 200, meta)));
        r.get("/api/v1/discrepancies", named("discrepancies", this::discrepancies));
        r.get("/api/v1/discrepancies/{id}", named("discrepancy", this::discrepancy));
        r.get("/api/v1/topics", named("topics", this::topics));
        r.get("/api/v1/topics/{topic}/buckets", named("buckets", this::buckets));
        r.get("/api/v1/tiers", named("tiers", this::tiers));
        r.after(this::record);
        r.exception(ApiError.class, (e, ctx) -> Json.error(ctx, e.status(), e.getMessage(), e.parameter()));
        r.exception(StorageException.class, (e, ctx) -> {
            LOG.warn("{} {}: the store is unavailable: {}", ctx.method(), ctx.path(), e.getMessage());
            Json.error(ctx, 503, "the store is unavailable: " + e.getMessage(), null);
        });
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            Json.error(ctx, 500, "internal error: " + e, null);
        });
        r.error(404, ctx -> {
            if (ctx.attribute(ENDPOINT) == null) {
                Json.error(ctx, 404, "no such path: " + ctx.path(), null);
            }
        });
    }

    private void authorize(Context ctx) {
        if (!auth.allows(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tally\"");
            throw ApiError.unauthorized();
        }
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            store.ping();
            body.put("status", "UP");
            body.put("store", "reachable");
            Json.write(ctx, 200, body);
        } catch (StorageException e) {
            body.put("status", "DOWN");
            body.put("store", e.getMessage());
            Json.write(ctx, 503, body);
        }
    }

    private void discrepancies(Context ctx) {
        String topic = Params.topic(ctx, "topic", false);
        var kind = Params.kind(ctx);
        var status = Params.status(ctx);
        long to = Params.time(ctx, "to", clock.millis() + 1);
        long from = Params.time(ctx, "from", Math.max(0, to - DEFAULT_DISCREPANCY_RANGE_MS));
        Params.range(from, to, MAX_DISCREPANCY_RANGE_MS);
        int limit = Params.intIn(ctx, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        String cursor = ctx.queryParam("cursor");
        DiscrepancyCursor after = null;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                after = PageCursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                throw ApiError.badParameter("cursor", e.getMessage());
            }
        }
        // one more than asked tells whether another page follows
        DiscrepancyQuery q = new DiscrepancyQuery(topic, kind, status, from, to, limit + 1, after);
        List<Discrepancy> rows = store.discrepancies(q);
        List<Discrepancy> page = rows.subList(0, Math.min(limit, rows.size()));
        String next =
                rows.size() > limit ? PageCursor.encode(DiscrepancyCursor.after(page.get(page.size() - 1), q)) : null;
        Json.write(
                ctx,
                200,
                new DiscrepancyView.Page(
                        page.stream().map(DiscrepancyView::of).toList(),
                        topic != null ? "bucketStart" : "detectedAt",
                        next));
    }

    private void discrepancy(Context ctx) {
        var id = Params.discrepancyId(ctx);
        Discrepancy d = store.discrepancy(id).orElseThrow(() -> ApiError.notFound("no discrepancy " + id));
        Json.write(ctx, 200, DiscrepancyView.of(d));
    }

    private void topics(Context ctx) {
        long window = Params.window(ctx, 60_000, 7 * 86_400_000L, defaultWindowMs);
        int limit = Params.intIn(ctx, "limit", 1, Integer.MAX_VALUE, Integer.MAX_VALUE);
        String match = ctx.queryParam("match");
        Overview o = overview.get(window);
        String variant = "topics|" + window + '|' + limit + '|' + (match == null ? "" : match);
        Json.writeBytes(ctx, 200, rendered.json(o, variant, () -> {
            List<Overview.TopicSummary> matching = match == null || match.isEmpty()
                    ? o.topics()
                    : o.topics().stream()
                            .filter(t -> t.topic()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .contains(match.toLowerCase(java.util.Locale.ROOT)))
                            .toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("generatedAt", o.generatedAt());
            body.put("windowMs", o.windowMs());
            body.put("openByKind", o.openByKind());
            body.put("total", matching.size());
            body.put("topics", matching.subList(0, Math.min(limit, matching.size())));
            return body;
        }));
    }

    private void buckets(Context ctx) {
        String topic = Params.topic(ctx, "topic", true);
        long to = Params.time(ctx, "to", clock.millis());
        long from = Params.time(ctx, "from", Math.max(0, to - DEFAULT_BUCKET_RANGE_MS));
        Params.range(from, to, MAX_BUCKET_RANGE_MS);
        BucketReport report = BucketReport.read(store, topic, from, to);
        if (report.buckets().isEmpty()
                && overview.get().topics().stream().noneMatch(t -> t.topic().equals(topic))) {
            throw ApiError.notFound("no audited topic '" + topic + "'");
        }
        Json.write(ctx, 200, report);
    }

    private void tiers(Context ctx) {
        String detail = ctx.queryParam("detail");
        if (detail != null && !detail.equals("true") && !detail.equals("false")) {
            throw ApiError.badParameter("detail", "detail must be true or false, was '" + detail + "'");
        }
        Overview o = overview.get();
        Json.writeBytes(ctx, 200, rendered.json(o, "tiers|" + detail, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("generatedAt", o.generatedAt());
            body.put(
                    "tiers",
                    "false".equals(detail)
                            ? o.tiers().stream()
                                    .map(Overview.TierSummary::withoutTopics)
                                    .toList()
                            : o.tiers());
            body.put("lagHistory", overview.lagHistory());
            return body;
        }));
    }

    private Handler named(String endpoint, Handler handler) {
        return ctx -> {
            ctx.attribute(ENDPOINT, endpoint);
            handler.handle(ctx);
        };
    }

    private void record(Context ctx) {
        Long started = ctx.attribute(STARTED);
        String endpoint = ctx.attribute(ENDPOINT);
        if (started != null) {
            metrics.request(
                    endpoint != null ? endpoint : ctx.path().startsWith("/api/") ? "unknown" : "dashboard",
                    ctx.status().getCode(),
                    System.nanoTime() - started);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = Routes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
