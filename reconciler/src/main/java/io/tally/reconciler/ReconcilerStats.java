package io.tally.reconciler;

/**
 * Counters of a running reconciler, since it started.
 *
 * @param aggregatesStored aggregates written to the store
 * @param progressStored   progress rows written
 * @param evaluations      evaluation ticks
 * @param judged           edge-buckets judged
 * @param bucketsHeld      topic-buckets held in memory now
 * @param alertsSent       alerts delivered (over all sinks)
 * @param alertFailures    failed alert deliveries
 */
public record ReconcilerStats(
        long aggregatesStored,
        long progressStored,
        long evaluations,
        long judged,
        long bucketsHeld,
        long alertsSent,
        long alertFailures) {}
