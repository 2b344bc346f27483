package io.tally.reconciler.internal.verdict;

import static io.tally.reconciler.internal.verdict.Fixtures.BUCKET;
import static io.tally.reconciler.internal.verdict.Fixtures.MINUTE;
import static io.tally.reconciler.internal.verdict.Fixtures.T0;
import static io.tally.reconciler.internal.verdict.Fixtures.at;
import static io.tally.reconciler.internal.verdict.Fixtures.counted;
import static io.tally.reconciler.internal.verdict.Fixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.TierAggregate;
import io.tally.reconciler.internal.topology.Edge;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.storage.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeJudgeTest {
    private static final long GRACE = 5_000;
    private static final long STALL = 120_000;
    private static final Edge EDGE = Edge.of("orders", "log", "consumer.billing");
    private static final long DONE = T0 + MINUTE + GRACE;

    private final EdgeJudge judge = new EdgeJudge(GRACE, STALL, 100);

    private Judgement judge(TierAggregate up, TierAggregate down, TierView upView, TierView downView, long now) {
        return judge.judge(
                EdgeBucket.builder(EDGE, BUCKET, upView, downView)
                        .up(up)
                        .down(down)
                        .build(),
                now);
    }

    private Judgement finalJudge(TierAggregate up, TierAggregate down) {
        return judge.judge(done(EDGE, up, down).build(), DONE);
    }

    /** {@code edge} in {@link Fixtures#BUCKET}, both tiers' watermarks at {@link #DONE}: the bucket is due. */
    private static EdgeBucket.Builder done(Edge edge, TierAggregate up, TierAggregate down) {
        return EdgeBucket.builder(edge, BUCKET, at(edge.upstreamTier(), DONE), at(edge.downstreamTier(), DONE))
                .up(up)
                .down(down);
    }

    @Test
    void complete_when_every_id_arrived_once() {
        Judgement j = finalJudge(ids("log", 0, 100), ids("consumer.billing", 0, 100));

        assertThat(j.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(j.upstreamCount()).isEqualTo(100);
    }

    @Test
    void loss_names_the_missing_ids() {
        Judgement j = finalJudge(ids("log", 0, 100), ids("consumer.billing", 0, 97));

        assertThat(j.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(j.missing()).isEqualTo(3);
        assertThat(j.lostIds()).containsExactlyInAnyOrder(97L, 98L, 99L);
    }

    @Test
    void a_verdict_explains_itself_with_counts_and_watermarks() {
        Judgement loss = finalJudge(ids("log", 0, 1_000), ids("consumer.billing", 0, 995));
        Judgement complete = finalJudge(ids("log", 0, 1_000), ids("consumer.billing", 0, 1_000));
        Judgement pending = judge(
                ids("log", 0, 10),
                ids("consumer.billing", 0, 8),
                at("log", DONE),
                at("consumer.billing", DONE - 1),
                DONE);
        String due = java.time.Instant.ofEpochMilli(DONE).toString();

        assertThat(loss.reason())
                .isEqualTo("LOSS: log has 1,000, consumer.billing 995 (5 missing, 0 duplicated); "
                        + "both watermarks past " + due);
        assertThat(complete.reason())
                .isEqualTo("COMPLETE: log has 1,000, consumer.billing 1,000; " + "both watermarks past " + due);
        assertThat(pending.reason())
                .isEqualTo("PENDING: waiting for consumer.billing's watermark ("
                        + java.time.Instant.ofEpochMilli(DONE - 1) + ") to pass " + due
                        + " (bucket end + grace); log has 10, consumer.billing 8 so far");
    }

    @Test
    void duplication_names_the_extra_ids() {
        Judgement j = finalJudge(ids("log", 0, 100), ids("consumer.billing", 0, 100, 5, 6));

        assertThat(j.verdict()).isEqualTo(Verdict.DUPLICATION);
        assertThat(j.duplicated()).isEqualTo(2);
        assertThat(j.duplicatedIds()).containsExactlyInAnyOrder(5L, 6L);
    }

    @Test
    void a_duplication_by_a_reader_that_counted_on_consume_says_so() {
        TierAggregate down = ids("consumer.billing", 0, 100, 5, 6);
        TierAggregate onConsume = down.toBuilder().countedOnConsume(40).build();

        Judgement j = finalJudge(ids("log", 0, 100), onConsume);

        assertThat(j.verdict()).isEqualTo(Verdict.DUPLICATION);
        assertThat(j.reason()).contains("consumer.billing counted 40 of its 102 when it read them, not at a commit");
        assertThat(finalJudge(ids("log", 0, 100), down).reason()).doesNotContain("when it read them");
    }

    @Test
    void mixed_is_caught_by_the_digest_when_counts_agree() {
        Judgement j = finalJudge(ids("log", 0, 100), ids("consumer.billing", 1, 100, 50));

        assertThat(j.upstreamCount()).isEqualTo(j.downstreamCount());
        assertThat(j.verdict()).isEqualTo(Verdict.MIXED);
        assertThat(j.missing()).isEqualTo(1);
        assertThat(j.duplicated()).isEqualTo(1);
        assertThat(j.lostIds()).containsExactly(0L);
        assertThat(j.duplicatedIds()).containsExactly(50L);
    }

    @Test
    void counts_alone_judge_tiers_without_digest() {
        Judgement j = finalJudge(counted("log", 10, 5), counted("consumer.billing", 8, 5));

        assertThat(j.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(j.missing()).isEqualTo(2);
        assertThat(j.lostIds()).isEmpty();
    }

    @Test
    void a_bucket_the_downstream_tier_never_reported_is_lost_entirely() {
        Judgement j = finalJudge(ids("log", 0, 4), null);

        assertThat(j.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(j.lostIds()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    }

    @Test
    void latency_over_the_sla_percentile() {
        TopicPolicy sla = new TopicPolicy(false, 1_000, 0.99, 1, 1, TopicPolicy.DEFAULT_ALERT_KINDS);

        Judgement slow = judge.judge(
                done(EDGE, counted("log", 10, 5), counted("consumer.billing", 10, 4_000))
                        .policy(sla)
                        .build(),
                DONE);
        Judgement fast = judge.judge(
                done(EDGE, counted("log", 10, 5), counted("consumer.billing", 10, 400))
                        .policy(sla)
                        .build(),
                DONE);

        assertThat(slow.verdict()).isEqualTo(Verdict.LATENCY);
        assertThat(slow.detail()).contains("p99");
        assertThat(fast.verdict()).isEqualTo(Verdict.COMPLETE);
    }

    @Test
    void pending_until_the_downstream_watermark_passes_the_bucket_end_plus_grace() {
        Judgement lagging = judge(
                ids("log", 0, 100),
                ids("consumer.billing", 0, 40),
                at("log", DONE),
                at("consumer.billing", DONE - 1),
                DONE);

        assertThat(lagging.verdict()).isEqualTo(Verdict.PENDING);
    }

    @Test
    void stalled_when_the_lagging_watermark_stops_while_upstream_has_data_and_never_loss() {
        long stuckSince = T0 + 30_000;
        TierView stuck = new TierView("consumer.billing", stuckSince, stuckSince, stuckSince, false, T0 - MINUTE);
        long now = stuckSince + STALL;

        Judgement stalled = judge(ids("log", 0, 100), ids("consumer.billing", 0, 40), at("log", now), stuck, now);
        Judgement notYet = judge(ids("log", 0, 100), ids("consumer.billing", 0, 40), at("log", now), stuck, now - 1);

        assertThat(stalled.verdict()).isEqualTo(Verdict.STALLED);
        assertThat(stalled.detail()).contains("consumer.billing");
        assertThat(notYet.verdict()).isEqualTo(Verdict.PENDING);
    }

    @Test
    void a_caught_up_tier_is_not_stalled() {
        long since = T0 + 30_000;
        TierView idle = new TierView("consumer.billing", since, since, since, true, T0 - MINUTE);

        Judgement j =
                judge(ids("log", 0, 100), ids("consumer.billing", 0, 100), at("log", DONE), idle, since + 10 * STALL);

        assertThat(j.verdict()).isEqualTo(Verdict.PENDING);
    }

    @Test
    void buckets_before_a_late_starting_tier_are_not_observed() {
        TierView lateConsumer = new TierView("consumer.billing", DONE, DONE, DONE, false, T0);
        TierView log = new TierView("log", DONE, DONE, DONE, false, T0 - 10 * MINUTE);

        Judgement first = judge(ids("log", 0, 100), ids("consumer.billing", 60, 100), log, lateConsumer, DONE);
        Judgement before = judge.judge(
                EdgeBucket.builder(
                                EDGE,
                                BUCKET.next(),
                                log,
                                new TierView("consumer.billing", DONE, DONE, DONE, false, T0 + MINUTE))
                        .build(),
                DONE);

        assertThat(first.verdict()).isEqualTo(Verdict.NOT_OBSERVED);
        assertThat(before.verdict()).isEqualTo(Verdict.NOT_OBSERVED);
    }

    @Test
    void a_partition_a_late_starting_group_has_not_read_yet_is_not_observed_before_its_start_and_judged_after() {
        // a new group at latest: it got records of partition 0 since it started, none yet of quiet partition 1
        long later = DONE + 3 * MINUTE; // both tiers are past every bucket here
        TierView newGroup = new TierView("consumer.billing", later, later, later, false, T0 + MINUTE, Map.of(0, 500L));
        TierView log = new TierView("log", later, later, later, false, T0 - 10 * MINUTE);
        TierAggregate beforeStart = withFirstOffsets(ids("log", 0, 100), Map.of(1, 40L));
        TierAggregate afterStart = withFirstOffsets(ids("log", 0, 100), Map.of(1, 40L));

        Judgement before = judge(beforeStart, null, log, newGroup, later);
        Judgement after = judge.judge(
                EdgeBucket.builder(EDGE, BUCKET.next().next(), log, newGroup)
                        .up(rebucket(afterStart, BUCKET.next().next()))
                        .build(),
                later);

        assertThat(before.verdict()).isEqualTo(Verdict.NOT_OBSERVED);
        assertThat(before.detail()).contains("has not read partition 1 yet");
        assertThat(after.verdict())
                .as("once the group runs, a partition's records are its to read: a partition added at runtime and "
                        + "skipped at latest is lost to it")
                .isEqualTo(Verdict.LOSS);
    }

    @Test
    void a_group_behind_a_bucket_whose_unread_records_are_gone_from_the_log_has_lost_them() {
        // the group stopped at offset 20 of partition 0 (it read ids 0..19); retention has since deleted the log
        // up to offset 60, past the bucket's last record there (49). Partition 1 it had read whole
        TierAggregate log = ids("log", 0, 100).toBuilder()
                .lastOffsets(Map.of(0, 49L, 1, 49L))
                .build();
        TierAggregate group = ids("consumer.billing", 0, 20, 50, 51, 52);
        TierView stuck = at("consumer.billing", T0 + 10_000)
                .withCommittedOffsets(Map.of(0, 20L, 1, 50L))
                .withCommitsUnchanged(STALL);

        Judgement gone = judge(log, group, at("log", DONE), stuck.withLogStartOffsets(Map.of(0, 60L)), DONE);
        Judgement partly = judge(log, group, at("log", DONE), stuck.withLogStartOffsets(Map.of(0, 40L)), DONE);
        Judgement unknown = judge(log, group, at("log", DONE), stuck, DONE);
        Judgement moving = judge(
                log,
                group,
                at("log", DONE),
                stuck.withLogStartOffsets(Map.of(0, 60L)).withCommitsUnchanged(STALL - 1),
                DONE);

        assertThat(gone.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(gone.lostIds()).contains(20L, 49L);
        assertThat(gone.detail())
                .contains("gone from the log")
                .contains("partition 0 now starts at offset 60")
                .contains("had committed up to 20");
        assertThat(partly.verdict()).as("records 40..49 may still be read").isEqualTo(Verdict.PENDING);
        assertThat(unknown.verdict()).isEqualTo(Verdict.PENDING);
        assertThat(moving.verdict())
                .as("a group that commits (Kafka Streams purges what it has just committed) is not stuck")
                .isEqualTo(Verdict.PENDING);
    }

    @Test
    void a_group_whose_watermark_passed_is_final_only_once_it_committed_past_the_bucket_on_every_partition() {
        // the log counted the bucket up to offset 49 on partition 0 and 79 on partition 1; partition 1's owner
        // closed, so the group's watermark (over the partitions its live agents report) passed the bucket
        TierAggregate log = withLastOffsets(ids("log", 0, 100), Map.of(0, 49L, 1, 79L));
        TierAggregate group = ids("consumer.billing", 0, 60);
        TierView consumer = at("consumer.billing", DONE);

        Judgement behind =
                judge(log, group, at("log", DONE), consumer.withCommittedOffsets(Map.of(0, 50L, 1, 60L)), DONE);
        Judgement none = judge(log, group, at("log", DONE), consumer.withCommittedOffsets(Map.of(0, 50L)), DONE);
        Judgement stalled =
                judge(log, group, at("log", DONE), consumer.withCommittedOffsets(Map.of(0, 50L, 1, 60L)), DONE + STALL);
        Judgement past =
                judge(log, group, at("log", DONE), consumer.withCommittedOffsets(Map.of(0, 50L, 1, 80L)), DONE);
        Judgement unknown = judge(log, group, at("log", DONE), consumer, DONE);

        assertThat(behind.verdict()).as("partition 1 not committed past 79").isEqualTo(Verdict.PENDING);
        assertThat(judge.explain(behind, EDGE, BUCKET, at("log", DONE), consumer)
                        .reason())
                .contains("waiting for consumer.billing to commit past offset 79 of partition 1")
                .contains("the group's commit there: 60");
        assertThat(none.verdict()).as("no commit at all on partition 1").isEqualTo(Verdict.PENDING);
        assertThat(stalled.verdict()).isEqualTo(Verdict.STALLED);
        assertThat(stalled.detail()).contains("has not committed past offset 79 of partition 1");
        // at the end of every partition it has committed, the lag says; partition 1 it never committed
        TierView atEndOfItsCommits = new TierView("consumer.billing", DONE, DONE, DONE, true, T0 - 10 * MINUTE);
        assertThat(judge(
                                log,
                                group,
                                at("log", DONE),
                                atEndOfItsCommits.withCommittedOffsets(Map.of(0, 50L)),
                                DONE + STALL)
                        .verdict())
                .isEqualTo(Verdict.STALLED);
        assertThat(judge(log, group, at("log", DONE), consumer.withCommittedOffsets(Map.of()), DONE + STALL)
                        .verdict())
                .as("no sample of its commits settled yet (a reconciler just started): pending, not stalled")
                .isEqualTo(Verdict.PENDING);
        assertThat(past.verdict()).as("committed past: the counts are final").isEqualTo(Verdict.LOSS);
        assertThat(unknown.verdict())
                .as("commits not known: the watermark decides")
                .isEqualTo(Verdict.LOSS);
    }

    @Test
    void a_tier_whose_counts_are_refused_is_misconfigured_not_a_loss_of_what_it_counted() {
        String reason = "its agents count in buckets of 60000 ms and this deployment in buckets of 10000 ms: set "
                + "tally.bucket.ms=10000 on the clients of tier consumer.billing";
        TierView refused = at("consumer.billing", DONE).withMisconfigured(reason, T0);
        TierView fixedSince = at("consumer.billing", DONE).withMisconfigured(reason, T0 - 1);

        Judgement j = judge(ids("log", 0, 1_003), null, at("log", DONE), refused, DONE);

        assertThat(j.verdict()).isEqualTo(Verdict.NOT_JUDGED);
        assertThat(j.detail())
                .contains("tier consumer.billing is misconfigured")
                .contains("tally.bucket.ms=10000");
        assertThat(judge(ids("log", 0, 1_003), null, at("log", DONE), fixedSince, DONE)
                        .verdict())
                .as("a bucket after everything the refused agents counted is judged")
                .isEqualTo(Verdict.LOSS);
    }

    @Test
    void committed_offsets_are_not_compared_across_topics() {
        Edge rename = new Edge("log", "orders", "consumer.billing", "dc2.orders", false, false);
        TierAggregate log = withLastOffsets(ids("log", 0, 100), Map.of(0, 5_000L));
        TierView consumer = at("consumer.billing", DONE).withCommittedOffsets(Map.of(0, 100L));

        Judgement j = judge.judge(
                EdgeBucket.builder(rename, BUCKET, at("log", DONE), consumer)
                        .up(log)
                        .down(ids("consumer.billing", 0, 100))
                        .build(),
                DONE);

        assertThat(j.verdict()).isEqualTo(Verdict.COMPLETE);
    }

    private static TierAggregate withLastOffsets(TierAggregate a, Map<Integer, Long> offsets) {
        return a.toBuilder().firstOffsets(offsets).lastOffsets(offsets).build();
    }

    private static TierAggregate withFirstOffsets(TierAggregate a, Map<Integer, Long> offsets) {
        return a.toBuilder().firstOffsets(offsets).build();
    }

    private static TierAggregate rebucket(TierAggregate a, io.tally.core.Bucket b) {
        return TierAggregate.builder(a.topic(), a.tier(), b)
                .count(a.count())
                .bytes(a.bytes())
                .noTimestamp(a.noTimestamp())
                .skewed(a.skewed())
                .failed(a.failed())
                .records(a.records())
                .latency(a.latency())
                .digest(a.digest())
                .updatedAt(a.updatedAt())
                .firstOffsets(a.firstOffsets())
                .build();
    }

    @Test
    void an_edge_whose_sides_cannot_carry_the_same_ids_is_compared_by_counts_and_says_so() {
        Edge mirror = new Edge("log", "orders", "mirror", "dc2.orders", false, false).asCountsOnly();
        // the same 100 records, with ids made on each side: every id differs
        TierAggregate source = ids("log", 0, 100);
        TierAggregate copy = ids("mirror", 1_000, 1_100);

        Judgement same = judge.judge(done(mirror, source, copy).build(), DONE);
        Judgement short5 =
                judge.judge(done(mirror, source, ids("mirror", 1_000, 1_095)).build(), DONE);
        Judgement byIds = judge.judge(
                done(new Edge("log", "orders", "mirror", "dc2.orders", false, false), source, copy)
                        .build(),
                DONE);

        assertThat(same.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(same.detail()).contains("by counts");
        assertThat(short5.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(short5.missing()).isEqualTo(5);
        assertThat(short5.lostIds()).isEmpty();
        assertThat(byIds.verdict()).as("what the ids say without countsOnly").isEqualTo(Verdict.MIXED);
    }

    @Test
    void a_tier_that_started_with_its_upstream_is_judged_from_the_first_bucket() {
        TierView consumer = new TierView("consumer.billing", DONE, DONE, DONE, false, T0);
        TierView log = new TierView("log", DONE, DONE, DONE, false, T0);

        Judgement j = judge(ids("log", 0, 100), ids("consumer.billing", 60, 100), log, consumer, DONE);

        assertThat(j.verdict()).isEqualTo(Verdict.LOSS);
    }

    @Test
    void a_difference_a_dead_agent_can_explain_is_an_audit_gap() {
        Judgement gap = judge.judge(
                done(EDGE, ids("log", 0, 100), ids("consumer.billing", 0, 95))
                        .gapAllowance(() -> 5)
                        .build(),
                DONE);
        Judgement tooBig = judge.judge(
                done(EDGE, ids("log", 0, 100), ids("consumer.billing", 0, 90))
                        .gapAllowance(() -> 5)
                        .build(),
                DONE);

        assertThat(gap.verdict()).isEqualTo(Verdict.AUDIT_GAP);
        assertThat(tooBig.verdict()).isEqualTo(Verdict.LOSS);
    }

    @Test
    void an_edge_the_topology_does_not_judge_is_not_judged() {
        Judgement j = judge.judge(
                done(EDGE, ids("log", 0, 100), ids("consumer.billing", 0, 10))
                        .judged(false)
                        .build(),
                DONE);

        assertThat(j.verdict()).isEqualTo(Verdict.NOT_JUDGED);
    }

    @Test
    void a_partial_reader_is_judged_for_duplication_only() {
        Edge partial = new Edge("log", "orders", "consumer.billing", "orders", true, false);

        Judgement fewer = judge.judge(
                done(partial, ids("log", 0, 100), ids("consumer.billing", 0, 50))
                        .build(),
                DONE);
        Judgement more = judge.judge(
                done(partial, counted("log", 10, 1), counted("consumer.billing", 12, 1))
                        .build(),
                DONE);

        assertThat(fewer.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(more.verdict()).isEqualTo(Verdict.DUPLICATION);
        assertThat(more.duplicated()).isEqualTo(2);
    }

    @Test
    void the_producers_of_a_topic_declared_partial_are_judged_for_loss_only() {
        Edge partialProducers = Edge.of("orders", "producer", "log").asLossOnly();

        // writers without the agent put 400 more in the log: more than a 128-cell digest can peel
        Judgement extra = judge.judge(
                done(partialProducers, ids("producer", 0, 100), ids("log", 0, 500))
                        .build(),
                DONE);
        Judgement lost = judge.judge(
                done(partialProducers, ids("producer", 0, 100), ids("log", 5, 100))
                        .build(),
                DONE);
        Judgement lostAmongExtras = judge.judge(
                done(partialProducers, ids("producer", 0, 100), ids("log", 3, 103))
                        .build(),
                DONE);

        assertThat(extra.verdict()).isEqualTo(Verdict.COMPLETE);
        assertThat(extra.reason()).contains("partial producers: 400 more from writers without the agent");
        assertThat(lost.verdict()).isEqualTo(Verdict.LOSS);
        assertThat(lost.lostIds()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        assertThat(lostAmongExtras.verdict())
                .as("as many in the log, but 3 acknowledged ones missing")
                .isEqualTo(Verdict.LOSS);
        assertThat(lostAmongExtras.missing()).isEqualTo(3);
        assertThat(lostAmongExtras.duplicated()).isZero();
    }
}
