package io.tally.api.internal.view;

import io.tally.core.Clock;
import io.tally.storage.AuditStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Overviews kept for {@code refreshMs}, one per window asked for, so that a dashboard polling every few seconds and
 * Prometheus scraping cost one read of the store per refresh, not one per request; and a short history of each
 * tier's largest lag, sampled at every read of the default window, for the dashboard's lag chart. A read that
 * fails is not cached: the next request tries again (and fails with the store's error). Thread-safe.
 */
public final class OverviewCache {
    /** Most windows cached at once; more distinct windows evict the least recently read. */
    private static final int MAX_WINDOWS = 16;

    private final AuditStore store;
    private final ExecutorService pool;
    private final Clock clock;
    private final long refreshMs;
    private final long livenessMs;
    private final long defaultWindowMs;
    private final int historySize;
    private final Map<Long, Overview> byWindow = new ConcurrentHashMap<>();
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Deque<double[]>> lagHistory = new LinkedHashMap<>();

    public OverviewCache(AuditStore store, ExecutorService pool, Clock clock, long refreshMs, long livenessMs,
            long defaultWindowMs, int historySize) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.refreshMs = refreshMs;
        this.livenessMs = livenessMs;
        this.defaultWindowMs = defaultWindowMs;
        this.historySize = historySize;
    }

    /** @return the overview of the default window, read again if older than the refresh interval */
    public Overview get() {
        return get(defaultWindowMs);
    }

    /**
     * @return the overview of {@code windowMs}, read again if older than the refresh interval
     * @throws io.tally.storage.StorageException if it had to be read and the store failed
     */
    public Overview get(long windowMs) {
        Overview o = byWindow.get(windowMs);
        if (o != null && clock.millis() - o.generatedAt() < refreshMs) {
            return o;
        }
        synchronized (locks.computeIfAbsent(windowMs, k -> new Object())) {
            o = byWindow.get(windowMs);
            if (o != null && clock.millis() - o.generatedAt() < refreshMs) {
                return o; // another thread read it meanwhile
            }
            return refresh(windowMs);
        }
    }

    /** Reads the overview of {@code windowMs} now. */
    public Overview refresh(long windowMs) {
        Overview fresh = Overview.read(store, pool, clock.millis(), windowMs, livenessMs);
        if (byWindow.size() >= MAX_WINDOWS && !byWindow.containsKey(windowMs)) {
            byWindow.keySet().stream().filter(w -> w != defaultWindowMs)
                    .min((a, b) -> Long.compare(byWindow.get(a).generatedAt(), byWindow.get(b).generatedAt()))
                    .ifPresent(byWindow::remove);
        }
        byWindow.put(windowMs, fresh);
        if (windowMs == defaultWindowMs) {
            record(fresh);
        }
        return fresh;
    }

    private synchronized void record(Overview o) {
        for (Overview.TierSummary t : o.tiers()) {
            if (t.maxLagSeconds() == null) {
                continue;
            }
            Deque<double[]> samples = lagHistory.computeIfAbsent(t.tier(), k -> new ArrayDeque<>());
            samples.addLast(new double[] {o.generatedAt(), t.maxLagSeconds()});
            while (samples.size() > historySize) {
                samples.removeFirst();
            }
        }
    }

    /** @return each tier's samples of its largest lag: {@code [epoch ms, seconds]}, oldest first */
    public synchronized Map<String, List<double[]>> lagHistory() {
        Map<String, List<double[]>> copy = new LinkedHashMap<>();
        lagHistory.forEach((tier, samples) -> copy.put(tier, new ArrayList<>(samples)));
        return copy;
    }
}
