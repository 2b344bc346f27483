package io.tally.storage;

/**
 * Which discrepancies {@link AuditStore#discrepancies} returns.
 *
 * <p>With a topic, {@code [fromMs, toMs)} bounds the <em>bucket start</em> and results come newest bucket first;
 * without one it bounds the <em>detection time</em> and results come newest detection first; ties in either order
 * come by ascending id ({@link DiscrepancyCursor#ID_ORDER}). Kind and status filter further when set.
 * With {@code after}, results start strictly after that cursor, which pages through a long result.
 *
 * @param topic  the topic, or null for every topic
 * @param kind   the kind, or null for any
 * @param status the status, or null for any
 * @param fromMs inclusive lower bound, epoch ms
 * @param toMs   exclusive upper bound, epoch ms
 * @param limit  most results returned; positive
 * @param after  where the previous page ended, or null for the first page
 */
public record DiscrepancyQuery(
        String topic,
        Verdict kind,
        DiscrepancyStatus status,
        long fromMs,
        long toMs,
        int limit,
        DiscrepancyCursor after) {
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
        return new DiscrepancyQuery(null, null, null, fromMs, toMs, MAX_LIMIT, null);
    }

    /** Every discrepancy of {@code topic} for buckets starting in {@code [fromMs, toMs)}. */
    public static DiscrepancyQuery ofTopic(String topic, long fromMs, long toMs) {
        return new DiscrepancyQuery(topic, null, null, fromMs, toMs, MAX_LIMIT, null);
    }

    /** @return this query restricted to one kind */
    public DiscrepancyQuery withKind(Verdict newKind) {
        return new DiscrepancyQuery(topic, newKind, status, fromMs, toMs, limit, after);
    }

    /** @return this query restricted to one status */
    public DiscrepancyQuery withStatus(DiscrepancyStatus newStatus) {
        return new DiscrepancyQuery(topic, kind, newStatus, fromMs, toMs, limit, after);
    }

    /** @return this query with another limit */
    public DiscrepancyQuery withLimit(int newLimit) {
        return new DiscrepancyQuery(topic, kind, status, fromMs, toMs, newLimit, after);
    }

    /** @return this query starting strictly after {@code cursor} (null: from the first result) */
    public DiscrepancyQuery withAfter(DiscrepancyCursor cursor) {
        return new DiscrepancyQuery(topic, kind, status, fromMs, toMs, limit, cursor);
    }

    /** @return the position of {@code d} in this query's order: its bucket start with a topic, else its detection */
    public long positionOf(Discrepancy d) {
        return topic != null ? d.bucket().start() : d.detectedAt();
    }

    /** @return whether {@code d} passes the kind and status filters (not the range) */
    public boolean matchesFilters(Discrepancy d) {
        return (kind == null || d.kind() == kind)
                && (status == null || d.status() == status)
                && (topic == null || d.topic().equals(topic));
    }
}
