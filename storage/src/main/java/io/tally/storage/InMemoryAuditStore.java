package io.tally.storage;

import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link AuditStore} in memory: for tests of code that uses a store, and for trying Tally without Cassandra.
 * It passes the same contract test as {@link CassandraAuditStore}; it has no TTL. Thread-safe (every method is
 * synchronized); nothing survives the JVM.
 */
public final class InMemoryAuditStore implements AuditStore {
    private final Map<String, TierAggregate> aggregates = new TreeMap<>();
    private final Map<String, TierProgress> progress = new TreeMap<>();
    private final Map<String, EdgeVerdict> verdicts = new TreeMap<>();
    private final Map<String, VerdictRollup> rollups = new TreeMap<>();
    private final Map<UUID, Discrepancy> discrepancies = new ConcurrentHashMap<>();
    private final Map<String, AlertState> alertStates = new ConcurrentHashMap<>();
    private final Map<String, AgentSnapshot> agents = new ConcurrentHashMap<>();

    @Override
    public synchronized void putAggregates(Collection<TierAggregate> batch) {
        batch.forEach(a -> aggregates.put(a.key(), a));
    }

    @Override
    public synchronized List<TierAggregate> aggregates(String topic, long fromMs, long toMs) {
        return aggregates.values().stream()
                .filter(a -> a.topic().equals(topic)
                        && a.bucket().start() >= fromMs
                        && a.bucket().start() < toMs)
                .sorted(Comparator.comparing(TierAggregate::bucket).thenComparing(TierAggregate::tier))
                .toList();
    }

    @Override
    public synchronized void putProgress(TierProgress p) {
        progress.put(p.tier() + '|' + p.topic(), p);
    }

    @Override
    public synchronized List<TierProgress> progress() {
        return List.copyOf(progress.values());
    }

    @Override
    public synchronized void putVerdicts(Collection<EdgeVerdict> batch) {
        batch.forEach(v -> verdicts.put(
                v.topic() + '|' + v.bucket().start() + '|' + v.upstreamTier() + '|' + v.downstreamTier(), v));
    }

    @Override
    public synchronized List<EdgeVerdict> verdicts(String topic, long fromMs, long toMs) {
        return verdicts.values().stream()
                .filter(v -> v.topic().equals(topic)
                        && v.bucket().start() >= fromMs
                        && v.bucket().start() < toMs)
                .sorted(Comparator.comparing(EdgeVerdict::bucket)
                        .thenComparing(EdgeVerdict::upstreamTier)
                        .thenComparing(EdgeVerdict::downstreamTier))
                .toList();
    }

    @Override
    public synchronized void putRollups(Collection<VerdictRollup> batch) {
        batch.forEach(r -> rollups.put(r.hourStart() + "|" + r.topic(), r));
    }

    @Override
    public synchronized List<VerdictRollup> rollups(long fromMs, long toMs) {
        return rollups.values().stream()
                .filter(r -> r.hourStart() >= fromMs && r.hourStart() < toMs)
                .sorted(Comparator.comparingLong(VerdictRollup::hourStart).thenComparing(VerdictRollup::topic))
                .toList();
    }

    @Override
    public synchronized Discrepancy putDiscrepancy(Discrepancy d) {
        Discrepancy existing = discrepancies.get(d.id());
        Discrepancy stored = existing == null ? d : d.withDetectedAt(existing.detectedAt());
        discrepancies.put(d.id(), stored);
        return stored;
    }

    @Override
    public Optional<Discrepancy> discrepancy(UUID id) {
        return Optional.ofNullable(discrepancies.get(id));
    }

    @Override
    public synchronized List<Discrepancy> discrepancies(DiscrepancyQuery q) {
        List<Discrepancy> result = new ArrayList<>();
        for (Discrepancy d : discrepancies.values()) {
            long t = q.topic() != null ? d.bucket().start() : d.detectedAt();
            if (t >= q.fromMs()
                    && t < q.toMs()
                    && q.matchesFilters(d)
                    && (q.after() == null || q.after().precedes(d, q))) {
                result.add(d);
            }
        }
        Comparator<Discrepancy> order = q.topic() != null
                ? Comparator.comparingLong((Discrepancy d) -> d.bucket().start())
                        .reversed()
                : Comparator.comparingLong(Discrepancy::detectedAt).reversed();
        result.sort(order.thenComparing(Discrepancy::id, DiscrepancyCursor.ID_ORDER));
        return List.copyOf(result.subList(0, Math.min(result.size(), q.limit())));
    }

    @Override
    public void putAgents(Collection<AgentSnapshot> snapshots) {
        snapshots.forEach(a -> agents.put(a.instanceId(), a));
    }

    @Override
    public List<AgentSnapshot> agents() {
        return List.copyOf(agents.values());
    }

    @Override
    public void putAlertState(AlertState state) {
        alertStates.put(state.discrepancyId() + "|" + state.sink(), state);
    }

    @Override
    public Optional<AlertState> alertState(UUID discrepancyId, String sink) {
        return Optional.ofNullable(alertStates.get(discrepancyId + "|" + sink));
    }

    @Override
    public void ping() {
        // always reachable
    }

    @Override
    public void close() {
        // nothing to release
    }
}
