package io.tally.storage;

import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where Tally keeps what it knows: tier aggregates, tier progress, edge verdicts, discrepancies and alert state.
 *
 * <p>Every write is an idempotent upsert: writing the same value again changes nothing, and a newer cumulative
 * aggregate simply replaces the older one. Writes return once the data is stored; batch methods may write in
 * parallel. Implementations are thread-safe. Times are epoch milliseconds. Implementations:
 * {@link CassandraAuditStore} (the real one) and {@link InMemoryAuditStore} (a fake for tests), which pass the same
 * contract test.
 *
 * @throws StorageException from any method when the storage cannot be reached or fails
 */
public interface AuditStore extends AutoCloseable {

    /** Upserts cumulative aggregates, keyed by (topic, tier, bucket start). */
    void putAggregates(Collection<TierAggregate> aggregates);

    /** @return every tier's aggregate of {@code topic} for buckets starting in {@code [fromMs, toMs)}, by bucket */
    List<TierAggregate> aggregates(String topic, long fromMs, long toMs);

    /** Upserts a tier's progress on a topic, keyed by (tier, topic). */
    void putProgress(TierProgress progress);

    /** Upserts many tiers' progress; a store may write them concurrently. */
    default void putProgress(Collection<TierProgress> progress) {
        progress.forEach(this::putProgress);
    }

    /** @return the progress of every tier on every topic */
    List<TierProgress> progress();

    /** Upserts edge verdicts, keyed by (topic, bucket start, upstream tier, downstream tier). */
    void putVerdicts(Collection<EdgeVerdict> verdicts);

    /** @return the verdicts of {@code topic} for buckets starting in {@code [fromMs, toMs)}, by bucket */
    List<EdgeVerdict> verdicts(String topic, long fromMs, long toMs);

    /** Upserts rollups of verdicts, keyed by (hour, topic). */
    void putRollups(Collection<VerdictRollup> rollups);

    /** @return the rollups of every topic for the hours starting in {@code [fromMs, toMs)}, by hour then topic */
    List<VerdictRollup> rollups(long fromMs, long toMs);

    /**
     * Upserts a discrepancy by id. If the id is already stored, its first {@code detectedAt} is kept, so the
     * discrepancy stays one row wherever it is listed.
     *
     * @return the discrepancy as stored (with the kept detection time)
     */
    Discrepancy putDiscrepancy(Discrepancy discrepancy);

    /** @return the discrepancy with this id, if stored */
    Optional<Discrepancy> discrepancy(UUID id);

    /** @return the discrepancies the query selects; see {@link DiscrepancyQuery} for ranges and order */
    List<Discrepancy> discrepancies(DiscrepancyQuery query);

    /** Upserts what the reconciler knows about these agents (one row per instance). */
    void putAgents(Collection<AgentSnapshot> agents);

    /** @return every agent the store knows (within the retention) */
    List<AgentSnapshot> agents();

    /** Upserts what a sink last sent about a discrepancy, keyed by (discrepancy id, sink). */
    void putAlertState(AlertState state);

    /** @return what {@code sink} last sent about the discrepancy, if anything was recorded */
    Optional<AlertState> alertState(UUID discrepancyId, String sink);

    /**
     * Checks that the store answers: one cheap read of Tally's own tables (for health checks).
     *
     * @throws StorageException naming why it does not
     */
    void ping();

    /** Releases what the store holds (not a session it was given). */
    @Override
    void close();
}
