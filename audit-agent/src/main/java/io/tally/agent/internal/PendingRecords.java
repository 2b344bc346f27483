package io.tally.agent.internal;

import java.util.Arrays;

/**
 * The records of one partition from one poll that wait for a commit: per record its offset, event time, id and
 * size, so that a commit at any offset releases exactly the records below it (DESIGN.md, "Consumer counts follow
 * commits"), also one that cuts the poll's batch. About 28 bytes a record. Not thread-safe.
 */
final class PendingRecords {
    private long consumedAt;
    /** offsets are {@code firstOffset + index} until a gap (a compacted topic, transaction markers) fills them in */
    private boolean dense = true;

    private long firstOffset;
    private long[] offsets;
    private long[] times;
    private long[] ids;
    private int[] bytes;
    private int start;
    private int end;

    /** @param consumedAt when the poll returned them: their observation time */
    PendingRecords(long consumedAt, int expected) {
        this.consumedAt = consumedAt;
        int n = Math.max(1, expected);
        offsets = new long[n];
        times = new long[n];
        ids = new long[n];
        bytes = new int[n];
    }

    /** Empties it for another poll's records, keeping its arrays. */
    void reset(long consumedAt) {
        this.consumedAt = consumedAt;
        start = 0;
        end = 0;
        dense = true;
    }

    /** @return how many records it holds without growing */
    int capacity() {
        return times.length;
    }

    void add(long offset, long eventTime, long id, long size) {
        if (end == times.length) {
            int n = times.length * 2;
            offsets = Arrays.copyOf(offsets, n);
            times = Arrays.copyOf(times, n);
            ids = Arrays.copyOf(ids, n);
            bytes = Arrays.copyOf(bytes, n);
        }
        if (end == 0) {
            firstOffset = offset;
        } else if (dense && offset != firstOffset + end) {
            dense = false;
            for (int i = 0; i < end; i++) {
                offsets[i] = firstOffset + i;
            }
        }
        if (!dense) {
            offsets[end] = offset;
        }
        times[end] = eventTime;
        ids[end] = id;
        bytes[end] = (int) Math.min(Integer.MAX_VALUE, size);
        end++;
    }

    boolean isEmpty() {
        return start == end;
    }

    int size() {
        return end - start;
    }

    private long offset(int i) {
        return dense ? firstOffset + i : offsets[i];
    }

    /** @return the offset of the first record waiting */
    long first() {
        return offset(start);
    }

    /** @return the offset after the last record waiting */
    long next() {
        return offset(end - 1) + 1;
    }

    long consumedAt() {
        return consumedAt;
    }

    /**
     * Counts the records below {@code upTo} into {@code into} and removes them.
     *
     * @param dropped told of each record the agent's bucket bound kept out, with its event time
     */
    void releaseBelow(long upTo, BucketSet into, java.util.function.LongConsumer dropped) {
        int limit = limitBelow(upTo);
        long[] t = times;
        long[] id = ids;
        int[] b = bytes;
        long at = consumedAt;
        for (int i = start; i < limit; i++) {
            if (!into.count(t[i], at, b[i], id[i])) {
                dropped.accept(t[i]);
            }
        }
        start = limit;
    }

    /** Removes the records below {@code upTo}, telling {@code dropped} the event time of each; @return how many */
    int dropBelow(long upTo, java.util.function.LongConsumer dropped) {
        int limit = limitBelow(upTo);
        long[] t = times;
        for (int i = start; i < limit; i++) {
            dropped.accept(t[i]);
        }
        int removed = limit - start;
        start = limit;
        return removed;
    }

    /** Removes every record left, telling {@code dropped} the event time of each. */
    void dropAll(java.util.function.LongConsumer dropped) {
        long[] t = times;
        for (int i = start; i < end; i++) {
            dropped.accept(t[i]);
        }
        start = end;
    }

    /** Removes the records below {@code upTo} without counting them; @return how many */
    int removeBelow(long upTo) {
        int limit = limitBelow(upTo);
        int removed = limit - start;
        start = limit;
        return removed;
    }

    /** @return the index where the records at or above {@code upTo} begin */
    private int limitBelow(long upTo) {
        if (dense) {
            // offsets follow the index: the records below upTo end at a computed index, no offset compared
            long below = upTo - firstOffset;
            return below >= end ? end : (int) Math.max(start, below);
        }
        int limit = start;
        while (limit < end && offsets[limit] < upTo) {
            limit++;
        }
        return limit;
    }

    /** Removes the records at or above {@code from}; @return how many */
    int removeFrom(long from) {
        int before = end;
        while (end > start && offset(end - 1) >= from) {
            end--;
        }
        return before - end;
    }
}
