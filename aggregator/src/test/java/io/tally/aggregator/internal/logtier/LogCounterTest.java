package io.tally.aggregator.internal.logtier;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.Heartbeat;
import io.tally.core.sketch.IdDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogCounterTest {
    private static final AgentIdentity AGENT = new AgentIdentity("log-1", "h");
    private static final long NOW = 10_000_000;

    @Test
    void counts_per_topic_and_event_time_bucket_as_tier_log_with_dense_seqs_then_a_heartbeat() {
        LogCounter c = new LogCounter(60_000, 128, 3_600_000, 1_209_600_000, 30_000);
        c.count("orders", 0, 0, NOW - 100, NOW, 10, 1);
        c.count("orders", 0, 0, NOW - 200, NOW, 20, 2);
        c.count("orders", 0, 0, NOW - 120_000, NOW, 5, 3);
        c.count("payments", 0, 0, NOW - 1, NOW, 7, 4);
        List<AuditMessage> out = c.drain(AGENT, 17, NOW, false);
        assertThat(out).extracting(AuditMessage::seq).containsExactly(17L, 18L, 19L, 20L);
        assertThat(out).allMatch(m -> m.tier().equals("log"));
        AuditRecord first = (AuditRecord) out.get(0);
        assertThat(first.mode()).isEqualTo(CountingMode.LOG);
        assertThat(first.topic()).isEqualTo("orders");
        assertThat(first.bucket().start()).isEqualTo(NOW - 120_000 - Math.floorMod(NOW - 120_000, 60_000));
        AuditRecord current = (AuditRecord) out.get(1);
        assertThat(current.count()).isEqualTo(2);
        assertThat(current.bytes()).isEqualTo(30);
        IdDigest expected = new IdDigest(128);
        expected.add(1);
        expected.add(2);
        assertThat(current.digest()).isEqualTo(expected);
        assertThat(current.latency().count()).isEqualTo(2);
        Heartbeat hb = (Heartbeat) out.get(3);
        assertThat(hb.watermarks()).containsEntry("orders", NOW - 100).containsEntry("payments", NOW - 1);
        assertThat(c.isEmpty()).isTrue();
    }

    @Test
    void offsets_the_log_tier_never_saw_are_reported_as_uncounted_in_every_bucket_the_gap_spans() {
        LogCounter c = new LogCounter(60_000, 0, 3_600_000, 1_209_600_000, 30_000);
        long bucket = NOW - Math.floorMod(NOW, 60_000);
        c.count("t", 0, 10, bucket - 60_000 + 1, NOW, 1, 1);
        c.count("t", 0, 11, bucket - 60_000 + 2, NOW, 1, 2);
        c.count("t", 0, 13, bucket - 60_000 + 3, NOW, 1, 3); // offset 12: a transaction's marker, not a record
        c.count("t", 0, 40, bucket + 1, NOW, 1, 4); // 14..39 deleted before the log tier read them
        c.count("t", 1, 5, bucket + 2, NOW, 1, 5); // a partition's first record: nothing to compare with
        Heartbeat first = (Heartbeat) last(c.drain(AGENT, 0, NOW, false));
        c.count("t", 1, 9, bucket + 3, NOW, 1, 6);
        Heartbeat second = (Heartbeat) last(c.drain(AGENT, 10, NOW, false));

        assertThat(first.droppedByBucket().get("t"))
                .as("26 records may lie in either bucket")
                .containsExactly(java.util.Map.entry(bucket - 60_000, 26L), java.util.Map.entry(bucket, 26L));
        assertThat(first.dropped()).isEqualTo(26);
        assertThat(second.droppedByBucket().get("t"))
                .as("cumulative, like an agent's")
                .containsEntry(bucket, 29L);
        LogCounter committed = new LogCounter(LogCounter.COMMITTED_TIER, 60_000, 0, 3_600_000, 1_209_600_000, 30_000);
        committed.count("t", 0, 10, bucket + 1, NOW, 1, 1);
        committed.count("t", 0, 40, bucket + 2, NOW, 1, 2); // aborted records in between, skipped by design
        assertThat(((Heartbeat) last(committed.drain(AGENT, 0, NOW, false))).droppedByBucket())
                .isEmpty();
    }

    private static AuditMessage last(List<AuditMessage> out) {
        return out.get(out.size() - 1);
    }

    @Test
    void each_bucket_carries_the_lowest_and_highest_offset_it_counted_per_partition() {
        LogCounter c = new LogCounter(60_000, 0, 3_600_000, 1_209_600_000, 30_000);
        long bucket = NOW - Math.floorMod(NOW, 60_000);
        c.count("t", 0, 100, bucket + 1, NOW, 1, 1);
        c.count("t", 1, 7, bucket + 2, NOW, 1, 2);
        c.count("t", 0, 101, bucket + 3, NOW, 1, 3);
        c.count("t", 0, 102, bucket - 1, NOW, 1, 4); // a late record: the bucket before starts at 102
        c.count("t", 0, 90, bucket + 4, NOW, 1, 5); // re-read after a restart
        c.count("t", 2, 50, EventTimes.NONE, NOW, 1, 6); // not counted in a bucket: no offset either
        List<AuditMessage> out = c.drain(AGENT, 0, NOW, false);
        AuditRecord earlier = (AuditRecord) out.get(0);
        AuditRecord current = (AuditRecord) out.get(1);
        assertThat(earlier.firstOffsets()).containsExactly(java.util.Map.entry(0, 102L));
        assertThat(current.firstOffsets()).containsExactly(java.util.Map.entry(0, 90L), java.util.Map.entry(1, 7L));
        assertThat(earlier.lastOffsets()).containsExactly(java.util.Map.entry(0, 102L));
        assertThat(current.lastOffsets()).containsExactly(java.util.Map.entry(0, 101L), java.util.Map.entry(1, 7L));
    }

    @Test
    void messages_without_or_with_a_skewed_event_time_are_counted_apart_in_the_bucket_of_the_clock() {
        LogCounter c = new LogCounter(60_000, 0, 1_000, 5_000, 30_000);
        c.count("t", 0, 0, EventTimes.NONE, NOW, 1, 1);
        c.count("t", 0, 0, NOW + 2_000, NOW, 1, 2);
        c.count("t", 0, 0, NOW - 6_000, NOW, 1, 3);
        List<AuditMessage> out = c.drain(AGENT, 0, NOW, false);
        AuditRecord r = (AuditRecord) out.get(0);
        assertThat(r.count()).isZero();
        assertThat(r.noTimestamp()).isEqualTo(1);
        assertThat(r.skewed()).isEqualTo(2);
        assertThat(r.bucket().contains(NOW)).isTrue();
        assertThat(r.digest()).isNull();
        assertThat(((Heartbeat) out.get(1)).watermarks()).isEmpty();
    }

    @Test
    void an_idle_drain_is_a_heartbeat_that_keeps_the_watermarks() {
        LogCounter c = new LogCounter(60_000, 128, 3_600_000, 1_209_600_000, 30_000);
        c.count("t", 0, 0, NOW - 5, NOW, 1, 1);
        c.drain(AGENT, 0, NOW, false);
        List<AuditMessage> idle = c.drain(AGENT, 2, NOW + 5_000, true);
        assertThat(idle).singleElement().isInstanceOfSatisfying(Heartbeat.class, hb -> {
            assertThat(hb.seq()).isEqualTo(2);
            assertThat(hb.closed()).isTrue();
            assertThat(hb.watermarks()).containsEntry("t", NOW - 5);
        });
    }

    @Test
    void the_heartbeat_carries_a_watermark_per_partition_with_records_in_the_idle_window() {
        LogCounter c = new LogCounter(60_000, 0, 3_600_000, 1_209_600_000, 30_000);
        c.count("t", 0, 0, NOW - 500, NOW - 40_000, 1, 1); // partition 0: caught up 40 s ago
        c.count("t", 1, 0, NOW - 9_000, NOW - 1_000, 1, 2); // partition 1: behind, still delivering
        c.count("t", 2, 0, NOW - 100, NOW - 1_000, 1, 3);
        c.count("t", 2, 0, EventTimes.NONE, NOW - 1_000, 1, 4);
        c.count("u", 0, 0, EventTimes.NONE, NOW, 1, 5); // read, with nothing that has an event time
        List<AuditMessage> out = c.drain(AGENT, 0, NOW, false);
        Heartbeat hb = (Heartbeat) out.get(out.size() - 1);
        assertThat(hb.partitions()).containsOnlyKeys("t", "u");
        assertThat(hb.partitions().get("t")).containsExactly(Map.entry(1, NOW - 9_000), Map.entry(2, NOW - 100));
        assertThat(hb.partitions().get("u")).containsExactly(Map.entry(0, EventTimes.NONE));
        assertThat(hb.watermarks()).containsExactly(Map.entry("t", NOW - 100));
    }
}
