package io.tally.reconciler.internal.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentLivenessTest {
    private static final long T = 1_800_000_000_000L;
    private static final Bucket BUCKET = Bucket.of(T, 60_000);
    private final AgentLiveness liveness = new AgentLiveness(30_000, 5_000, 60_000);

    private void records(String instance, long perFlush, boolean closeAtEnd) {
        records(liveness, instance, perFlush, closeAtEnd);
    }

    private static void records(AgentLiveness liveness, String instance, long perFlush, boolean closeAtEnd) {
        AgentIdentity agent = new AgentIdentity(instance, "host");
        for (int i = 0; i < 6; i++) {
            long t = T + i * 5_000L;
            liveness.on(AuditRecord.builder(agent, "consumer.g", "orders", BUCKET, CountingMode.values()[0])
                    .seq(i)
                    .emittedAt(t)
                    .count(perFlush)
                    .bytes(perFlush)
                    .build());
        }
        liveness.on(Heartbeat.builder(agent, "consumer.g")
                .seq(99)
                .emittedAt(T + 25_000)
                .watermarks(Map.of("orders", T + 25_000))
                .closed(closeAtEnd)
                .build());
    }

    @Test
    void an_agent_that_died_without_closing_leaves_about_one_flush_interval_of_its_rate() {
        records("a", 100, false);

        assertThat(liveness.gapAllowance("consumer.g", "orders", BUCKET, T + 25_000 + 10_000))
                .isZero();
        long gap = liveness.gapAllowance("consumer.g", "orders", BUCKET, T + 25_000 + 30_000);
        assertThat(gap).isBetween(80L, 150L);
        assertThat(liveness.gapAllowance("log", "orders", BUCKET, T + 100_000)).isZero();
        assertThat(liveness.gapAllowance("consumer.g", "orders", BUCKET.next().next(), T + 100_000))
                .isZero();
    }

    @Test
    void a_consumer_agent_that_died_also_leaves_the_records_it_was_waiting_to_count() {
        records("a", 100, false);
        AgentIdentity a = new AgentIdentity("a", "host");
        // its last heartbeat: 700 records processed (their transaction committed) that it had not learned of yet
        liveness.on(Heartbeat.builder(a, "consumer.g")
                .seq(100)
                .emittedAt(T + 26_000)
                .watermarks(Map.of("orders", T + 25_000))
                .waiting(Map.of("orders", 700L))
                .build());

        long gap = liveness.gapAllowance("consumer.g", "orders", BUCKET, T + 26_000 + 30_000);
        assertThat(gap).isBetween(780L, 850L);
        assertThat(liveness.gapAllowance("consumer.g", "payments", BUCKET, T + 100_000))
                .as("another topic")
                .isZero();
    }

    @Test
    void an_exactly_once_instance_killed_working_through_a_backlog_leaves_its_waiting_records_in_the_older_buckets() {
        // started on a backlog: of partition 1 it has counted up to T - 1 min (its transactions' later commits not
        // learned yet), of partition 2 up to T + 20 s; killed at T + 26 s with 900 records waiting
        AgentIdentity b = new AgentIdentity("b", "host");
        liveness.on(Heartbeat.builder(b, "consumer.g")
                .seq(1)
                .emittedAt(T + 26_000)
                .watermarks(Map.of("orders", T + 20_000))
                .partitions(Map.of("orders", Map.of(1, T - 60_000, 2, T + 20_000)))
                .waiting(Map.of("orders", 900L))
                .build());
        Bucket older = Bucket.of(T - 60_000, 60_000);

        assertThat(liveness.gapAllowance("consumer.g", "orders", older, T + 26_000 + 30_000))
                .as("past what it counted of partition 1")
                .isGreaterThanOrEqualTo(900);
        assertThat(liveness.gapAllowance("consumer.g", "orders", Bucket.of(T - 180_000, 60_000), T + 60_000))
                .as("before what it counted everywhere")
                .isZero();

        AgentIdentity c = new AgentIdentity("c", "host");
        liveness.on(Heartbeat.builder(c, "consumer.h")
                .seq(1)
                .emittedAt(T + 26_000)
                .partitions(Map.of("orders", Map.of(0, Long.MIN_VALUE)))
                .waiting(Map.of("orders", 300L))
                .build());
        assertThat(liveness.gapAllowance("consumer.h", "orders", Bucket.of(T - 600_000, 60_000), T + 60_000))
                .as("a partition it counted nothing of: its waiting records may be of any bucket")
                .isGreaterThanOrEqualTo(300);
    }

    @Test
    void an_agent_killed_before_it_flushed_counts_is_allowed_its_busiest_peer_s_share_around_its_death() {
        records("a", 100, false); // a peer, alive: 100 per 5 s flush
        records("b", 40, true);
        AgentIdentity killed = new AgentIdentity("killed", "host");
        long startedAt = T + 20_000;
        liveness.on(Heartbeat.builder(killed, "consumer.g").emittedAt(startedAt).build()); // its first heartbeat
        liveness.on(Heartbeat.builder(new AgentIdentity("a", "host"), "consumer.g")
                .seq(100)
                .emittedAt(startedAt + 40_000)
                .watermarks(Map.of("orders", startedAt + 40_000))
                .build()); // a is still alive
        long now = startedAt + 40_000;

        long gap = liveness.gapAllowance("consumer.g", "orders", BUCKET, now);
        assertThat(gap)
                .as("the peer's rate (600 over the 60 s since its window began) over one 5 s flush")
                .isBetween(45L, 75L);
        assertThat(liveness.gapAllowance("consumer.g", "orders", BUCKET.next().next(), now))
                .as("only around its death")
                .isZero();
        assertThat(liveness.gapAllowance("log", "orders", BUCKET, now)).isZero();

        AgentLiveness otherTopic = new AgentLiveness(30_000, 5_000, 60_000);
        records(otherTopic, "a", 100, false);
        otherTopic.on(Heartbeat.builder(new AgentIdentity("a", "host"), "consumer.g")
                .seq(100)
                .emittedAt(now)
                .watermarks(Map.of("orders", now))
                .build());
        otherTopic.on(Heartbeat.builder(killed, "consumer.g")
                .emittedAt(startedAt)
                .watermarks(Map.of("payments", startedAt))
                .build());
        assertThat(otherTopic.gapAllowance("consumer.g", "orders", BUCKET, now))
                .as("an agent that reported only another topic leaves nothing on this one")
                .isZero();
    }

    @Test
    void liveness_is_judged_by_arrival_so_an_agent_whose_clock_is_a_minute_behind_is_alive_while_it_reports() {
        AgentLiveness byEmission = new AgentLiveness(30_000, 5_000, 60_000);
        AgentIdentity slow = new AgentIdentity("slow", "host");
        long now = T + 120_000;
        for (long at = T; at <= now; at += 5_000) {
            long clock = at - 60_000; // its host's clock, a minute behind the brokers'
            AuditRecord counts = AuditRecord.builder(slow, "consumer.g", "orders", BUCKET, CountingMode.values()[0])
                    .seq(at)
                    .emittedAt(clock)
                    .count(100)
                    .bytes(100)
                    .build();
            Heartbeat beat = Heartbeat.builder(slow, "consumer.g")
                    .seq(at + 1)
                    .emittedAt(clock)
                    .watermarks(Map.of("orders", clock))
                    .build();
            liveness.on(counts, at); // arrived at the brokers' time
            liveness.on(beat, at);
            byEmission.on(counts);
            byEmission.on(beat);
        }

        assertThat(byEmission.gapAllowance("consumer.g", "orders", BUCKET, now))
                .as("by its own clock it looks dead, and its rate is allowed as a gap")
                .isPositive();
        assertThat(liveness.gapAllowance("consumer.g", "orders", BUCKET, now))
                .as("it reported just now")
                .isZero();
    }

    @Test
    void an_agent_that_closed_cleanly_leaves_no_gap() {
        records("b", 100, true);

        assertThat(liveness.gapAllowance("consumer.g", "orders", BUCKET, T + 200_000))
                .isZero();
    }

    @Test
    void a_tier_is_all_closed_only_when_every_agent_that_reported_the_topic_closed() {
        assertThat(liveness.allClosed("consumer.g", "orders"))
                .as("no agent known")
                .isFalse();
        records("a", 100, true);
        records("b", 100, false);
        assertThat(liveness.allClosed("consumer.g", "orders"))
                .as("b has not closed")
                .isFalse();

        records("b", 100, true);
        assertThat(liveness.allClosed("consumer.g", "orders")).isTrue();
        assertThat(liveness.allClosed("consumer.g", "payments"))
                .as("no agent reported payments")
                .isFalse();
        assertThat(liveness.allClosed("log", "orders")).isFalse();
    }

    @Test
    void what_it_kept_is_restored_by_the_next_reconciler_and_messages_it_had_are_not_counted_twice() {
        records("a", 100, false);
        records("b", 100, true);
        long allowance = liveness.gapAllowance("consumer.g", "orders", BUCKET, T + 100_000);
        List<io.tally.storage.AgentSnapshot> kept = liveness.drainChanged();
        assertThat(kept).hasSize(2);
        assertThat(liveness.drainChanged()).as("only what changed since").isEmpty();

        AgentLiveness next = new AgentLiveness(30_000, 5_000, 60_000);
        next.restore(kept);
        assertThat(next.gapAllowance("consumer.g", "orders", BUCKET, T + 100_000))
                .isEqualTo(allowance)
                .isPositive();
        assertThat(next.allClosed("consumer.g", "orders")).isFalse();

        records(next, "a", 100, false); // the restarted reconciler's look-back reads the same messages again
        assertThat(next.gapAllowance("consumer.g", "orders", BUCKET, T + 100_000))
                .as("not counted twice")
                .isEqualTo(allowance);
    }
}
