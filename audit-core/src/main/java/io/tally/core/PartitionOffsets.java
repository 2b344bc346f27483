package io.tally.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Maps of partition → offset, as the wire messages carry them: the lowest and highest offset a tier counted in a
 * bucket, or the offset a tier started reading a partition at. They are what anchors NOT_OBSERVED to where a tier started
 * (DESIGN.md, "Late starters"): a bucket some of whose records lie below a tier's start offsets is not observed by
 * that tier, whatever event times the tier saw first; and a bucket with a record at or above a group's committed
 * offset is not processed by that group yet, whatever its watermark says. Thread-safe; all methods are static.
 */
public final class PartitionOffsets {
    private PartitionOffsets() {}

    /**
     * @return a sorted, unmodifiable copy
     * @throws IllegalArgumentException if a partition or an offset is negative
     */
    public static Map<Integer, Long> copyOf(Map<Integer, Long> offsets) {
        if (offsets.isEmpty()) {
            return Map.of();
        }
        TreeMap<Integer, Long> copy = new TreeMap<>();
        offsets.forEach((partition, offset) -> copy.put(
                (int) Names.nonNegative("partition", Objects.requireNonNull(partition)),
                Names.nonNegative("offset", Objects.requireNonNull(offset))));
        return Collections.unmodifiableMap(copy);
    }

    /** @return per partition the lower offset of the two; unmodifiable */
    public static Map<Integer, Long> min(Map<Integer, Long> a, Map<Integer, Long> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        TreeMap<Integer, Long> out = new TreeMap<>(a);
        b.forEach((partition, offset) -> out.merge(partition, offset, Math::min));
        return Collections.unmodifiableMap(out);
    }

    /** @return per partition the higher offset of the two; unmodifiable */
    public static Map<Integer, Long> max(Map<Integer, Long> a, Map<Integer, Long> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        TreeMap<Integer, Long> out = new TreeMap<>(a);
        b.forEach((partition, offset) -> out.merge(partition, offset, Math::max));
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param lastOffsets     partition → the highest offset a tier counted in a bucket
     * @param committedOffsets partition → a consumer group's committed offset (the next offset it will read)
     * @return the first partition with a record of the bucket at or above the group's commit there (or without a
     *         commit there at all), or -1 if none: the group has processed every record of the bucket, as far as
     *         these partitions tell
     */
    public static int uncommitted(Map<Integer, Long> lastOffsets, Map<Integer, Long> committedOffsets) {
        for (Map.Entry<Integer, Long> e : lastOffsets.entrySet()) {
            Long committed = committedOffsets.get(e.getKey());
            if (committed == null || committed <= e.getValue()) {
                return e.getKey();
            }
        }
        return -1;
    }

    /**
     * @param firstOffsets the lowest offset per partition among the records a tier counted in a bucket
     * @param startOffsets the offset per partition another tier started reading at
     * @return the first partition on which the bucket has a record below the start, or -1 if none has: the other
     *         tier read the whole bucket, as far as these partitions tell
     */
    public static int startedInside(Map<Integer, Long> firstOffsets, Map<Integer, Long> startOffsets) {
        for (Map.Entry<Integer, Long> e : firstOffsets.entrySet()) {
            Long start = startOffsets.get(e.getKey());
            if (start != null && e.getValue() < start) {
                return e.getKey();
            }
        }
        return -1;
    }

    /**
     * @param firstOffsets the lowest offset per partition among the records a tier counted in a bucket
     * @param lastOffsets  the highest offset per partition among them
     * @param startOffsets the offset per partition another tier started reading at
     * @return at most how many of those records lie below where the other tier started, on every partition: the
     *         offsets between the bucket's first record there and the start (a bound: a transaction's marker takes
     *         an offset too)
     */
    public static long belowStarts(
            Map<Integer, Long> firstOffsets, Map<Integer, Long> lastOffsets, Map<Integer, Long> startOffsets) {
        long below = 0;
        for (Map.Entry<Integer, Long> e : firstOffsets.entrySet()) {
            Long start = startOffsets.get(e.getKey());
            Long last = lastOffsets.get(e.getKey());
            if (start != null && last != null && e.getValue() < start) {
                below += Math.min(start, last + 1) - e.getValue();
            }
        }
        return below;
    }
}
