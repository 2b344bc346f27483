package io.tally.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when told to: for tests of anything that reads time, Tally's or the user's.
 * Thread-safe.
 */
public final class ManualClock implements Clock {
    private final AtomicLong now;

    /** @param startMillis the initial time, epoch milliseconds */
    public ManualClock(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return now.get();
    }

    /** Moves the clock to {@code millis}, which may be earlier than now (clocks do jump back). */
    public void set(long millis) {
        now.set(millis);
    }

    /**
     * Moves the clock forward.
     *
     * @return the new time
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public long advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("advance must be >= 0 ms, was " + millis);
        }
        return now.addAndGet(millis);
    }

    /** Moves the clock forward by {@code duration}; see {@link #advance(long)}. */
    public long advance(Duration duration) {
        return advance(duration.toMillis());
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "]";
    }
}
