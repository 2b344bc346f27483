package io.tally.aggregator.internal.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.EventTimes;
import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressRulesTest {
    private static final long NOW = 1_000_000;
    private static final long LIVENESS = 60_000;

    private static Heartbeat hb(String agent, long seq, long emittedAt, Map<String, Long> marks, boolean closed) {
        return Heartbeat.builder(new AgentIdentity(agent, "h"), "consumer.g")
                .seq(seq)
                .emittedAt(emittedAt)
                .watermarks(marks)
                .closed(closed)
                .build();
    }

    @Test
    void the_watermark_is_the_lowest_among_live_agents_of_the_topic() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        hb("a", 1, NOW - 1_000, Map.of("t", 500L, "u", 900L), false),
                        hb("b", 1, NOW - 2_000, Map.of("t", 300L), false)),
                NOW,
                LIVENESS);
        assertThat(p).extracting(TierProgress::topic).containsExactly("t", "u");
        assertThat(p.get(0).watermark()).isEqualTo(300);
        assertThat(p.get(0).liveAgents()).isEqualTo(2);
        assertThat(p.get(0).lastHeartbeatAt()).isEqualTo(NOW - 1_000);
        assertThat(p.get(1).watermark()).isEqualTo(900);
    }

    @Test
    void the_records_waiting_to_be_counted_are_summed_over_the_live_agents() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        hb("a", 1, NOW - 1_000, Map.of("t", 500L), false).withWaiting(Map.of("t", 30L)),
                        hb("b", 1, NOW - 2_000, Map.of("t", 300L), false).withWaiting(Map.of("t", 12L)),
                        hb("dead", 1, NOW - 2 * LIVENESS, Map.of("t", 100L), false)
                                .withWaiting(Map.of("t", 1_000L))),
                NOW,
                LIVENESS);
        assertThat(p.get(0).waiting())
                .as("a dead agent's waiting records wait for nothing")
                .isEqualTo(42);
    }

    private static Heartbeat reader(
            String agent, long emittedAt, Map<String, Long> marks, Map<String, Map<Integer, Long>> partitions) {
        return Heartbeat.builder(new AgentIdentity(agent, "h"), "consumer.g")
                .seq(1)
                .emittedAt(emittedAt)
                .watermarks(marks)
                .partitions(partitions)
                .build();
    }

    @Test
    void one_slow_partition_holds_its_topic_back_however_far_the_others_and_its_own_reader_are() {
        // a reads partitions 0-2, b reads 3-5; partition 4 is three minutes behind the others
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        reader(
                                "a",
                                NOW - 1_000,
                                Map.of("t", 500_000L),
                                Map.of("t", Map.of(0, 500_000L, 1, 499_000L, 2, 500_000L))),
                        reader(
                                "b",
                                NOW - 1_000,
                                Map.of("t", 500_000L),
                                Map.of("t", Map.of(3, 500_000L, 4, 320_000L, 5, 500_000L)))),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(320_000);
    }

    @Test
    void a_partition_its_agent_no_longer_reads_holds_nothing_back_and_the_furthest_reader_of_a_moved_one_counts() {
        // a once read partition 1 and lost it in a rebalance: it still reports t at 100 but reads nothing of it now;
        // c has more instances than partitions: it reads nothing; b took partition 1 over and is past where a was
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        reader("a", NOW - 1_000, Map.of("t", 100L), Map.of()),
                        reader("b", NOW - 1_000, Map.of("t", 900L), Map.of("t", Map.of(0, 900L, 1, 700L))),
                        reader("c", NOW - 1_000, Map.of(), Map.of()),
                        // d still lists partition 1 for a moment after the rebalance: the furthest report counts
                        reader("d", NOW - 1_000, Map.of("t", 650L), Map.of("t", Map.of(1, 650L)))),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(700);
        assertThat(p.get(0).liveAgents()).isEqualTo(4);
    }

    @Test
    void a_reader_without_a_group_that_died_reading_a_partition_holds_it_until_a_live_reader_reports_it_again() {
        // a Flink source without a group id, two subtasks: b was SIGKILLed reading partition 1 at 300
        // (the tier is the one computed for: the heartbeats' own is not read)
        Heartbeat a = reader("a", NOW - 1_000, Map.of("t", 900L), Map.of("t", Map.of(0, 900L)));
        Heartbeat b = reader("b", NOW - LIVENESS - 1_000, Map.of("t", 300L), Map.of("t", Map.of(1, 300L)));

        assertThat(ProgressRules.compute("reader.clicks-source", List.of(a, b), NOW, LIVENESS)
                        .get(0)
                        .watermark())
                .as("its records past 300 are not read until it comes back")
                .isEqualTo(300);
        assertThat(ProgressRules.compute("consumer.g", List.of(a, b), NOW, LIVENESS)
                        .get(0)
                        .watermark())
                .as("a group's partition is held by its committed offsets, in the reconciler")
                .isEqualTo(900);
        Heartbeat closed = b.toBuilder().closed(true).build();
        assertThat(ProgressRules.compute("reader.clicks-source", List.of(a, closed), NOW, LIVENESS)
                        .get(0)
                        .watermark())
                .as("a reader that closed finished reading")
                .isEqualTo(900);
        Heartbeat restored = reader("c", NOW - 500, Map.of("t", 950L), Map.of("t", Map.of(1, 950L)));
        assertThat(ProgressRules.compute("reader.clicks-source", List.of(a, b, restored), NOW, LIVENESS)
                        .get(0)
                        .watermark())
                .as("read again by another instance, restored from its checkpoint")
                .isEqualTo(900);
    }

    @Test
    void a_partition_read_but_with_nothing_passed_yet_holds_the_topic_at_the_start() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(reader("a", NOW - 1_000, Map.of("t", 900L), Map.of("t", Map.of(0, 900L, 1, EventTimes.NONE)))),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(EventTimes.NONE);
    }

    @Test
    void when_no_partition_is_read_now_the_topic_is_at_the_highest_watermark_reached() {
        // every partition idle: nothing more is coming, the reconciler's idle rules take it from there
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        reader("a", NOW - 1_000, Map.of("t", 900L), Map.of()),
                        reader("b", NOW - 1_000, Map.of("t", 800L), Map.of())),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(900);
    }

    @Test
    void whole_topic_reports_and_partition_reports_of_one_tier_both_hold_it_back() {
        List<TierProgress> p = ProgressRules.compute(
                "log",
                List.of(
                        reader("a", NOW - 1_000, Map.of("t", 900L), Map.of("t", Map.of(0, 900L))),
                        hb("older-agent", 1, NOW - 1_000, Map.of("t", 600L), false)),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(600);
    }

    @Test
    void what_the_agents_dropped_is_summed_per_bucket_over_every_agent_live_or_not() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        Heartbeat.builder(new AgentIdentity("a", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L))
                                .dropped(7)
                                .droppedByBucket(Map.of("t", Map.of(60_000L, 5L, 120_000L, 2L)))
                                .build(),
                        Heartbeat.builder(new AgentIdentity("dead", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - LIVENESS * 2)
                                .watermarks(Map.of("t", 100L))
                                .dropped(3)
                                .droppedByBucket(Map.of("t", Map.of(60_000L, 3L)))
                                .build()),
                NOW,
                LIVENESS);
        assertThat(p.get(0).dropped()).containsExactly(Map.entry(60_000L, 8L), Map.entry(120_000L, 2L));
        assertThat(p.get(0).droppedIn(60_000L)).isEqualTo(8);
    }

    @Test
    void the_tier_started_where_any_agent_live_or_not_first_read_each_partition() {
        Map<String, Map<Integer, Long>> live = Map.of("t", Map.of(0, 5_000L, 1, 700L)); // resumed from commits
        Map<String, Map<Integer, Long>> gone = Map.of("t", Map.of(0, 1_000L, 2, 40L)); // the first instance
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        Heartbeat.builder(new AgentIdentity("a", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L))
                                .partitions(Map.of("t", Map.of(0, 900L)))
                                .startOffsets(live)
                                .build(),
                        Heartbeat.builder(new AgentIdentity("old", "h"), "consumer.g")
                                .seq(9)
                                .emittedAt(NOW - LIVENESS * 5)
                                .watermarks(Map.of("t", 100L))
                                .partitions(Map.of())
                                .closed(true)
                                .startOffsets(gone)
                                .build()),
                NOW,
                LIVENESS);
        assertThat(p.get(0).startOffsets())
                .containsExactly(Map.entry(0, 1_000L), Map.entry(1, 700L), Map.entry(2, 40L));
    }

    @Test
    void a_tier_reads_committed_records_only_where_an_agent_that_read_the_topic_says_so() {
        Map<String, Map<Integer, Long>> starts = Map.of("t", Map.of(0, 0L));
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        Heartbeat.builder(new AgentIdentity("a", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L, "u", 900L))
                                .partitions(Map.of("t", Map.of(0, 900L)))
                                .startOffsets(starts)
                                .build(),
                        Heartbeat.builder(new AgentIdentity("b", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L))
                                .partitions(Map.of("t", Map.of(1, 900L)))
                                .startOffsets(Map.of("t", Map.of(1, 0L)))
                                .readCommitted(true)
                                .build(),
                        Heartbeat.builder(new AgentIdentity("c", "h"), "consumer.g")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("u", 900L))
                                .partitions(Map.of("u", Map.of(0, 900L)))
                                .startOffsets(Map.of("u", Map.of(0, 0L)))
                                .build()),
                NOW,
                LIVENESS);
        assertThat(p)
                .extracting(TierProgress::topic, TierProgress::readCommitted)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t", true),
                        org.assertj.core.groups.Tuple.tuple("u", false));
    }

    @Test
    void a_topic_is_written_in_transactions_where_a_producer_agent_that_wrote_it_says_so_live_or_not() {
        List<TierProgress> p = ProgressRules.compute(
                "producer",
                List.of(
                        Heartbeat.builder(new AgentIdentity("a", "h"), "producer")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L, "u", 900L))
                                .build(),
                        Heartbeat.builder(new AgentIdentity("b", "h"), "producer")
                                .seq(1)
                                .emittedAt(NOW - 1_000)
                                .watermarks(Map.of("t", 900L))
                                .closed(true)
                                .transactional(true)
                                .build()),
                NOW,
                LIVENESS);
        assertThat(p)
                .extracting(TierProgress::topic, TierProgress::transactional)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t", true),
                        org.assertj.core.groups.Tuple.tuple("u", false));
    }

    @Test
    void a_tier_is_misconfigured_on_a_topic_up_to_where_an_agent_whose_counts_were_refused_got() {
        Heartbeat refused = Heartbeat.builder(new AgentIdentity("a", "h"), "consumer.g")
                .seq(1)
                .emittedAt(NOW - 1_000)
                .watermarks(Map.of("t", 900L))
                .refused("its agents count in buckets of 60000 ms")
                .build();
        Heartbeat fine = Heartbeat.builder(new AgentIdentity("b", "h"), "consumer.g")
                .seq(1)
                .emittedAt(NOW - 1_000)
                .watermarks(Map.of("t", 900L, "u", 900L))
                .build();

        List<TierProgress> live = ProgressRules.compute("consumer.g", List.of(refused, fine), NOW, LIVENESS);
        List<TierProgress> closed = ProgressRules.compute(
                "consumer.g", List.of(refused.toBuilder().closed(true).build(), fine), NOW, LIVENESS);

        assertThat(live)
                .extracting(TierProgress::topic, TierProgress::misconfigured, TierProgress::misconfiguredUpTo)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t", "its agents count in buckets of 60000 ms", 900L),
                        org.assertj.core.groups.Tuple.tuple("u", "", Long.MIN_VALUE));
        assertThat(closed)
                .as("what a closed agent counted was refused all the same")
                .extracting(TierProgress::misconfiguredUpTo)
                .containsExactly(900L, Long.MIN_VALUE);
    }

    @Test
    void closed_and_silent_agents_no_longer_hold_the_watermark_back() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        hb("live", 1, NOW - 1_000, Map.of("t", 800L), false),
                        hb("closed", 1, NOW - 1_000, Map.of("t", 100L), true),
                        hb("dead", 1, NOW - LIVENESS - 1, Map.of("t", 200L), false)),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(800);
        assertThat(p.get(0).liveAgents()).isEqualTo(1);
    }

    @Test
    void with_no_live_agent_the_watermark_is_the_highest_any_agent_reached() {
        List<TierProgress> p = ProgressRules.compute(
                "consumer.g",
                List.of(
                        hb("a", 1, NOW - 1_000, Map.of("t", 800L), true),
                        hb("b", 1, NOW - LIVENESS * 2, Map.of("t", 900L), false)),
                NOW,
                LIVENESS);
        assertThat(p.get(0).watermark()).isEqualTo(900);
        assertThat(p.get(0).liveAgents()).isZero();
    }

    @Test
    void a_newer_heartbeat_replaces_an_older_one_and_a_closed_one_is_final() {
        Heartbeat first = hb("a", 1, NOW, Map.of(), false);
        Heartbeat second = hb("a", 2, NOW, Map.of(), false);
        Heartbeat closed = hb("a", 3, NOW, Map.of(), true);
        assertThat(ProgressRules.supersedes(second, first)).isTrue();
        assertThat(ProgressRules.supersedes(first, second)).isFalse();
        assertThat(ProgressRules.supersedes(second, closed)).isFalse();
        assertThat(ProgressRules.supersedes(first, null)).isTrue();
    }

    @Test
    void the_next_check_is_when_the_first_live_agent_goes_silent() {
        assertThat(ProgressRules.nextExpiry(
                        List.of(
                                hb("a", 1, NOW - 10_000, Map.of(), false),
                                hb("b", 1, NOW - 5_000, Map.of(), false),
                                hb("c", 1, NOW - 50_000, Map.of(), true)),
                        NOW,
                        LIVENESS))
                .isEqualTo(NOW - 10_000 + LIVENESS);
        assertThat(ProgressRules.nextExpiry(List.of(), NOW, LIVENESS)).isEqualTo(Long.MAX_VALUE);
    }
}
