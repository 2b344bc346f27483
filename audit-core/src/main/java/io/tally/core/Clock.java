package io.tally.core;

/**
 * The source of wall-clock time for every Tally component, injected so that tests can drive time by hand.
 *
 * <p>Implementations are thread-safe. {@link #system()} is the only place in Tally that reads the system clock.
 */
public interface Clock {

    /** @return the current time in epoch milliseconds */
    long millis();

    /** @return the clock backed by {@link System#currentTimeMillis()} */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** The system clock; a separate type so that it shows up as one class in a search for time reads. */
    enum SystemClock implements Clock {
        INSTANCE;

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return "Clock.system()";
        }
    }
}
