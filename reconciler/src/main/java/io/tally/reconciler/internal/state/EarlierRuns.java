package io.tally.reconciler.internal.state;

import io.tally.core.TierAggregate;
import io.tally.storage.AuditStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The totals an earlier run of the aggregator counted, taken back from the store for buckets a later run counts
 * again. An aggregator started without its state counts from zero; the reconciler keeps the higher total of a bucket
 * counted by both runs and judges it knowing so ({@link Reconciliation#accept(TierAggregate)}). But the aggregates
 * topic is compacted: once it keeps only the later run's record of a key, a reconciler that replays it (a restart, a
 * partition handed over) would see the lower total alone, judge the bucket on it and page a loss. The store still has
 * the higher total with the run that counted it ({@code state_since}), and is read for it, once per bucket that began
 * before the run that reports it. Used by one thread.
 */
public final class EarlierRuns {
    private static final Logger LOG = LoggerFactory.getLogger(EarlierRuns.class);
    /** Buckets looked up, bounded: forgetting one costs a second read of the store, never a wrong total. */
    private static final int MAX_REMEMBERED = 100_000;

    private final AuditStore store;
    private final Set<String> lookedUp = new HashSet<>();

    public EarlierRuns(AuditStore store) {
        this.store = store;
    }

    /**
     * @return the stored aggregates of {@code a}'s tier and bucket that another run of the aggregator counted, to be
     *     accepted before it; empty when its bucket began after its run did (no earlier run counted it), when the bucket
     *     was looked up already, or when the store cannot be read (said, and judged on what the topic holds)
     */
    public List<TierAggregate> before(TierAggregate a) {
        if (a.stateSince() == TierAggregate.UNKNOWN_STATE || a.bucket().start() >= a.stateSince()) {
            return List.of();
        }
        if (lookedUp.size() >= MAX_REMEMBERED) {
            lookedUp.clear();
        }
        if (!lookedUp.add(a.topic() + '|' + a.tier() + '|' + a.bucket().start())) {
            return List.of();
        }
        try {
            return store.aggregates(a.topic(), a.bucket().start(), a.bucket().start() + 1).stream()
                    .filter(s -> s.tier().equals(a.tier())
                            && s.stateSince() != TierAggregate.UNKNOWN_STATE
                            && s.stateSince() != a.stateSince())
                    .toList();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not read the stored totals of {} bucket {} ({}): it is judged on the aggregates topic's",
                    a.topic(),
                    a.bucket().start(),
                    e.toString());
            return List.of();
        }
    }
}
