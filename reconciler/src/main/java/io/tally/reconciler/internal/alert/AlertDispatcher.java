package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.reconciler.AlertSink;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.storage.AlertState;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 *   <li>a failed sink keeps the discrepancy pending and tries again after a backoff; failures are counted.</li>
 * </ul>
 * Used by one thread.
 */
public final class AlertDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final long MAX_RETRY_MS = 300_000;

    private final List<AlertSink> sinks;
    private final AuditStore store;
    private final Function<String, TopicPolicy> policies;
    private final long dueAfterEndMs;
    private final long holdMs;
    private final Map<UUID, Discrepancy> pending = new LinkedHashMap<>();
    private final Map<String, AlertState> states = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private long sent;
    private long failed;

    /**
     * @param dueAfterEndMs how long after its bucket's end a discrepancy may alert (grace + hold)
     * @param holdMs        how long after it was detected a discrepancy may alert
     */
    public AlertDispatcher(List<AlertSink> sinks, AuditStore store, Function<String, TopicPolicy> policies,
            long dueAfterEndMs, long holdMs) {
        this.sinks = List.copyOf(sinks);
        this.store = store;
        this.policies = policies;
        this.dueAfterEndMs = dueAfterEndMs;
        this.holdMs = holdMs;
    }

    /** Takes new or changed discrepancies; the latest version of each is what alerts. */
    public void offer(List<Discrepancy> changed) {
        changed.forEach(d -> pending.put(d.id(), d));
    }

    /** Sends what is ready at {@code now}. */
    public void dispatch(long now) {
        Map<String, Map<String, List<Discrepancy>>> bySink = new LinkedHashMap<>();
        for (Iterator<Discrepancy> it = pending.values().iterator(); it.hasNext(); ) {
            Discrepancy d = it.next();
            if (d.status() == DiscrepancyStatus.OPEN && !alerts(d)) {
                it.remove();
                continue;
            }
            if (d.bucket().end() + dueAfterEndMs > now || d.detectedAt() + holdMs > now) {
                continue; // the hold counts from the bucket's due time and from the discrepancy's detection
            }
            boolean waiting = false;
            for (AlertSink sink : sinks) {
                String what = statusKey(d);
                String last = state(d.id(), sink.name()).lastSentStatus();
                boolean wanted = d.status() == DiscrepancyStatus.OPEN ? !last.equals(what) : last.startsWith("OPEN");
                if (!wanted) {
                    continue;
                }
                waiting = true;
                if (retryAt.getOrDefault(d.id() + "|" + sink.name(), Long.MIN_VALUE) <= now) {
                    bySink.computeIfAbsent(sink.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(groupKey(d), k -> new ArrayList<>()).add(d);
                }
            }
            if (!waiting) {
                it.remove();
            }
        }
        for (AlertSink sink : sinks) {
            Map<String, List<Discrepancy>> groups = bySink.get(sink.name());
            if (groups != null) {
                groups.values().forEach(group -> send(sink, group, now));
            }
        }
    }

    private void send(AlertSink sink, List<Discrepancy> group, long now) {
        group.sort(Comparator.comparingLong(d -> d.bucket().start()));
        Discrepancy first = group.get(0);
        Alert alert = new Alert(first.topic(), first.upstreamTier(), first.downstreamTier(), first.kind(),
                first.status(), group, now);
        try {
            sink.send(alert);
            sent++;
            for (Discrepancy d : group) {
                record(new AlertState(d.id(), sink.name(), statusKey(d), now, 0, ""));
                retryAt.remove(d.id() + "|" + sink.name());
            }
        } catch (AlertDeliveryException e) {
            failed++;
            LOG.warn("Alert sink {} failed, will retry: {}", sink.name(), e.getMessage());
            for (Discrepancy d : group) {
                AlertState old = state(d.id(), sink.name());
                int attempts = old.attempts() + 1;
                record(new AlertState(d.id(), sink.name(), old.lastSentStatus(), now, attempts, e.getMessage()));
                retryAt.put(d.id() + "|" + sink.name(), now + Math.min(MAX_RETRY_MS, 1_000L << Math.min(attempts, 20)));
            }
        }
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
        return states.computeIfAbsent(id + "|" + sink,
                k -> store.alertState(id, sink).orElse(new AlertState(id, sink, "", 0, 0, "")));
    }

    private void record(AlertState state) {
        store.putAlertState(state);
        states.put(state.discrepancyId() + "|" + state.sink(), state);
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

    /** @return discrepancies waiting to alert or to be retried */
    public int pending() {
        return pending.size();
    }

    /** Drops what waits to alert about {@code topics}: their new owner judges and alerts them. */
    public void forgetTopics(java.util.Set<String> topics) {
        pending.values().removeIf(d -> topics.contains(d.topic()));
    }

    /** Forgets cached alert state of discrepancies of buckets before {@code cutoff}. */
    public void evictBefore(long cutoff) {
        pending.values().removeIf(d -> d.bucket().start() < cutoff && d.status() == DiscrepancyStatus.RESOLVED);
        if (states.size() > 100_000) {
            states.clear();
        }
    }
}
