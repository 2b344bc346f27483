package io.tally.reconciler.internal.state;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The aggregates of one topic, by bucket start and tier, each bucket with a version that grows when one of its
 * aggregates changes. Also each tier's first reported bucket. Not thread-safe.
 */
final class BucketTable {
    /** One bucket's aggregates. */
    static final class Slot {
        final Bucket bucket;
        final Map<String, TierAggregate> tiers = new HashMap<>(4);
        /**
         * Tier → the latest start without state of the aggregator after which the tier counted in this bucket again:
         * its total is the higher of two states' totals, not their sum; null while no tier has one.
         */
        Map<String, Long> restarted;

        long version;

        Slot(Bucket bucket) {
            this.bucket = bucket;
        }

        /** @return when the aggregator restarted without the state of {@code tier}'s counts here, or null */
        Long restartedAt(String tier) {
            return restarted == null ? null : restarted.get(tier);
        }
    }

    private final NavigableMap<Long, Slot> buckets = new TreeMap<>();
    private final Map<String, Long> firstBucket = new HashMap<>();

    /**
     * Keeps {@code a} unless the tier's aggregate of the bucket already merges more audit records: totals are
     * cumulative, so a lower one is an older state the aggregator published again after a restore (its sink is
     * at-least-once), which would otherwise be judged as a transient loss.
     *
     * <p>Across two states of the aggregator (their {@link TierAggregate#stateSince()} differ: it started without
     * the state of the earlier one) totals do not add up, each counts from zero: the higher count is kept, so that the
     * bucket's count never goes down, and the bucket is marked as counted across that restart.
     *
     * @return {@link Put#STALE} if it was not kept, {@link Put#LOWER_STATE} if it was not kept being another state's
     *         lower total, {@link Put#EARLIER} if the tier's first bucket moved earlier (older buckets must be judged
     *         again), else {@link Put#KEPT}
     */
    Put put(TierAggregate a, long version) {
        Slot slot = buckets.computeIfAbsent(a.bucket().start(), k -> new Slot(a.bucket()));
        TierAggregate before = slot.tiers.get(a.tier());
        if (before != null && otherState(before, a)) {
            long restart = Math.max(before.stateSince(), a.stateSince());
            if (slot.restarted == null) {
                slot.restarted = new HashMap<>(4);
            }
            slot.restarted.merge(a.tier(), restart, Math::max);
            slot.version = version; // judged again, saying it
            if (before.count() >= a.count()) {
                return Put.LOWER_STATE;
            }
        } else if (before != null && before.records() > a.records()) {
            return Put.STALE;
        }
        slot.tiers.put(a.tier(), a);
        slot.version = version;
        Long first = firstBucket.get(a.tier());
        if (first == null || a.bucket().start() < first) {
            firstBucket.put(a.tier(), a.bucket().start());
            return first != null ? Put.EARLIER : Put.KEPT;
        }
        return Put.KEPT;
    }

    /** @return whether two aggregates of one tier and bucket come from states of the aggregator that both say so */
    private static boolean otherState(TierAggregate a, TierAggregate b) {
        return a.stateSince() != TierAggregate.UNKNOWN_STATE
                && b.stateSince() != TierAggregate.UNKNOWN_STATE
                && a.stateSince() != b.stateSince();
    }

    /** What {@link #put} did. */
    enum Put {
        KEPT,
        EARLIER,
        STALE,
        LOWER_STATE
    }

    /** Marks every bucket changed. */
    void touchAll(long version) {
        buckets.values().forEach(s -> s.version = version);
    }

    /** Marks one bucket changed, if it is known. */
    void touch(long bucketStart, long version) {
        Slot slot = buckets.get(bucketStart);
        if (slot != null) {
            slot.version = version;
        }
    }

    Slot slot(long bucketStart) {
        return buckets.get(bucketStart);
    }

    NavigableMap<Long, Slot> buckets() {
        return buckets;
    }

    Set<String> tiers() {
        return firstBucket.keySet();
    }

    /** @return the tier's first reported bucket start, or {@link Long#MAX_VALUE} */
    long firstBucket(String tier) {
        return firstBucket.getOrDefault(tier, Long.MAX_VALUE);
    }

    /** Records that a tier reported progress at {@code timeMs} (its first bucket is no later than that). */
    boolean seenAt(String tier, long bucketStart) {
        Long first = firstBucket.get(tier);
        if (first == null || bucketStart < first) {
            firstBucket.put(tier, bucketStart);
            return first != null;
        }
        return false;
    }

    /** Drops buckets that start before {@code cutoff}; @return how many */
    int evictBefore(long cutoff) {
        NavigableMap<Long, Slot> old = buckets.headMap(cutoff, false);
        int n = old.size();
        old.clear();
        return n;
    }

    int size() {
        return buckets.size();
    }
}
