package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BucketTest {

    @Test
    void a_time_lands_in_the_bucket_that_starts_at_or_before_it() {
        assertThat(Bucket.of(0, 60_000)).isEqualTo(new Bucket(0, 60_000));
        assertThat(Bucket.of(59_999, 60_000).start()).isZero();
        assertThat(Bucket.of(60_000, 60_000).start()).isEqualTo(60_000);
        assertThat(Bucket.of(1_700_000_012_345L, 10_000).start()).isEqualTo(1_700_000_010_000L);
    }

    @Test
    void times_before_1970_floor_towards_minus_infinity() {
        assertThat(Bucket.of(-1, 60_000).start()).isEqualTo(-60_000);
        assertThat(Bucket.of(-60_000, 60_000).start()).isEqualTo(-60_000);
        assertThat(Bucket.of(-60_001, 60_000).start()).isEqualTo(-120_000);
        assertThat(Bucket.of(-1, 60_000).contains(-1)).isTrue();
        assertThat(Bucket.of(-1, 60_000).end()).isZero();
    }

    @Test
    void the_end_is_exclusive() {
        Bucket bucket = Bucket.of(10_000, 10_000);
        assertThat(bucket.contains(10_000)).isTrue();
        assertThat(bucket.contains(19_999)).isTrue();
        assertThat(bucket.contains(20_000)).isFalse();
        assertThat(bucket.next()).isEqualTo(Bucket.of(20_000, 10_000));
    }

    @Test
    void extreme_times_do_not_overflow() {
        Bucket last = Bucket.of(Long.MAX_VALUE, 60_000);
        assertThat(last.contains(Long.MAX_VALUE)).isTrue();
        assertThat(last.end()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Bucket.of(Long.MIN_VALUE + 5, 60_000)).hasMessageContaining("has no bucket");
        assertThat(Bucket.of(Long.MIN_VALUE, 1).start()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void rejects_a_non_positive_size_and_an_unaligned_start() {
        assertThatThrownBy(() -> Bucket.of(5, 0)).hasMessageContaining("bucket size must be > 0");
        assertThatThrownBy(() -> new Bucket(5, 10)).hasMessageContaining("not a multiple");
    }

    @Test
    void orders_by_start() {
        assertThat(Bucket.of(0, 10).compareTo(Bucket.of(10, 10))).isNegative();
    }

    @Test
    void a_manual_clock_moves_only_when_told() {
        ManualClock clock = new ManualClock(1_000);
        assertThat(clock.millis()).isEqualTo(1_000);
        assertThat(clock.advance(500)).isEqualTo(1_500);
        clock.set(10);
        assertThat(clock.millis()).isEqualTo(10);
        assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Clock.system().millis()).isPositive();
    }
}
