package io.tally.aggregator.internal.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqWindowTest {

    @Test
    void dense_seqs_keep_the_state_at_one_base_and_at_most_one_word() {
        SeqWindow w = SeqWindow.empty();
        for (long seq = 0; seq < 10_000; seq++) {
            assertThat(w.add(seq, 65_536)).isTrue();
        }
        assertThat(w.toState().length).isLessThanOrEqualTo(2);
        assertThat(w.base()).isGreaterThanOrEqualTo(9_984);
    }

    @Test
    void a_repeat_is_refused_below_and_above_the_base() {
        SeqWindow w = SeqWindow.empty();
        for (long seq = 0; seq < 200; seq++) {
            w.add(seq, 1024);
        }
        w.add(500, 1024);
        assertThat(w.add(3, 1024)).isFalse();
        assertThat(w.add(500, 1024)).isFalse();
        assertThat(w.add(499, 1024)).isTrue();
        assertThat(w.add(499, 1024)).isFalse();
    }

    @Test
    void seqs_in_any_order_are_each_accepted_once() {
        SeqWindow w = SeqWindow.empty();
        long[] order = {5, 3, 0, 9, 1, 2, 4, 8, 7, 6, 300, 100};
        for (long seq : order) {
            assertThat(w.add(seq, 1024)).as("first " + seq).isTrue();
        }
        for (long seq : order) {
            assertThat(w.add(seq, 1024)).as("again " + seq).isFalse();
        }
        assertThat(w.contains(10)).isFalse();
    }

    @Test
    void survives_a_round_trip_through_state() {
        SeqWindow w = SeqWindow.empty();
        w.add(0, 1024);
        w.add(70, 1024);
        SeqWindow restored = SeqWindow.fromState(w.toState());
        assertThat(restored.add(70, 1024)).isFalse();
        assertThat(restored.add(0, 1024)).isFalse();
        assertThat(restored.add(1, 1024)).isTrue();
        assertThat(SeqWindow.fromState(null).add(0, 1024)).isTrue();
    }

    @Test
    void a_seq_far_ahead_slides_the_window_and_counts_the_unseen_seqs_given_up() {
        SeqWindow w = SeqWindow.empty();
        w.add(0, 128);
        w.add(1_000, 128);
        assertThat(w.base()).isGreaterThan(0);
        assertThat(w.givenUp()).isPositive();
        assertThat(w.toState().length).isLessThanOrEqualTo(3);
        assertThat(w.add(1_000, 128)).isFalse();
        assertThat(w.add(999, 128)).isTrue();
    }
}
