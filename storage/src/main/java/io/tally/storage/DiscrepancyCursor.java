package io.tally.storage;

import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * Where a page of {@link AuditStore#discrepancies} ended: the sort position and id of its last discrepancy. The
 * next page starts strictly after it, in the query's order (newest position first, then id ascending), so pages
 * neither overlap nor skip a discrepancy, even one written between the two reads at an older position.
 *
 * @param position the last discrepancy's bucket start (a query with a topic) or detection time (without), epoch ms
 * @param id       the last discrepancy's id
 */
public record DiscrepancyCursor(long position, UUID id) {
    /**
     * The order of ids within one position: Cassandra's order of name-based UUIDs, their 16 bytes compared unsigned
     * (not {@link UUID#compareTo}, which compares signed halves).
     */
    public static final Comparator<UUID> ID_ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    public DiscrepancyCursor {
        Objects.requireNonNull(id, "id");
    }

    /** @return the cursor just after {@code d} in the order of {@code query} */
    public static DiscrepancyCursor after(Discrepancy d, DiscrepancyQuery query) {
        return new DiscrepancyCursor(query.positionOf(d), d.id());
    }

    /** @return whether {@code d} comes after this cursor in the order of {@code query} */
    public boolean precedes(Discrepancy d, DiscrepancyQuery query) {
        long p = query.positionOf(d);
        return p < position || (p == position && ID_ORDER.compare(d.id(), id) > 0);
    }
}
