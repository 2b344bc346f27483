package io.tally.reconciler.internal.topology;

import io.tally.storage.Verdict;
import java.util.Set;

/**
 * How one topic is judged and alerted.
 *
 * @param compacted          the topic is compacted: consumer edges are judged only where the topology says so
 * @param latencySlaMs       the downstream latency percentile above which a bucket is LATENCY; 0 = no SLA
 * @param latencyPercentile  the percentile compared with the SLA, in (0, 1]
 * @param alertMinMissing    smallest missing count that alerts (LOSS, MIXED)
 * @param alertMinDuplicated smallest extra count that alerts (DUPLICATION, MIXED)
 * @param alertKinds         discrepancy kinds that alert at all (AUDIT_GAP never does)
 * @param partialProducers   some writers of the topic carry no agent (a rollout, a Kafka Connect source, a service
 *                           in another language): the producer tier's edges are judged for loss only, and the log
 *                           tier is the reference for the tiers below it
 */
public record TopicPolicy(
        boolean compacted,
        long latencySlaMs,
        double latencyPercentile,
        long alertMinMissing,
        long alertMinDuplicated,
        Set<Verdict> alertKinds,
        boolean partialProducers) {

    /** The kinds that alert by default. */
    public static final Set<Verdict> DEFAULT_ALERT_KINDS =
            Set.of(Verdict.LOSS, Verdict.DUPLICATION, Verdict.MIXED, Verdict.LATENCY, Verdict.STALLED);

    /** @throws IllegalArgumentException naming the bad value */
    public TopicPolicy {
        if (latencySlaMs < 0) {
            throw new IllegalArgumentException("latencySlaMs must be >= 0, was " + latencySlaMs);
        }
        if (!(latencyPercentile > 0 && latencyPercentile <= 1)) {
            throw new IllegalArgumentException("latencyPercentile must be in (0, 1], was " + latencyPercentile);
        }
        if (alertMinMissing < 1 || alertMinDuplicated < 1) {
            throw new IllegalArgumentException(
                    "alert thresholds must be >= 1, were " + alertMinMissing + " and " + alertMinDuplicated);
        }
        alertKinds = Set.copyOf(alertKinds);
    }

    /** A policy whose producers are all instrumented. */
    public TopicPolicy(
            boolean compacted,
            long latencySlaMs,
            double latencyPercentile,
            long alertMinMissing,
            long alertMinDuplicated,
            Set<Verdict> alertKinds) {
        this(compacted, latencySlaMs, latencyPercentile, alertMinMissing, alertMinDuplicated, alertKinds, false);
    }

    /** Any loss or duplication alerts; no SLA; not compacted. */
    public static TopicPolicy defaults() {
        return new TopicPolicy(false, 0, 0.99, 1, 1, DEFAULT_ALERT_KINDS);
    }
}
