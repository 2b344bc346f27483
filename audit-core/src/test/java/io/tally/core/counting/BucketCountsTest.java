package io.tally.core.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketCountsTest {
    private static final long NOW = 1_764_000_123_000L;
    private final CountingRules rules = new CountingRules(60_000, 64, 60_000, 3_600_000);

    private void count(BucketCounts counts, long eventTime) {
        assertThat(rules.bucketOf(eventTime, NOW)).isEqualTo(counts.bucketStart());
        counts.count(eventTime, NOW, 10, eventTime, rules);
    }

    @Test
    void a_message_counts_in_its_event_time_s_bucket_and_apart_in_the_clock_s_without_a_usable_one() {
        BucketCounts earlier = rules.newBucket(rules.bucketStart(NOW - 120_000));
        BucketCounts now = rules.newBucket(rules.bucketStart(NOW));

        count(earlier, NOW - 100_000);
        count(now, NOW - 1_000);
        count(now, EventTimes.NONE);
        count(now, NOW + 61_000); // further ahead than the future bound
        count(now, NOW - 3_600_001); // further back than the past bound
        now.countFailed();

        assertThat(earlier.count()).isEqualTo(1);
        assertThat(earlier.latency().max()).isEqualTo(100_000, org.assertj.core.data.Offset.offset(1_000.0));
        assertThat(now.count()).isEqualTo(1);
        assertThat(now.bytes()).isEqualTo(10);
        assertThat(now.noTimestamp()).isEqualTo(1);
        assertThat(now.skewed()).isEqualTo(2);
        assertThat(now.failed()).isEqualTo(1);
        assertThat(now.messages()).isEqualTo(5);
        assertThat(now.digest().totalCount())
                .as("only the messages counted by their event time")
                .isEqualTo(1);
    }

    @Test
    void the_lowest_and_highest_offset_per_partition_travel_with_the_record_and_survive_a_merge() {
        BucketCounts a = rules.newBucket(rules.bucketStart(NOW));
        a.offset(0, 12);
        a.offset(0, 13);
        a.offset(3, 9);
        a.offset(0, 5); // a re-read from further back
        BucketCounts b = rules.newBucket(rules.bucketStart(NOW));
        b.offset(3, 2);
        b.offset(3, 11);
        b.offset(1, 4);
        a.mergeFrom(b);

        AuditRecord r = a.toRecord(new AgentIdentity("a", "h"), 7, NOW, "log", "orders", 60_000, CountingMode.LOG);

        assertThat(r.firstOffsets()).containsExactly(Map.entry(0, 5L), Map.entry(1, 4L), Map.entry(3, 2L));
        assertThat(r.lastOffsets()).containsExactly(Map.entry(0, 13L), Map.entry(1, 4L), Map.entry(3, 11L));
        assertThat(rules.newBucket(0)
                        .toRecord(new AgentIdentity("a", "h"), 0, NOW, "producer", "orders", 60_000, CountingMode.ACK)
                        .firstOffsets())
                .isEmpty();
    }

    @Test
    void runs_of_one_partition_s_offsets_interleaved_with_others_keep_each_partition_s_lowest_and_highest() {
        BucketCounts c = rules.newBucket(rules.bucketStart(NOW));
        for (long o = 10; o < 20; o++) {
            c.offset(1, o);
        }
        for (long o = 50; o < 55; o++) {
            c.offset(0, o);
        }
        c.offset(1, 20);
        c.offset(1, 7); // a lower one, later: a producer's retried batch
        c.offset(0, 49);

        AuditRecord first =
                c.toRecord(new AgentIdentity("a", "h"), 1, NOW, "producer", "orders", 60_000, CountingMode.ACK);
        assertThat(first.firstOffsets()).containsExactly(Map.entry(0, 49L), Map.entry(1, 7L));
        assertThat(first.lastOffsets()).containsExactly(Map.entry(0, 54L), Map.entry(1, 20L));

        c.offset(0, 60); // counted on after a read: the next record says it too
        BucketCounts merged = rules.newBucket(rules.bucketStart(NOW));
        merged.mergeFrom(c);
        AuditRecord again =
                merged.toRecord(new AgentIdentity("a", "h"), 2, NOW, "producer", "orders", 60_000, CountingMode.ACK);
        assertThat(again.lastOffsets()).containsExactly(Map.entry(0, 60L), Map.entry(1, 20L));
        assertThat(again.firstOffsets()).containsExactly(Map.entry(0, 49L), Map.entry(1, 7L));
    }
}
