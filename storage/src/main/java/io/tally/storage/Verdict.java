package io.tally.storage;

/**
 * The judgement of one edge (upstream tier → downstream tier) of a topic for one bucket. The kinds a
 * {@link Discrepancy} can have are those with {@link #isDiscrepancy()}.
 */
public enum Verdict {
    /** Not final yet: a tier's watermark has not passed the bucket end plus the grace period. */
    PENDING(false),
    /** Not final, and a tier stopped progressing while upstream has data past it: lag, not loss. */
    STALLED(true),
    /** Every message arrived once, in time. */
    COMPLETE(false),
    /** Fewer messages downstream than upstream. */
    LOSS(true),
    /** More messages downstream than upstream. */
    DUPLICATION(true),
    /** Both missing and extra messages (the id digest can tell even when the counts agree). */
    MIXED(true),
    /** Counts agree but the configured latency percentile of the downstream tier is over the topic's SLA. */
    LATENCY(true),
    /**
     * A difference the audit itself can explain (an agent that died without its closing record, the aggregator
     * restarted without its state): shown, not alerted.
     */
    AUDIT_GAP(true),
    /** The bucket is before a tier's first observed bucket: the tier never saw it. */
    NOT_OBSERVED(false),
    /** The edge is not judged by configuration (for example a consumer of a compacted topic). */
    NOT_JUDGED(false);

    private final boolean discrepancy;

    Verdict(boolean discrepancy) {
        this.discrepancy = discrepancy;
    }

    /** @return whether this verdict is recorded as a {@link Discrepancy} */
    public boolean isDiscrepancy() {
        return discrepancy;
    }

    /** @return whether the bucket has been judged (the verdict can only change with late data) */
    public boolean isFinal() {
        return this != PENDING && this != STALLED;
    }
}
