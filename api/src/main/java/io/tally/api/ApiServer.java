package io.tally.api;

import io.javalin.Javalin;
import io.tally.api.internal.http.Routes;
import io.tally.api.internal.metrics.ApiMetrics;
import io.tally.api.internal.view.Meta;
import io.tally.api.internal.view.OverviewCache;
import io.tally.core.Clock;
import io.tally.storage.AuditStore;
import io.tally.storage.StorageException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and dashboard over an {@link AuditStore}: {@code /api/v1/...}, {@code /health}, {@code /metrics} and
 * the dashboard at {@code /}. It only reads the store. The overview of topics and tiers (and the metrics drawn from
 * it) is read again every {@value ApiConfig#PREFIX}{@code refresh.ms} in the background.
 *
 * <p>Start one with {@link #start}; {@link #close()} stops the server and its threads but not the store, which
 * belongs to the caller. Thread-safe.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final ScheduledExecutorService refresher;
    private volatile boolean lastRefreshFailed;

    private ApiServer(AuditStore store, ApiConfig config, Clock clock) {
        refresher = Executors.newSingleThreadScheduledExecutor(daemon("tally-api-refresh"));
        long window = config.getLong(ApiConfig.WINDOW_MS);
        long refreshMs = config.getLong(ApiConfig.REFRESH_MS);
        OverviewCache overview = new OverviewCache(
                store,
                refresher,
                clock,
                refreshMs,
                config.getLong(ApiConfig.LIVENESS_MS),
                window,
                config.getInt(ApiConfig.LAG_HISTORY));
        ApiMetrics metrics = new ApiMetrics();
        Routes routes = new Routes(store, overview, metrics, config.tokens(), clock, window, Meta.of(refreshMs));
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = config.host();
            c.jetty.port = config.getInt(ApiConfig.PORT);
            routes.install(c);
        });
        refresher.execute(() -> refresh(overview, metrics, window));
    }

    /**
     * Starts serving.
     *
     * @param store  what to read; not closed by the server
     * @param config the settings
     * @param clock  the clock of "now" (default time ranges, lag history, liveness)
     * @throws IllegalStateException if the port cannot be bound (for example, it is in use)
     */
    public static ApiServer start(AuditStore store, ApiConfig config, Clock clock) {
        Objects.requireNonNull(store, "store");
        ApiServer server = new ApiServer(store, config, clock);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException(
                    "Cannot serve the API on " + config.host() + ":" + config.getInt(ApiConfig.PORT) + ": "
                            + rootMessage(e),
                    e);
        }
        if (config.localOnly()) {
            LOG.info(
                    "The API serves this host only, on {}:{}{}",
                    config.host(),
                    server.port(),
                    config.tokens().isEmpty()
                            ? ": no token is set (" + ApiConfig.TOKENS + "); set one, or " + ApiConfig.OPEN
                                    + "=true, to serve other hosts"
                            : "");
        } else {
            LOG.info(
                    "The API serves other hosts, on {}:{}, {}",
                    config.host(),
                    server.port(),
                    config.tokens().isEmpty()
                            ? "without authentication (" + ApiConfig.OPEN + "=true)"
                            : "with " + config.tokens().size() + " bearer token(s)");
        }
        return server;
    }

    /** @return the port the server listens on */
    public int port() {
        return app.port();
    }

    /** @return the server's base URL on the loopback address, for example {@code http://localhost:8080} */
    public URI url() {
        return URI.create("http://localhost:" + port());
    }

    /** Reads the default overview, updates the metrics, and comes back after the cache's refresh interval. */
    private void refresh(OverviewCache overview, ApiMetrics metrics, long window) {
        try {
            refreshOnce(overview, metrics, window);
        } finally {
            try {
                refresher.schedule(
                        () -> refresh(overview, metrics, window), overview.refreshInterval(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
        }
    }

    private void refreshOnce(OverviewCache overview, ApiMetrics metrics, long window) {
        try {
            metrics.update(overview.refresh(window));
            if (lastRefreshFailed) {
                LOG.info("The store answers again; the overview is up to date");
            }
            lastRefreshFailed = false;
        } catch (StorageException e) {
            if (!lastRefreshFailed) { // once per outage, not once per refresh
                LOG.warn("Cannot read the overview from the store: {}", e.getMessage());
            }
            lastRefreshFailed = true;
        } catch (RuntimeException e) {
            LOG.error("Reading the overview failed", e);
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        app.stop();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
