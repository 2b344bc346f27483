package io.tally.core;

/**
 * A fixed event-time interval {@code [start, start + sizeMs)}, in epoch milliseconds.
 *
 * <p>A message lands in the same bucket at every tier, however late it is seen there: {@code start} is
 * {@code floorDiv(eventTime, sizeMs) * sizeMs}, which also holds for negative (pre-1970) times. One size is used
 * across a deployment; records of different sizes are never merged.
 *
 * @param start  the first millisecond of the bucket; always a multiple of {@code sizeMs}
 * @param sizeMs the length of the bucket in milliseconds; positive
 */
public record Bucket(long start, long sizeMs) implements Comparable<Bucket> {

    /**
     * @throws IllegalArgumentException if {@code sizeMs <= 0} or {@code start} is not a multiple of it
     */
    public Bucket {
        checkSize(sizeMs);
        if (Math.floorMod(start, sizeMs) != 0) {
            throw new IllegalArgumentException(
                    "bucket start " + start + " is not a multiple of the bucket size " + sizeMs + " ms");
        }
    }

    /**
     * @return the bucket of size {@code sizeMs} that holds {@code eventTimeMs}
     * @throws IllegalArgumentException if {@code sizeMs <= 0}
     */
    public static Bucket of(long eventTimeMs, long sizeMs) {
        return new Bucket(startOf(eventTimeMs, sizeMs), sizeMs);
    }

    /**
     * The start of the bucket holding {@code eventTimeMs}, without allocating: the agent's hot path uses this.
     *
     * @throws IllegalArgumentException if {@code sizeMs <= 0}, or the bucket would start before
     *                                  {@link Long#MIN_VALUE}
     */
    public static long startOf(long eventTimeMs, long sizeMs) {
        checkSize(sizeMs);
        long offset = Math.floorMod(eventTimeMs, sizeMs);
        if (eventTimeMs < Long.MIN_VALUE + offset) {
            throw new IllegalArgumentException("event time " + eventTimeMs + " has no bucket of " + sizeMs + " ms");
        }
        return eventTimeMs - offset;
    }

    /** @return the first millisecond after the bucket; saturates at {@link Long#MAX_VALUE} */
    public long end() {
        long end = start + sizeMs;
        return end < start ? Long.MAX_VALUE : end;
    }

    /** @return whether {@code timeMs} falls in this bucket */
    public boolean contains(long timeMs) {
        return timeMs >= start && timeMs - start < sizeMs;
    }

    /** @return the bucket right after this one */
    public Bucket next() {
        return new Bucket(Math.addExact(start, sizeMs), sizeMs);
    }

    @Override
    public int compareTo(Bucket other) {
        int byStart = Long.compare(start, other.start);
        return byStart != 0 ? byStart : Long.compare(sizeMs, other.sizeMs);
    }

    private static void checkSize(long sizeMs) {
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("bucket size must be > 0 ms, was " + sizeMs);
        }
    }
}
