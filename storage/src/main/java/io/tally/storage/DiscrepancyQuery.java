package io.tally.storage;

import java.util.Optional;

/**
 * Which discrepancies {@link AuditStore#discrepancies} returns.
 *
 * <p>With a topic, {@code [fromMs, toMs)} bounds the <em>bucket start</em> and results come newest bucket first;
 * without one it bounds the <em>detection time</em> and results come newest detection first. Kind and status
 * filter further when set.
 *
 * @param topic  the topic, or null for every topic
 * @param kind   the kind, or null for any
 * @param status the status, or null for any
 * @param fromMs inclusive lower bound, epoch ms
 * @param toMs   exclusive upper bound, epoch ms
 * @param limit  most results returned; positive
 */
public record DiscrepancyQuery(String topic, Verdict kind, DiscrepancyStatus status, long fromMs, long toMs,
        int limit) {
    /** Default and largest limit. */
    public static final int MAX_LIMIT = 10_000;

    /** @throws IllegalArgumentException if the range is empty or reversed, or the limit is out of range */
    public DiscrepancyQuery {
        if (toMs <= fromMs) {
            throw new IllegalArgumentException("to (" + toMs + ") must be after from (" + fromMs + ")");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "], was " + limit);
        }
        if (kind != null && !kind.isDiscrepancy()) {
            throw new IllegalArgumentException("kind " + kind + " is not a discrepancy kind");
        }
    }

    /** Every discrepancy of every topic detected in {@code [fromMs, toMs)}, up to {@link #MAX_LIMIT}. */
    public static DiscrepancyQuery detectedBetween(long fromMs, long toMs) {
        return new DiscrepancyQuery(null, null, null, fromMs, toMs, MAX_LIMIT);
    }

    /** Every discrepancy of {@code topic} for buckets starting in {@code [fromMs, toMs)}. */
    public static DiscrepancyQuery ofTopic(String topic, long fromMs, long toMs) {
        return new DiscrepancyQuery(topic, null, null, fromMs, toMs, MAX_LIMIT);
    }

    /** @return this query restricted to one kind */
    public DiscrepancyQuery withKind(Verdict newKind) {
        return new DiscrepancyQuery(topic, newKind, status, fromMs, toMs, limit);
    }

    /** @return this query restricted to one status */
    public DiscrepancyQuery withStatus(DiscrepancyStatus newStatus) {
        return new DiscrepancyQuery(topic, kind, newStatus, fromMs, toMs, limit);
    }

    /** @return this query with another limit */
    public DiscrepancyQuery withLimit(int newLimit) {
        return new DiscrepancyQuery(topic, kind, status, fromMs, toMs, newLimit);
    }

    /** @return the topic, if the query has one */
    public Optional<String> topicFilter() {
        return Optional.ofNullable(topic);
    }

    /** @return whether {@code d} passes the kind and status filters (not the range) */
    public boolean matchesFilters(Discrepancy d) {
        return (kind == null || d.kind() == kind) && (status == null || d.status() == status)
                && (topic == null || d.topic().equals(topic));
    }
}
