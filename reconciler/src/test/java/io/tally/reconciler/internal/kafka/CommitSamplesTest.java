package io.tally.reconciler.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitSamplesTest {
    private static final String KEY = "consumer.billing|orders";
    private final CommitSamples samples = new CommitSamples(1_000);

    @Test
    void a_commit_counts_only_once_its_counts_have_had_time_to_arrive() {
        samples.record(KEY, Map.of(0, 10L, 1, 20L), false, 0);
        samples.record(KEY, Map.of(0, 15L, 1, 20L), false, 500);

        assertThat(samples.committedOffsets(KEY, 600))
                .as("no sample is a second old yet: nothing counts as committed")
                .isEmpty();
        assertThat(samples.committedOffsets(KEY, 1_000)).containsExactly(Map.entry(0, 10L), Map.entry(1, 20L));
        assertThat(samples.committedOffsets(KEY, 1_500)).containsEntry(0, 15L);

        samples.record(KEY, Map.of(0, 30L, 1, 20L), false, 2_000);
        assertThat(samples.committedOffsets(KEY, 2_100))
                .as("the newest settled sample, not the one just taken")
                .containsEntry(0, 15L);
        assertThat(samples.committedOffsets("consumer.other|orders", 2_100)).isNull();
    }

    @Test
    void a_group_is_at_the_end_once_its_offsets_stood_there_unchanged_for_the_settle_time() {
        samples.record(KEY, Map.of(0, 10L), false, 0);
        assertThat(samples.caughtUp(KEY, 0)).isFalse();

        samples.record(KEY, Map.of(0, 12L), true, 500); // a commit just made: its counts are on their way
        assertThat(samples.caughtUp(KEY, 500)).isFalse();
        assertThat(samples.caughtUp(KEY, 1_499)).isFalse();
        assertThat(samples.caughtUp(KEY, 1_500)).isTrue();

        samples.record(KEY, Map.of(0, 12L), true, 2_000); // the same offsets again: still settled
        assertThat(samples.caughtUp(KEY, 2_000)).isTrue();
        assertThat(samples.unchangedFor(KEY, 2_400)).isEqualTo(1_900);
        samples.record(KEY, Map.of(0, 14L), true, 2_500); // a new commit at the new end
        assertThat(samples.caughtUp(KEY, 2_600)).isFalse();
        assertThat(samples.unchangedFor(KEY, 2_600)).isEqualTo(100);
        assertThat(samples.unchangedFor("consumer.other|orders", 2_600)).isZero();
        assertThat(samples.caughtUp("consumer.other|orders", 2_600)).isNull();
    }
}
