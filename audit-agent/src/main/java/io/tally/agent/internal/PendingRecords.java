package io.tally.agent.internal;

import java.util.Arrays;

/**
 * The records of one partition from one poll that wait for a commit: per record its offset, event time, id and
 * size, so that a commit at any offset releases exactly the records below it (DESIGN.md, "Consumer counts follow
 * commits"), also one that cuts the poll's batch. About 28 bytes a record. Not thread-safe.
 */
final class PendingRecords {
    private final long consumedAt;
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

    void add(long offset, long eventTime, long id, long size) {
        if (end == offsets.length) {
            int n = offsets.length * 2;
            offsets = Arrays.copyOf(offsets, n);
            times = Arrays.copyOf(times, n);
            ids = Arrays.copyOf(ids, n);
            bytes = Arrays.copyOf(bytes, n);
        }
        offsets[end] = offset;
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

    /** @return the offset of the first record waiting */
    long first() {
        return offsets[start];
    }

    /** @return the offset after the last record waiting */
    long next() {
        return offsets[end - 1] + 1;
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
        while (start < end && offsets[start] < upTo) {
            if (!into.count(times[start], consumedAt, bytes[start], ids[start])) {
                dropped.accept(times[start]);
            }
            start++;
        }
    }

    /** Removes the records at or above {@code from}; @return how many */
    int removeFrom(long from) {
        int before = end;
        while (end > start && offsets[end - 1] >= from) {
            end--;
        }
        return before - end;
    }
}
