package io.tally.agent.internal;

import io.tally.core.Clock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The time at which a producer's acknowledgements arrive, read from the system clock without paying a clock call
 * (about 30 ns on virtual machines) for every record. Acknowledgements come in runs, one per produced batch, on the
 * producer's one I/O thread; the clock is read again after a number of them that adapts to their pace (every one
 * when they come more than a millisecond apart, up to {@value #MAX_SKIP} when many fit in a millisecond), and at the
 * first one after each tick of a shared {@link Epoch} (every {@value Epoch#TICK_MS} ms, and once more before its
 * thread parks when no acknowledgement came for a while), so that the first acknowledgement after a pause never
 * reuses a time from before it.
 *
 * <p>So the time given is never older than the last tick and, in a steady flow, within a millisecond of the truth:
 * what a thread refreshing a cached time every millisecond gave, without its thousand wake-ups a second, which cost
 * a busy single-core producer several percent of its throughput (BENCHMARKS.md).
 *
 * <p>Not thread-safe, so not a {@link Clock} (whose implementations are): one instance serves one producer's
 * successful acknowledgements, which Kafka delivers on its I/O thread only.
 */
final class AcknowledgementClock implements LongSupplier {
    static final int MAX_SKIP = 64;

    private final Clock source;
    private final Epoch epoch;
    private long cached;
    private long readAtTick = -1;
    private int sinceRead;
    private int skip = 1;

    AcknowledgementClock(Clock source, Epoch epoch) {
        this.source = source;
        this.epoch = epoch;
    }

    /** @return the time of the acknowledgement being handled, epoch ms */
    @Override
    public long getAsLong() {
        long tick = epoch.current();
        if (++sinceRead >= skip || tick != readAtTick) {
            refresh(tick);
        }
        return cached;
    }

    private void refresh(long tick) {
        long now = source.millis();
        long elapsed = now - cached;
        if (elapsed >= 2) {
            skip = Math.max(1, skip / 2);
        } else if (elapsed == 0 && sinceRead >= skip) {
            skip = Math.min(MAX_SKIP, skip * 2); // the whole run fit in one millisecond
        }
        cached = now;
        readAtTick = tick;
        sinceRead = 0;
        epoch.readClock();
    }

    /**
     * A counter a shared daemon thread increments every {@value #TICK_MS} ms while some producer agent runs. When
     * no acknowledgement has read the clock for {@value #IDLE_TICKS} ticks, the thread moves the counter once more
     * and parks; the next acknowledgement sees the new value, reads the clock and wakes it, so that an idle
     * producer's agent does not wake its host a hundred times a second.
     */
    static final class Epoch {
        static final long TICK_MS = 10;
        static final int IDLE_TICKS = 10;
        private static final Object LOCK = new Object();
        private static Epoch shared;
        private static int users;

        private volatile long current;
        private volatile boolean running = true;
        /** Set before the move that precedes parking, so that a reader who sees that move sees it set. */
        private volatile boolean parked;
        /** Whether a reader has read the clock since the last tick: written once per reading, not per read. */
        private volatile boolean read;

        private volatile Thread ticker;

        /** An epoch moved by hand (tests), or by {@link #ticking()}'s thread. */
        Epoch() {}

        /** @return the shared epoch, ticking; call {@link #release()} when done with it */
        static Epoch acquire() {
            synchronized (LOCK) {
                if (shared == null) {
                    shared = ticking();
                }
                users++;
                return shared;
            }
        }

        static void release() {
            synchronized (LOCK) {
                if (--users == 0 && shared != null) {
                    shared.stop();
                    shared = null;
                }
            }
        }

        /** @return a new epoch with a thread of its own moving it; {@link #stop()} ends the thread */
        static Epoch ticking() {
            Epoch epoch = new Epoch();
            Thread thread = new Thread(epoch::tick, "tally-agent-clock");
            thread.setDaemon(true);
            epoch.ticker = thread;
            thread.start();
            return epoch;
        }

        void stop() {
            running = false;
            unparkTicker();
        }

        long current() {
            return current;
        }

        /** Moves the epoch on: the ticking thread's step, and a test's. */
        void advance() {
            current++; // one writer: the ticking thread (or a test)
        }

        /** A reader has read the clock: keeps the thread ticking, or wakes it if it parked. */
        void readClock() {
            if (!read) {
                read = true;
            }
            if (parked) {
                parked = false;
                unparkTicker();
            }
        }

        private void unparkTicker() {
            Thread thread = ticker;
            if (thread != null) { // null for an epoch moved by hand
                LockSupport.unpark(thread);
            }
        }

        /** @return whether the ticking thread is parked for want of readers */
        boolean isParked() {
            return parked;
        }

        private void tick() {
            int idleTicks = 0;
            while (running) {
                advance();
                try {
                    Thread.sleep(TICK_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (read) {
                    read = false;
                    idleTicks = 0;
                } else if (++idleTicks >= IDLE_TICKS) {
                    idleTicks = 0;
                    parked = true;
                    advance(); // whoever reads next sees a new tick, reads the clock and so wakes this thread
                    while (parked && running) {
                        LockSupport.park(this);
                    }
                }
            }
        }
    }
}
