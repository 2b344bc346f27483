package io.tally.api.internal.view;

import io.tally.core.Clock;
import io.tally.storage.AuditStore;
import io.tally.storage.StorageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Overviews kept per window asked for, so that a dashboard polling every few seconds and Prometheus scraping cost
 * one read of the store per refresh interval, not one per request; and a short history of each tier's largest lag,
 * sampled at every read of the default window, for the dashboard's lag chart.
 *
 * <p>A request never waits for a refresh once a window has been read: it gets the kept overview (its
 * {@code generatedAt} says how old it is), and an overview older than the refresh interval is read again in the
 * background. Only the first request of a window reads it while waiting. When the latest read failed, requests get
 * that failure (the store is down: answer 503, not old figures as if they were current) until a read succeeds.
 * Thread-safe.
 */
public final class OverviewCache {
    /** Most windows kept at once; more distinct windows evict the one read longest ago. */
    private static final int MAX_WINDOWS = 16;

    /** The latest read of one window: its overview (null if none succeeded yet), and its failure if it failed. */
    private record Entry(Overview overview, StorageException failure, long readAt) {}

    private final AuditStore store;
    private final Executor refresher;
    private final Clock clock;
    private final long refreshMs;
    private final long livenessMs;
    private final long defaultWindowMs;
    private final int historySize;
    private final Map<Long, Entry> byWindow = new ConcurrentHashMap<>();
    /** One read of a window at a time. */
    private final Map<Long, Object> readLocks = new ConcurrentHashMap<>();

    private final Set<Long> refreshing = ConcurrentHashMap.newKeySet();
    private final Map<String, Deque<double[]>> lagHistory = new LinkedHashMap<>();
    private volatile long lastReadMs;

    /** @param refresher runs background refreshes (one at a time is enough) */
    public OverviewCache(
            AuditStore store,
            Executor refresher,
            Clock clock,
            long refreshMs,
            long livenessMs,
            long defaultWindowMs,
            int historySize) {
        this.store = store;
        this.refresher = refresher;
        this.clock = clock;
        this.refreshMs = refreshMs;
        this.livenessMs = livenessMs;
        this.defaultWindowMs = defaultWindowMs;
        this.historySize = historySize;
    }

    /** @return the overview of the default window; see {@link #get(long)} */
    public Overview get() {
        return get(defaultWindowMs);
    }

    /**
     * @return the kept overview of {@code windowMs}, reading it first if it never was
     * @throws StorageException if the latest read failed (or the first one does)
     */
    public Overview get(long windowMs) {
        Entry e = byWindow.get(windowMs);
        if (e == null) {
            synchronized (lockOf(windowMs)) { // a read under way (the server's first) is waited for, not repeated
                e = byWindow.get(windowMs);
                if (e == null) {
                    return refresh(windowMs);
                }
            }
        }
        if (clock.millis() - e.readAt() >= refreshInterval()) {
            refreshInBackground(windowMs);
        }
        if (e.failure() != null || e.overview() == null) {
            throw e.failure();
        }
        return e.overview();
    }

    /**
     * How long an overview is kept before it is read again: the configured interval, but at least twice as long as the
     * last read took, so that reading a large store never keeps it (and this machine) busy more than a third of the
     * time.
     */
    public long refreshInterval() {
        return Math.max(refreshMs, 2 * lastReadMs);
    }

    /**
     * Reads the overview of {@code windowMs} now and keeps it.
     *
     * @throws StorageException if the store fails (the failure is kept for {@link #get(long)})
     */
    public Overview refresh(long windowMs) {
        synchronized (lockOf(windowMs)) {
            return read(windowMs);
        }
    }

    private Object lockOf(long windowMs) {
        return readLocks.computeIfAbsent(windowMs, k -> new Object());
    }

    private Overview read(long windowMs) {
        long now = clock.millis();
        try {
            long begin = System.nanoTime();
            Overview fresh = Overview.read(store, now, windowMs, livenessMs);
            lastReadMs = (System.nanoTime() - begin) / 1_000_000;
            keep(windowMs, new Entry(fresh, null, now));
            if (windowMs == defaultWindowMs) {
                record(fresh);
            }
            return fresh;
        } catch (StorageException failure) {
            Entry old = byWindow.get(windowMs);
            keep(windowMs, new Entry(old == null ? null : old.overview(), failure, now));
            throw failure;
        }
    }

    private void refreshInBackground(long windowMs) {
        if (!refreshing.add(windowMs)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    refresh(windowMs);
                } catch (RuntimeException e) {
                    // kept in the entry; requests answer it
                } finally {
                    refreshing.remove(windowMs);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(windowMs); // shutting down
        }
    }

    private void keep(long windowMs, Entry entry) {
        if (byWindow.size() >= MAX_WINDOWS && !byWindow.containsKey(windowMs)) {
            byWindow.entrySet().stream()
                    .filter(w -> w.getKey() != defaultWindowMs)
                    .min((a, b) ->
                            Long.compare(a.getValue().readAt(), b.getValue().readAt()))
                    .ifPresent(oldest -> byWindow.remove(oldest.getKey()));
        }
        byWindow.put(windowMs, entry);
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
