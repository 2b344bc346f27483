package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.Clock;
import org.junit.jupiter.api.Test;

class AcknowledgementClockTest {
    private static final long T0 = 1_764_000_000_000L;

    /** A hand-driven clock that counts how often it is read. */
    private static final class CountingClock implements Clock {
        long now = T0;
        int reads;

        @Override
        public long millis() {
            reads++;
            return now;
        }
    }

    private final CountingClock source = new CountingClock();
    private final AcknowledgementClock.Epoch epoch = new AcknowledgementClock.Epoch();
    private final AcknowledgementClock clock = new AcknowledgementClock(source, epoch);

    @Test
    void acknowledgements_more_than_a_millisecond_apart_read_the_clock_every_time() {
        for (int i = 0; i < 100; i++) {
            source.now += 2;
            assertThat(clock.getAsLong()).isEqualTo(source.now);
        }
        assertThat(source.reads).isEqualTo(100);
    }

    @Test
    void a_run_within_one_millisecond_reads_it_rarely() {
        for (int i = 0; i < 10_000; i++) {
            if (i % 1_000 == 999) {
                source.now++; // 1,000 acknowledgements a millisecond
            }
            assertThat(clock.getAsLong()).isBetween(source.now - 1, source.now);
        }
        assertThat(source.reads).isLessThan(10_000 / 32);
    }

    @Test
    void the_first_acknowledgement_after_a_tick_reads_the_clock() {
        for (int i = 0; i < 1_000; i++) {
            clock.getAsLong(); // the pace of a busy producer: reads are skipped
        }
        source.now += 5_000; // a pause: the broker stalled
        epoch.advance();
        assertThat(clock.getAsLong()).isEqualTo(T0 + 5_000);
    }

    @Test
    void after_a_fast_run_a_slower_pace_reads_more_often_again() {
        for (int i = 0; i < 1_000; i++) {
            clock.getAsLong();
        }
        int readsBefore = source.reads;
        for (int i = 0; i < 200; i++) {
            source.now += 3;
            long given = clock.getAsLong();
            assertThat(source.now - given).as("never older than the last tick").isLessThanOrEqualTo(9);
            if (i % 3 == 2) {
                epoch.advance(); // a tick every 10 ms
            }
        }
        // once adapted, every acknowledgement reads: the last 100 cost 100 reads
        int readsAfter = source.reads;
        for (int i = 0; i < 100; i++) {
            source.now += 3;
            assertThat(clock.getAsLong()).isEqualTo(source.now);
        }
        assertThat(source.reads - readsAfter).isEqualTo(100);
        assertThat(readsAfter).isGreaterThan(readsBefore);
    }

    @Test
    void an_idle_ticking_thread_parks_and_the_next_acknowledgement_wakes_it() throws InterruptedException {
        AcknowledgementClock.Epoch ticking = AcknowledgementClock.Epoch.ticking();
        try {
            AcknowledgementClock reader = new AcknowledgementClock(source, ticking);
            reader.getAsLong();
            awaitParked(ticking, true);
            long parkedAt = ticking.current();
            Thread.sleep(5 * AcknowledgementClock.Epoch.TICK_MS);
            assertThat(ticking.current()).as("no ticks while parked").isEqualTo(parkedAt);

            source.now += 60_000; // the producer was idle for a minute
            int reads = source.reads;
            assertThat(reader.getAsLong())
                    .as("the first acknowledgement after idling reads the clock")
                    .isEqualTo(source.now);
            assertThat(source.reads).isEqualTo(reads + 1);
            awaitParked(ticking, false);
            long woken = ticking.current();
            awaitTicks(ticking, woken + 3);
        } finally {
            ticking.stop();
        }
    }

    @Test
    void a_ticking_thread_with_a_steady_reader_keeps_ticking() throws InterruptedException {
        AcknowledgementClock.Epoch ticking = AcknowledgementClock.Epoch.ticking();
        try {
            AcknowledgementClock reader = new AcknowledgementClock(source, ticking);
            long start = ticking.current();
            // a reader at every tick for more than the idle span: the thread must never park
            long idleSpanNanos = AcknowledgementClock.Epoch.IDLE_TICKS * AcknowledgementClock.Epoch.TICK_MS * 1_000_000;
            long lastRead = System.nanoTime();
            int checked = 0;
            while (ticking.current() < start + 3 * AcknowledgementClock.Epoch.IDLE_TICKS) {
                // judged only when this thread kept its pace: a stall of the whole machine may idle it for real
                if (System.nanoTime() - lastRead < idleSpanNanos / 2) {
                    assertThat(ticking.isParked()).isFalse();
                    checked++;
                }
                source.now += 2;
                reader.getAsLong();
                lastRead = System.nanoTime();
                Thread.sleep(1);
            }
            assertThat(checked).isPositive();
        } finally {
            ticking.stop();
        }
    }

    private static void awaitParked(AcknowledgementClock.Epoch epoch, boolean parked) throws InterruptedException {
        for (int i = 0; i < 1_000 && epoch.isParked() != parked; i++) {
            Thread.sleep(10);
        }
        assertThat(epoch.isParked()).isEqualTo(parked);
    }

    private static void awaitTicks(AcknowledgementClock.Epoch epoch, long atLeast) throws InterruptedException {
        for (int i = 0; i < 1_000 && epoch.current() < atLeast; i++) {
            Thread.sleep(10);
        }
        assertThat(epoch.current()).isGreaterThanOrEqualTo(atLeast);
    }
}
