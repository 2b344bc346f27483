package io.tally.reconciler.internal.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.TierProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TierViewsTest {
    private static final long NOW = 1_000_000_000L;
    private final TierViews views = new TierViews(15_000, 10_000, 30_000, 50_000);

    @Test
    void an_idle_producer_with_fresh_heartbeats_follows_the_clock() {
        TierProgress p = TierProgress.builder("producer", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 1_000)
                .liveAgents(1)
                .updatedAt(NOW - 1_000)
                .build();

        TierView v = views.view("producer", p, NOW - 60_000, 0, null, List.of(), NOW);

        assertThat(v.caughtUp()).isTrue();
        assertThat(v.effectiveWatermark()).isEqualTo(NOW - 10_000);
    }

    @Test
    void a_busy_or_silent_tier_keeps_its_own_watermark() {
        TierProgress moving = TierProgress.builder("producer", "orders")
                .watermark(NOW - 100)
                .lastHeartbeatAt(NOW - 1_000)
                .liveAgents(1)
                .updatedAt(NOW)
                .build();
        // silent, and not yet dead by the audit topic's time (see below for producers that died)
        TierProgress silent = TierProgress.builder("producer", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 60_000)
                .liveAgents(1)
                .updatedAt(NOW)
                .build();

        assertThat(views.view("producer", moving, NOW - 100, 0, null, List.of(), NOW)
                        .effectiveWatermark())
                .isEqualTo(NOW - 100);
        assertThat(views.view("producer", silent, NOW - 60_000, 0, null, List.of(), NOW)
                        .caughtUp())
                .isFalse();
    }

    @Test
    void the_log_tier_follows_the_clock_only_once_it_has_seen_what_its_caught_up_upstream_saw() {
        TierView producer = new TierView("producer", NOW - 60_000, NOW - 10_000, NOW - 60_000, true, 0);
        TierProgress behind = TierProgress.builder("log", "orders")
                .watermark(NOW - 70_000)
                .lastHeartbeatAt(NOW - 1_000)
                .liveAgents(1)
                .updatedAt(NOW)
                .build();
        TierProgress level = TierProgress.builder("log", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 1_000)
                .liveAgents(1)
                .updatedAt(NOW)
                .build();

        assertThat(views.view("log", behind, NOW - 70_000, 0, null, List.of(producer), NOW)
                        .caughtUp())
                .isFalse();
        assertThat(views.view("log", level, NOW - 60_000, 0, null, List.of(producer), NOW)
                        .caughtUp())
                .isTrue();
    }

    @Test
    void a_consumer_group_follows_what_its_committed_offsets_say() {
        TierProgress p = TierProgress.builder("consumer.g", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 1_000)
                .liveAgents(1)
                .updatedAt(NOW)
                .build();

        assertThat(views.view("consumer.g", p, NOW - 60_000, 0, true, List.of(), NOW)
                        .effectiveWatermark())
                .isEqualTo(NOW - 10_000);
        assertThat(views.view("consumer.g", p, NOW - 60_000, 0, false, List.of(), NOW)
                        .effectiveWatermark())
                .isEqualTo(NOW - 60_000);
    }

    @Test
    void a_group_at_the_log_end_whose_agents_still_wait_to_count_records_keeps_its_own_watermark() {
        // an exactly-once consumer: its transactions committed the group's offsets, its agent learns of them later
        TierProgress waiting = TierProgress.builder("consumer.g", "orders")
                .watermark(NOW - 6_000)
                .lastHeartbeatAt(NOW - 200)
                .liveAgents(2)
                .updatedAt(NOW)
                .readCommitted(true)
                .waiting(40)
                .build();

        TierView v = views.view("consumer.g", waiting, NOW - 6_000, 0, true, List.of(), NOW);

        assertThat(v.caughtUp()).isFalse();
        assertThat(v.effectiveWatermark()).as("only what it counted").isEqualTo(NOW - 6_000);
        assertThat(views.view("consumer.g", waiting, NOW - 6_000, 0, false, List.of(), NOW)
                        .caughtUp())
                .isFalse();
    }

    @Test
    void a_tier_whose_agents_all_closed_is_caught_up_and_of_readers_that_died_only_a_producer_tier() {
        // the producers finished a minute ago and said so; their heartbeats stopped with them
        TierProgress finished = TierProgress.builder("producer", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 60_000)
                .liveAgents(0)
                .updatedAt(NOW)
                .build();

        TierView closed = views.view("producer", finished, NOW - 60_000, 0, null, true, List.of(), NOW);
        assertThat(closed.caughtUp()).isTrue();
        assertThat(closed.effectiveWatermark()).isEqualTo(NOW - 10_000);
        assertThat(views.view("producer", finished, NOW - 60_000, 0, null, false, List.of(), NOW)
                        .caughtUp())
                .as("producers that died without closing write nothing more: what they left unsent is their gap")
                .isTrue();
        TierProgress justDied =
                finished.toBuilder().lastHeartbeatAt(NOW - 40_000).build();
        assertThat(views.view("producer", justDied, NOW - 60_000, 0, null, false, List.of(), NOW)
                        .caughtUp())
                .as("silent for less than the stall timeout: an outage of the audit topic only they meet looks so")
                .isFalse();
        TierProgress silentButLive = finished.toBuilder().liveAgents(1).build();
        assertThat(views.view("producer", silentButLive, NOW - 60_000, 0, null, false, List.of(), NOW)
                        .caughtUp())
                .as("silent, but live by the audit topic's time (the topic is out): their counts are still coming")
                .isFalse();
        for (String reader : List.of("consumer.billing", "reader", "log")) {
            TierProgress died = TierProgress.builder(reader, "orders")
                    .watermark(NOW - 60_000)
                    .lastHeartbeatAt(NOW - 60_000)
                    .liveAgents(0)
                    .updatedAt(NOW)
                    .build();
            assertThat(views.view(reader, died, NOW - 60_000, 0, null, false, List.of(), NOW)
                            .caughtUp())
                    .as("%s died: a reader that stopped has not read what is left, and the log tier comes back", reader)
                    .isFalse();
        }

        TierView producer = new TierView("producer", NOW - 30_000, NOW - 30_000, NOW - 30_000, false, 0);
        TierProgress log = TierProgress.builder("log", "orders")
                .watermark(NOW - 60_000)
                .lastHeartbeatAt(NOW - 60_000)
                .liveAgents(0)
                .updatedAt(NOW)
                .build();
        assertThat(views.view("log", log, NOW - 60_000, 0, null, true, List.of(producer), NOW)
                        .caughtUp())
                .as("closed, but behind an upstream tier that is still going")
                .isFalse();
    }
}
