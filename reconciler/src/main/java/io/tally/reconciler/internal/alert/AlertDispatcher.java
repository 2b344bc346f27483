package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertSink;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.storage.AlertState;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which discrepancies alert, on which sink, and sends them grouped. Rules:
 * <ul>
 *   <li>an OPEN discrepancy alerts when its kind alerts for its topic and it passes the topic's thresholds
 *       (default: any loss or duplication; AUDIT_GAP never), once its bucket has been due for {@code hold} and
 *       the discrepancy has been known for {@code hold}: a bucket judged late (its tier lagged) or before its last
 *       counts arrived is judged again within the hold, and a figure corrected or a loss resolved in it never
 *       alerted;</li>
 *   <li>each sink sends it once per status and kind: what was sent is stored in the alert state, so neither a
 *       new evaluation nor a restart sends it again; a RESOLVED notice is sent only where an OPEN one was;</li>
 *   <li>discrepancies of the same topic, edge, kind and status that are ready together make one alert;</li>
 *   <li>delivery runs off the caller's thread, one worker per sink, so a slow or failing sink (a webhook timing
 *       out) delays neither the evaluation nor the other sinks; outcomes are taken in at the next
 *       {@link #dispatch}, on the caller's thread, which alone touches the store;</li>
 *   <li>one retry policy for every sink: a failed delivery is tried again after a backoff that doubles from
 *       {@code backoff} up to 5 minutes; after {@code maxAttempts} failures the discrepancy is given up on that
 *       sink (an ERROR in the log, {@link #givenUp()}, and its alert state says so), and other sinks go on.</li>
 * </ul>
 * Alert state is cached only for the discrepancies that can still alert (those pending here); the store is the
 * truth for the rest. Used by one thread, apart from its delivery workers.
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final long MAX_BACKOFF_MS = 300_000;
    static final String GAVE_UP = "gave up after ";

    /** How a failed delivery is tried again. */
    public record RetryPolicy(int maxAttempts, long backoffMs) {
        public RetryPolicy {
            if (maxAttempts < 1 || backoffMs < 1) {
                throw new IllegalArgumentException("maxAttempts and backoffMs must be >= 1");
            }
        }

        /** @return the wait before the next attempt after {@code attempts} failed ones */
        long backoffAfter(int attempts) {
            return Math.min(MAX_BACKOFF_MS, backoffMs << Math.min(Math.max(0, attempts - 1), 20));
        }
    }

    /** The outcome of one delivery, handed back from a worker. */
    private record Outcome(AlertSink sink, List<Discrepancy> group, long sentAt, RuntimeException error) {}

    private final List<AlertSink> sinks;
    private final AuditStore store;
    private final Function<String, TopicPolicy> policies;
    private final long dueAfterEndMs;
    private final long holdMs;
    private final RetryPolicy retry;
    private final Map<String, ExecutorService> workers = new HashMap<>();
    private final Executor direct;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Map<UUID, Discrepancy> pending = new LinkedHashMap<>();
    private final Map<String, AlertState> states = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    /** discrepancy|sink of the deliveries a worker has not finished */
    private final Set<String> inFlight = new HashSet<>();
    /**
     * edge|sink → the STALLED discrepancies whose OPEN alert was sent there and not yet resolved: a tier that
     * stopped is alerted once, not once per bucket it leaves behind; a later bucket alerts once those resolved
     */
    private final Map<String, Set<UUID>> stallAlerted = new HashMap<>();

    private long sent;
    private long failed;
    private long givenUp;

    /**
     * @param dueAfterEndMs how long after its bucket's end a discrepancy may alert (grace + hold)
     * @param holdMs        how long after it was detected a discrepancy may alert
     */
    public AlertDispatcher(
            List<AlertSink> sinks,
            AuditStore store,
            Function<String, TopicPolicy> policies,
            long dueAfterEndMs,
            long holdMs,
            RetryPolicy retry) {
        this(sinks, store, policies, dueAfterEndMs, holdMs, retry, null);
    }

    /** @param direct runs deliveries in place of the per-sink workers (tests), or null for the workers */
    AlertDispatcher(
            List<AlertSink> sinks,
            AuditStore store,
            Function<String, TopicPolicy> policies,
            long dueAfterEndMs,
            long holdMs,
            RetryPolicy retry,
            Executor direct) {
        this.sinks = List.copyOf(sinks);
        this.store = store;
        this.policies = policies;
        this.dueAfterEndMs = dueAfterEndMs;
        this.holdMs = holdMs;
        this.retry = retry;
        this.direct = direct;
        if (direct == null) {
            for (AlertSink sink : this.sinks) {
                workers.put(sink.name(), Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "tally-alerts-" + sink.name());
                    t.setDaemon(true);
                    return t;
                }));
            }
        }
    }

    /** Takes new or changed discrepancies; the latest version of each is what alerts. */
    public void offer(List<Discrepancy> changed) {
        changed.forEach(d -> pending.put(d.id(), d));
    }

    /** Takes in the outcomes of finished deliveries, then hands what is ready at {@code now} to the sinks. */
    public void dispatch(long now) {
        takeOutcomes();
        noteStallsAlerted();
        Map<String, Map<String, List<Discrepancy>>> bySink = new LinkedHashMap<>();
        for (Iterator<Discrepancy> it = pending.values().iterator(); it.hasNext(); ) {
            Discrepancy d = it.next();
            if (d.status() == DiscrepancyStatus.OPEN && !alerts(d)) {
                it.remove();
                forgetState(d.id());
                continue;
            }
            if (d.bucket().end() + dueAfterEndMs > now || d.detectedAt() + holdMs > now) {
                continue; // the hold counts from the bucket's due time and from the discrepancy's detection
            }
            boolean waiting = false;
            for (AlertSink sink : sinks) {
                String key = d.id() + "|" + sink.name();
                if (inFlight.contains(key)) {
                    waiting = true;
                    continue;
                }
                Set<UUID> stalls = stallAlerted.getOrDefault(edgeKey(d) + '|' + sink.name(), Set.of());
                if (isOpenStall(d) && !stalls.isEmpty() && !stalls.contains(d.id())) {
                    waiting = true;
                    continue; // its edge's stall is alerted already
                }
                AlertState state = state(d.id(), sink.name());
                String what = statusKey(d);
                String last = state.lastSentStatus();
                boolean wanted = d.status() == DiscrepancyStatus.OPEN ? !last.equals(what) : last.startsWith("OPEN");
                if (!wanted || state.attempts() >= retry.maxAttempts()) {
                    continue; // sent, or given up on this sink
                }
                waiting = true;
                if (retryAt.getOrDefault(key, Long.MIN_VALUE) <= now) {
                    bySink.computeIfAbsent(sink.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(groupKey(d), k -> new ArrayList<>())
                            .add(d);
                }
            }
            if (!waiting) {
                it.remove();
                forgetState(d.id());
            }
        }
        for (AlertSink sink : sinks) {
            Map<String, List<Discrepancy>> groups = bySink.get(sink.name());
            if (groups != null) {
                groups.values().forEach(group -> deliver(sink, group, now));
            }
        }
        takeOutcomes();
    }

    private void deliver(AlertSink sink, List<Discrepancy> group, long now) {
        group.sort(Comparator.comparingLong(d -> d.bucket().start()));
        Discrepancy first = group.get(0);
        Alert alert = new Alert(
                first.topic(),
                first.upstreamTier(),
                first.downstreamTier(),
                first.kind(),
                first.status(),
                List.copyOf(group),
                now);
        group.forEach(d -> inFlight.add(d.id() + "|" + sink.name()));
        Runnable delivery = () -> {
            RuntimeException error = null;
            try {
                sink.send(alert);
            } catch (RuntimeException e) { // a sink's own failure, or any bug of a user's sink: never the worker's end
                error = e;
            }
            outcomes.add(new Outcome(sink, group, now, error));
        };
        try {
            (direct != null ? direct : workers.get(sink.name())).execute(delivery);
        } catch (RejectedExecutionException e) { // closing
            group.forEach(d -> inFlight.remove(d.id() + "|" + sink.name()));
        }
    }

    private void takeOutcomes() {
        for (Outcome o; (o = outcomes.poll()) != null; ) {
            String sink = o.sink().name();
            if (o.error() == null) {
                sent++;
            } else {
                failed++;
            }
            boolean gaveUp = false;
            for (Discrepancy d : o.group()) {
                String key = d.id() + "|" + sink;
                inFlight.remove(key);
                if (o.error() == null) {
                    record(new AlertState(d.id(), sink, statusKey(d), o.sentAt(), 0, ""));
                    retryAt.remove(key);
                    noteStall(d, sink, isOpenStall(d));
                    continue;
                }
                AlertState old = state(d.id(), sink);
                int attempts = old.attempts() + 1;
                gaveUp = attempts >= retry.maxAttempts();
                String error = String.valueOf(o.error().getMessage());
                record(new AlertState(
                        d.id(),
                        sink,
                        old.lastSentStatus(),
                        o.sentAt(),
                        attempts,
                        gaveUp ? GAVE_UP + attempts + " attempts: " + error : error));
                if (gaveUp) {
                    givenUp++;
                    retryAt.remove(key);
                } else {
                    retryAt.put(key, o.sentAt() + retry.backoffAfter(attempts));
                }
            }
            if (o.error() != null && gaveUp) {
                LOG.error(
                        "Alert sink {} failed {} times; giving up on this alert ({} discrepancies on {}): {}",
                        sink,
                        retry.maxAttempts(),
                        o.group().size(),
                        o.group().get(0).topic(),
                        o.error().getMessage());
            } else if (o.error() != null) {
                LOG.warn("Alert sink {} failed, will retry: {}", sink, o.error().getMessage());
            }
        }
    }

    /**
     * Finds, among the discrepancies waiting, the stalls whose OPEN alert was sent (by an earlier instance too: the
     * store keeps what was sent), so that a restart does not alert every bucket of a stalled edge again.
     */
    private void noteStallsAlerted() {
        for (Discrepancy d : pending.values()) {
            if (isOpenStall(d)) {
                for (AlertSink sink : sinks) {
                    if (state(d.id(), sink.name()).lastSentStatus().equals(statusKey(d))) {
                        noteStall(d, sink.name(), true);
                    }
                }
            }
        }
    }

    private void noteStall(Discrepancy d, String sink, boolean alerted) {
        String key = edgeKey(d) + '|' + sink;
        if (alerted) {
            stallAlerted.computeIfAbsent(key, k -> new HashSet<>()).add(d.id());
        } else if (stallAlerted.containsKey(key)) {
            stallAlerted.get(key).remove(d.id());
            if (stallAlerted.get(key).isEmpty()) {
                stallAlerted.remove(key);
            }
        }
    }

    private static boolean isOpenStall(Discrepancy d) {
        return d.kind() == Verdict.STALLED && d.status() == DiscrepancyStatus.OPEN;
    }

    private static String edgeKey(Discrepancy d) {
        return d.topic() + '|' + d.upstreamTier() + '|' + d.downstreamTier();
    }

    private boolean alerts(Discrepancy d) {
        TopicPolicy p = policies.apply(d.topic());
        if (d.kind() == Verdict.AUDIT_GAP || !p.alertKinds().contains(d.kind())) {
            return false;
        }
        return switch (d.kind()) {
            case LOSS -> d.missing() >= p.alertMinMissing();
            case DUPLICATION -> d.duplicated() >= p.alertMinDuplicated();
            case MIXED -> d.missing() >= p.alertMinMissing() || d.duplicated() >= p.alertMinDuplicated();
            default -> true;
        };
    }

    private AlertState state(UUID id, String sink) {
        return states.computeIfAbsent(
                id + "|" + sink, k -> store.alertState(id, sink).orElse(new AlertState(id, sink, "", 0, 0, "")));
    }

    private void record(AlertState state) {
        store.putAlertState(state);
        if (pending.containsKey(state.discrepancyId())) {
            states.put(state.discrepancyId() + "|" + state.sink(), state);
        }
    }

    private void forgetState(UUID id) {
        for (AlertSink sink : sinks) {
            states.remove(id + "|" + sink.name());
        }
    }

    private static String statusKey(Discrepancy d) {
        return d.status() == DiscrepancyStatus.OPEN ? "OPEN " + d.kind() : "RESOLVED";
    }

    private static String groupKey(Discrepancy d) {
        return d.topic() + '|' + d.upstreamTier() + '|' + d.downstreamTier() + '|' + d.kind() + '|' + d.status();
    }

    /** @return alerts delivered */
    public long sent() {
        return sent;
    }

    /** @return failed deliveries */
    public long failed() {
        return failed;
    }

    /** @return discrepancies given up on a sink after the most attempts */
    public long givenUp() {
        return givenUp;
    }

    /** @return discrepancies waiting to alert or to be retried */
    public int pending() {
        return pending.size();
    }

    /** Drops what waits to alert about {@code topics}: their new owner judges and alerts them. */
    public void forgetTopics(Set<String> topics) {
        stallAlerted.keySet().removeIf(key -> topics.contains(key.substring(0, key.indexOf('|'))));
        pending.values().removeIf(d -> {
            boolean gone = topics.contains(d.topic());
            if (gone) {
                forgetState(d.id());
            }
            return gone;
        });
    }

    /** Drops resolved discrepancies of buckets before {@code cutoff} that wait for nothing more. */
    public void evictBefore(long cutoff) {
        pending.values().removeIf(d -> {
            boolean gone = d.bucket().start() < cutoff && d.status() == DiscrepancyStatus.RESOLVED;
            if (gone) {
                forgetState(d.id());
            }
            return gone;
        });
    }

    /** @return alert states cached: those of the discrepancies that can still alert */
    int cachedStates() {
        return states.size();
    }

    /**
     * Lets deliveries in progress finish (at most {@code timeout}), stores their outcomes, and stops the workers.
     */
    public void close(Duration timeout) {
        workers.values().forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ExecutorService w : workers.values()) {
            try {
                w.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            w.shutdownNow();
        }
        takeOutcomes();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
