package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
    @Test
    void max_keeps_the_higher_offset_of_each_partition() {
        assertThat(PartitionOffsets.max(Map.of(0, 5L, 1, 9L), Map.of(1, 7L, 2, 3L)))
                .containsExactly(Map.entry(0, 5L), Map.entry(1, 9L), Map.entry(2, 3L));
        assertThat(PartitionOffsets.max(Map.of(), Map.of(4, 1L))).containsExactly(Map.entry(4, 1L));
    }

    @Test
    void a_bucket_is_committed_once_every_partition_is_committed_past_its_last_record() {
        Map<Integer, Long> last = Map.of(0, 49L, 1, 79L);

        assertThat(PartitionOffsets.uncommitted(last, Map.of(0, 50L, 1, 80L))).isEqualTo(-1);
        assertThat(PartitionOffsets.uncommitted(last, Map.of(0, 50L, 1, 79L)))
                .as("a commit of 79 is the next offset to read: the record at 79 is not processed")
                .isEqualTo(1);
        assertThat(PartitionOffsets.uncommitted(last, Map.of(0, 50L)))
                .as("no commit there")
                .isEqualTo(1);
        assertThat(PartitionOffsets.uncommitted(Map.of(), Map.of())).isEqualTo(-1);
    }

    @Test
    void the_records_of_a_bucket_below_where_another_tier_started_are_bounded_by_their_offsets() {
        Map<Integer, Long> first = Map.of(0, 100L, 1, 200L, 2, 300L);
        Map<Integer, Long> last = Map.of(0, 149L, 1, 249L, 2, 349L);

        assertThat(PartitionOffsets.belowStarts(first, last, Map.of(0, 120L, 1, 500L, 2, 0L)))
                .as("20 below the start on partition 0, all 50 on partition 1, none on partition 2")
                .isEqualTo(70);
        assertThat(PartitionOffsets.belowStarts(first, last, Map.of(0, 100L))).isZero();
        assertThat(PartitionOffsets.belowStarts(first, last, Map.of())).isZero();
        assertThat(PartitionOffsets.belowStarts(Map.of(), Map.of(), Map.of(0, 5L)))
                .isZero();
    }
}
