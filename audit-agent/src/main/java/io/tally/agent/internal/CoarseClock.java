package io.tally.agent.internal;

import io.tally.core.Clock;

/**
 * The system clock read once a millisecond by a daemon thread, so that counting a message costs a volatile read
 * instead of a clock call (about 30 ns on virtual machines). The thread runs while at least one agent uses it.
 */
final class CoarseClock implements Clock {
    private static final Object LOCK = new Object();
    private static CoarseClock shared;
    private static int users;

    private final Clock source;
    private volatile long now;
    private volatile boolean running = true;

    private CoarseClock(Clock source) {
        this.source = source;
        this.now = source.millis();
        Thread ticker = new Thread(this::tick, "tally-agent-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** @return the shared clock; call {@link #release()} when done with it */
    static Clock acquire() {
        synchronized (LOCK) {
            if (shared == null) {
                shared = new CoarseClock(Clock.system());
            }
            users++;
            return shared;
        }
    }

    static void release() {
        synchronized (LOCK) {
            if (--users == 0 && shared != null) {
                shared.running = false;
                shared = null;
            }
        }
    }

    @Override
    public long millis() {
        return now;
    }

    private void tick() {
        while (running) {
            now = source.millis();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
