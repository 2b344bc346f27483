package io.tally.agent.internal;

import io.tally.core.Clock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
            assertThat(clock.millis()).isEqualTo(source.now);
        }
        assertThat(source.reads).isEqualTo(100);
    }

    @Test
    void a_run_within_one_millisecond_reads_it_rarely() {
        for (int i = 0; i < 10_000; i++) {
            if (i % 1_000 == 999) {
                source.now++;   // 1,000 acknowledgements a millisecond
            }
            assertThat(clock.millis()).isBetween(source.now - 1, source.now);
        }
        assertThat(source.reads).isLessThan(10_000 / 32);
    }

    @Test
    void the_first_acknowledgement_after_a_tick_reads_the_clock() {
        for (int i = 0; i < 1_000; i++) {
            clock.millis();   // the pace of a busy producer: reads are skipped
        }
        source.now += 5_000;   // a pause: the broker stalled
        epoch.advance();
        assertThat(clock.millis()).isEqualTo(T0 + 5_000);
    }

    @Test
    void after_a_fast_run_a_slower_pace_reads_more_often_again() {
        for (int i = 0; i < 1_000; i++) {
            clock.millis();
        }
        int readsBefore = source.reads;
        for (int i = 0; i < 200; i++) {
            source.now += 3;
            long given = clock.millis();
            assertThat(source.now - given).as("never older than the last tick").isLessThanOrEqualTo(9);
            if (i % 3 == 2) {
                epoch.advance();   // a tick every 10 ms
            }
        }
        // once adapted, every acknowledgement reads: the last 100 cost 100 reads
        int readsAfter = source.reads;
        for (int i = 0; i < 100; i++) {
            source.now += 3;
            assertThat(clock.millis()).isEqualTo(source.now);
        }
        assertThat(source.reads - readsAfter).isEqualTo(100);
        assertThat(readsAfter).isGreaterThan(readsBefore);
    }
}
