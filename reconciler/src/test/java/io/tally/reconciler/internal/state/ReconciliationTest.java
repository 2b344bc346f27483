package io.tally.reconciler.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.ManualClock;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.reconciler.internal.topology.Topology;
import io.tally.reconciler.internal.topology.TopologyFile;
import io.tally.reconciler.internal.verdict.AgentLiveness;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    private static final String LOG_COMMITTED = "log.committed";
    private static final long SIZE = 10_000;
    private static final long T0 = 1_800_000_000_000L - Math.floorMod(1_800_000_000_000L, SIZE);
    private static final Bucket B = new Bucket(T0, SIZE);
    private static final String CONSUMER = "consumer.billing";
    private static final Reconciliation.Settings SETTINGS =
            new Reconciliation.Settings(2_000, 60_000, 15_000, 5_000, 30_000, 3_600_000, 30_000, 100, 600_000);

    private final ManualClock clock = new ManualClock(T0 + 1_000);
    private Reconciliation rec =
            new Reconciliation(Topology.defaults(), SETTINGS, new AgentLiveness(30_000, 5_000, 60_000));
    private final Map<String, Boolean> lag = new java.util.HashMap<>();
    private final LagView lagView = (tier, topic) -> lag.get(tier);

    private static TierAggregate agg(String tier, Bucket b, long from, long to) {
        IdDigest d = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch l = new LatencySketch();
        for (long id = from; id < to; id++) {
            d.add(id);
            l.add(5);
        }
        return TierAggregate.builder("orders", tier, b)
                .count(to - from)
                .records(1)
                .latency(l)
                .digest(d)
                .updatedAt(b.start())
                .build();
    }

    /** @return the progress of {@code tier} on "orders" up to {@code watermark}, one agent live now */
    private TierProgress.Builder liveProgress(String tier, long watermark) {
        return TierProgress.builder(tier, "orders")
                .watermark(watermark)
                .lastHeartbeatAt(clock.millis())
                .liveAgents(1)
                .updatedAt(clock.millis());
    }

    /** @return {@code tier}'s progress on "orders" as the aggregator publishes it at {@code updatedAt} */
    private static TierProgress progressOf(
            String tier, long watermark, long lastHeartbeatAt, int live, long updatedAt) {
        return TierProgress.builder(tier, "orders")
                .watermark(watermark)
                .lastHeartbeatAt(lastHeartbeatAt)
                .liveAgents(live)
                .updatedAt(updatedAt)
                .build();
    }

    /** Tells {@code liveness} of a producer agent's last heartbeat, at {@code at}, with its watermark on "orders". */
    private static void lastHeartbeat(AgentLiveness liveness, AgentIdentity agent, long seq, long at, boolean closed) {
        liveness.on(Heartbeat.builder(agent, "producer")
                .seq(seq)
                .emittedAt(at)
                .watermarks(Map.of("orders", at))
                .closed(closed)
                .build());
    }

    private void progress(Reconciliation r, String tier, long watermark) {
        r.accept(liveProgress(tier, watermark).build(), clock.millis());
    }

    private void progress(String tier, long watermark) {
        progress(rec, tier, watermark);
    }

    private void allAt(long watermark) {
        progress("producer", watermark);
        progress("log", watermark);
        progress(CONSUMER, watermark);
    }

    private Evaluation tick() {
        return rec.evaluate(clock.millis(), lagView);
    }

    private static Optional<Verdict> verdictOf(Evaluation e, String down) {
        return e.verdicts().stream()
                .filter(v -> v.downstreamTier().equals(down))
                .map(EdgeVerdict::verdict)
                .findFirst();
    }

    /**
     * What a test tells the reconciliation of the cluster, by tier: no lag known, and only what is put in its fields
     * (read when asked, so a test may change them between evaluations).
     */
    private static final class FakeLag implements LagView {
        final Map<String, Map<Integer, Long>> committed = new java.util.HashMap<>();
        final Map<String, Set<Integer>> unread = new java.util.HashMap<>();
        final Set<String> withoutOffsets = new java.util.HashSet<>();
        boolean transactional;

        @Override
        public Boolean caughtUp(String tier, String topic) {
            return null;
        }

        @Override
        public boolean transactional(String topic) {
            return transactional;
        }

        @Override
        public Set<Integer> unreadPartitions(String tier, String topic) {
            return Set.copyOf(unread.getOrDefault(tier, Set.of()));
        }

        @Override
        public Map<Integer, Long> committedOffsets(String tier, String topic) {
            Map<Integer, Long> offsets = committed.get(tier);
            return offsets == null ? null : Map.copyOf(offsets);
        }

        @Override
        public boolean withoutOffsets(String tier, String topic) {
            return withoutOffsets.contains(tier);
        }
    }

    @Test
    void default_topology_judges_producer_to_log_and_log_to_each_consumer() {
        rec.accept(agg("producer", B, 0, 10));
        rec.accept(agg("log", B, 0, 10));
        rec.accept(agg(CONSUMER, B, 0, 10));
        rec.accept(agg("consumer.audit", B, 0, 10));
        progress(CONSUMER, B.start());
        progress("consumer.audit", B.start());

        Evaluation e = tick();

        assertThat(e.verdicts())
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier())
                .containsExactlyInAnyOrder("producer→log", "log→consumer.billing", "log→consumer.audit");
        assertThat(e.verdicts()).allSatisfy(v -> assertThat(v.verdict()).isEqualTo(Verdict.PENDING));
    }

    @Test
    void late_records_of_a_final_bucket_counted_by_one_tier_first_are_not_a_discrepancy_within_the_grace_period() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress("log", B.end() + 2_500);
        assertThat(verdictOf(tick(), "log")).contains(Verdict.COMPLETE);

        // an application writes 5 records stamped with the bucket's time long after it: the log tier counts them
        // before the producer agent's next flush has reached the reconciler
        clock.advance(1_000);
        rec.accept(agg("log", B, 0, 105));
        Evaluation early = tick();
        assertThat(early.discrepancies())
                .as("not before the producer tier had the grace period")
                .isEmpty();
        clock.advance(500);
        rec.accept(agg("producer", B, 0, 105));
        Evaluation settled = tick();
        assertThat(settled.discrepancies()).isEmpty();
        assertThat(verdictOf(settled, "log")).contains(Verdict.COMPLETE);

        // five more that only the log tier ever counts: past the grace period they are a duplication
        clock.advance(1_000);
        rec.accept(agg("log", B, 0, 110));
        assertThat(tick().discrepancies()).isEmpty();
        clock.advance(SETTINGS.graceMs());
        assertThat(tick().discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(Verdict.DUPLICATION));
    }

    @Test
    void pending_becomes_complete_when_a_lagging_consumer_catches_up() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 40));
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress("log", B.end() + 2_500);
        progress(CONSUMER, B.start() + 4_000);

        Evaluation lagging = tick();
        assertThat(verdictOf(lagging, CONSUMER)).contains(Verdict.PENDING);
        assertThat(verdictOf(lagging, "log")).contains(Verdict.COMPLETE);
        assertThat(lagging.discrepancies()).isEmpty();

        clock.advance(5_000);
        rec.accept(agg(CONSUMER, B, 0, 100));
        progress(CONSUMER, B.end() + 7_000);

        Evaluation caughtUp = tick();
        assertThat(verdictOf(caughtUp, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(caughtUp.discrepancies()).isEmpty();
    }

    @Test
    void a_partition_no_live_agent_reports_holds_its_group_until_the_group_commits_past_the_bucket_there() {
        // the log counted offsets 0..49 of partition 0 and 0..49 of partition 1 in the bucket; partition 1's owner
        // closed and its next owner has not read it yet, so the group's watermark covers partition 0 only
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(withOffsets(agg("log", B, 0, 100), Map.of(0, 0L, 1, 0L), Map.of(0, 49L, 1, 49L)));
        rec.accept(agg(CONSUMER, B, 0, 50));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        Map<Integer, Long> committed = new java.util.HashMap<>(Map.of(0, 50L, 1, 0L));
        FakeLag commits = new FakeLag();
        commits.committed.put(CONSUMER, committed);

        Evaluation handover = rec.evaluate(clock.millis(), commits);
        assertThat(verdictOf(handover, CONSUMER)).contains(Verdict.PENDING);
        assertThat(handover.discrepancies()).isEmpty();

        // the next owner reads partition 1 and commits past the bucket: now the counts are final
        clock.advance(2_000);
        rec.accept(agg(CONSUMER, B, 0, 100));
        committed.put(1, 50L);
        Evaluation done = rec.evaluate(clock.millis(), commits);
        assertThat(verdictOf(done, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(done.discrepancies()).isEmpty();
    }

    private static TierAggregate withOffsets(TierAggregate a, Map<Integer, Long> first, Map<Integer, Long> last) {
        return a.toBuilder().firstOffsets(first).lastOffsets(last).build();
    }

    @Test
    void a_log_tier_that_has_not_started_reading_a_partition_with_records_holds_its_buckets() {
        // the log tier found a new topic and read partition 0 first; partition 1's records are still unread
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 60));
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        rec.accept(
                liveProgress("log", B.end() + 2_500).startOffsets(Map.of(0, 0L)).build(), clock.millis());
        Set<Integer> unread = new java.util.HashSet<>(Set.of(1));
        FakeLag partial = new FakeLag();
        partial.unread.put("log", unread);

        Evaluation early = rec.evaluate(clock.millis(), partial);
        assertThat(verdictOf(early, "log")).contains(Verdict.PENDING);
        assertThat(early.discrepancies()).isEmpty();

        rec.accept(agg("log", B, 0, 100));
        unread.clear();
        clock.advance(1_000);
        assertThat(verdictOf(rec.evaluate(clock.millis(), partial), "log")).contains(Verdict.COMPLETE);
    }

    @Test
    void records_deleted_before_the_log_tier_first_read_their_partition_are_its_gap_not_a_duplication_downstream() {
        // Kafka Streams wrote offsets 0-49 of both partitions of its repartition topic in the bucket, read them
        // (its group counted all 100) and purged them as it committed; the log tier found the topic late and
        // started reading partition 1 at offset 30: it never saw the 30 records below
        rec.accept(agg("producer", B, 0, 100).toBuilder()
                .firstOffsets(Map.of(0, 0L, 1, 0L))
                .lastOffsets(Map.of(0, 49L, 1, 49L))
                .build());
        rec.accept(agg("log", B, 30, 100).toBuilder()
                .firstOffsets(Map.of(0, 0L, 1, 30L))
                .lastOffsets(Map.of(0, 49L, 1, 49L))
                .build());
        rec.accept(agg(CONSUMER, B, 0, 100));
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress(CONSUMER, B.end() + 2_500);
        rec.accept(
                liveProgress("log", B.end() + 2_500)
                        .startOffsets(Map.of(0, 0L, 1, 30L))
                        .build(),
                clock.millis());
        lag.put(CONSUMER, true);

        Evaluation e = tick();

        assertThat(verdictOf(e, "log")).as("producer → log").contains(Verdict.NOT_OBSERVED);
        assertThat(verdictOf(e, CONSUMER))
                .as("log → group: the 30 the group read and the log tier never saw")
                .contains(Verdict.AUDIT_GAP);
        assertThat(e.discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.detail()).contains("offsets the log tier never saw"));
    }

    @Test
    void a_batch_producer_whose_agents_all_closed_mid_bucket_has_its_last_bucket_judged_not_stalled() {
        AgentLiveness liveness = new AgentLiveness(30_000, 5_000, 60_000);
        Reconciliation batch = new Reconciliation(Topology.defaults(), SETTINGS, liveness);
        long closedAt = B.start() + 4_000;
        // two producer instances write the bucket's first four seconds on three partitions, then close
        for (String instance : List.of("p1", "p2")) {
            AgentIdentity agent = new AgentIdentity(instance, "host");
            liveness.on(AuditRecord.builder(agent, "producer", "orders", B, CountingMode.values()[0])
                    .emittedAt(closedAt)
                    .count(50)
                    .bytes(50)
                    .build());
            lastHeartbeat(liveness, agent, 1, closedAt, true);
        }
        batch.accept(agg("producer", B, 0, 100));
        batch.accept(agg("log", B, 0, 100));
        batch.accept(agg(CONSUMER, B, 0, 100));
        batch.accept(progressOf("producer", closedAt, closedAt, 0, closedAt), closedAt);
        clock.set(B.end() + 120_000);
        long now = clock.millis();
        // the log tier and the group are live and caught up with what was written
        batch.accept(progressOf("log", closedAt, now, 2, now), closedAt);
        batch.accept(progressOf(CONSUMER, closedAt, now, 3, now), closedAt);
        lag.put(CONSUMER, true);

        Evaluation e = batch.evaluate(now, lagView);

        assertThat(verdictOf(e, "log")).as("producer → log").contains(Verdict.COMPLETE);
        assertThat(verdictOf(e, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(e.discrepancies()).isEmpty();
    }

    @Test
    void a_producer_killed_without_a_successor_has_its_last_bucket_judged_an_audit_gap_not_left_pending() {
        AgentLiveness liveness = new AgentLiveness(30_000, 5_000, 60_000);
        Reconciliation killed = new Reconciliation(Topology.defaults(), SETTINGS, liveness);
        long diedAt = B.start() + 4_000;
        // two producer instances write the bucket's first four seconds, 25 records a second each; SIGKILLed, they
        // never send their last flush interval's counts (10 records between them) nor a closing heartbeat
        for (String instance : List.of("p1", "p2")) {
            AgentIdentity agent = new AgentIdentity(instance, "host");
            for (int i = 0; i < 4; i++) {
                liveness.on(AuditRecord.builder(agent, "producer", "orders", B, CountingMode.values()[0])
                        .seq(i)
                        .emittedAt(B.start() + i * 1_000L)
                        .count(i < 3 ? 25 : 20)
                        .bytes(25)
                        .build());
            }
            lastHeartbeat(liveness, agent, 5, diedAt, false);
        }
        killed.accept(agg("producer", B, 0, 190));
        killed.accept(agg("log", B, 0, 200));
        killed.accept(agg(CONSUMER, B, 0, 200));
        // the aggregator counts them dead once the audit topic's time is past its liveness timeout
        killed.accept(progressOf("producer", diedAt, diedAt, 0, diedAt + 30_000), diedAt + 30_000);
        clock.set(B.end() + 120_000);
        long now = clock.millis();
        for (String tier : List.of("log", CONSUMER)) {
            killed.accept(progressOf(tier, diedAt, now, 1, now), diedAt);
        }
        lag.put(CONSUMER, true);

        Evaluation e = killed.evaluate(now, lagView);

        assertThat(verdictOf(e, "log"))
                .as("producer → log: the 10 the log holds beyond the counts are the dead agents' last interval")
                .contains(Verdict.AUDIT_GAP);
        assertThat(verdictOf(e, CONSUMER)).as("log → group").contains(Verdict.COMPLETE);
        assertThat(e.discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP));
    }

    @Test
    void a_topic_whose_partition_went_to_another_reconciler_is_forgotten_not_judged_stalled_from_stale_state() {
        for (String topic : List.of("orders", "refunds")) {
            rec.accept(TierAggregate.builder(topic, "producer", B)
                    .count(10)
                    .records(1)
                    .build());
            rec.accept(
                    TierAggregate.builder(topic, "log", B).count(10).records(1).build());
            rec.accept(TierAggregate.builder(topic, CONSUMER, B)
                    .count(4)
                    .records(1)
                    .build());
            for (String tier : List.of("producer", "log")) {
                rec.accept(
                        TierProgress.builder(tier, topic)
                                .watermark(B.end() + 3_000)
                                .lastHeartbeatAt(T0)
                                .liveAgents(1)
                                .updatedAt(T0)
                                .build(),
                        T0);
            }
            rec.accept(
                    TierProgress.builder(CONSUMER, topic)
                            .watermark(B.start() + 4_000)
                            .lastHeartbeatAt(T0)
                            .liveAgents(1)
                            .updatedAt(T0)
                            .build(),
                    T0); // lagging
        }
        clock.set(B.end() + 3_000);
        assertThat(verdictOf(tick(), CONSUMER)).contains(Verdict.PENDING);

        rec.forget(java.util.Set.of("refunds"));
        clock.set(B.end() + 600_000); // far past the stall timeout: only what this instance still owns is judged
        Evaluation later = tick();

        assertThat(later.verdicts()).allSatisfy(v -> assertThat(v.topic()).isEqualTo("orders"));
        assertThat(later.discrepancies()).extracting(Discrepancy::topic).containsOnly("orders");
        assertThat(rec.tiersByTopic()).containsOnlyKeys("orders");
    }

    @Test
    void a_stuck_consumer_is_stalled_and_resolved_when_it_moves_again_never_a_loss() {
        clock.set(B.end() + 120_000);
        Reconciliation fresh =
                new Reconciliation(Topology.defaults(), SETTINGS, new AgentLiveness(30_000, 5_000, 60_000));
        fresh.accept(agg("producer", B, 0, 100));
        fresh.accept(agg("log", B, 0, 100));
        fresh.accept(agg(CONSUMER, B, 0, 40));
        fresh.accept(
                TierProgress.builder(CONSUMER, "orders")
                        .watermark(B.start() + 4_000)
                        .lastHeartbeatAt(T0)
                        .liveAgents(1)
                        .updatedAt(T0)
                        .build(),
                T0);
        progress(fresh, "producer", clock.millis());
        progress(fresh, "log", clock.millis());
        Evaluation e = fresh.evaluate(clock.millis(), LagView.NONE);
        assertThat(verdictOf(e, CONSUMER)).contains(Verdict.STALLED);
        assertThat(e.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(Verdict.STALLED);
            assertThat(d.status()).isEqualTo(DiscrepancyStatus.OPEN);
        });

        clock.advance(1_000);
        fresh.accept(agg(CONSUMER, B, 0, 70));
        progress(fresh, CONSUMER, B.start() + 8_000);
        Evaluation moving = fresh.evaluate(clock.millis(), LagView.NONE);
        assertThat(verdictOf(moving, CONSUMER)).contains(Verdict.PENDING);
        assertThat(moving.discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(DiscrepancyStatus.RESOLVED));
    }

    @Test
    void rolls_up_each_changed_topic_hour_whole_and_again_when_late_data_changes_it() {
        Bucket second = B.next();
        for (Bucket b : List.of(B, second)) {
            rec.accept(agg("producer", b, 0, 100));
            rec.accept(agg("log", b, 0, 100));
        }
        rec.accept(agg(CONSUMER, B, 0, 97));
        rec.accept(agg(CONSUMER, second, 0, 100));
        clock.set(second.end() + 3_000);
        allAt(second.end() + 2_500);

        Evaluation first = tick();

        assertThat(first.rollups()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("orders");
            assertThat(r.hourStart()).isEqualTo(io.tally.storage.VerdictRollup.hourOf(B.start()));
            assertThat(r.edgeBuckets())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(Verdict.COMPLETE, 3L, Verdict.LOSS, 1L));
            assertThat(r.upstream()).isEqualTo(400);
            assertThat(r.delivered()).isEqualTo(397);
            assertThat(r.lastFinalBucket()).isEqualTo(second.start());
        });
        assertThat(tick().rollups()).as("nothing changed").isEmpty();

        rec.accept(agg(CONSUMER, B, 0, 100));
        assertThat(tick().rollups()).singleElement().satisfies(r -> {
            assertThat(r.edgeBuckets()).containsExactlyEntriesOf(Map.of(Verdict.COMPLETE, 4L));
            assertThat(r.delivered()).isEqualTo(400);
        });
    }

    @Test
    void an_edge_replaced_when_the_log_tier_appears_is_not_left_pending() {
        rec.accept(agg("producer", B, 0, 10));
        rec.accept(agg(CONSUMER, B, 0, 10));
        progress("producer", B.start() + 500);
        progress(CONSUMER, B.start() + 500);
        Evaluation early = tick();
        assertThat(verdictOf(early, CONSUMER))
                .as("no log tier yet: producer → consumer")
                .contains(Verdict.PENDING);

        rec.accept(agg("log", B, 0, 10));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        Evaluation routed = tick();

        assertThat(routed.verdicts())
                .filteredOn(v -> v.upstreamTier().equals("producer")
                        && v.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.verdict()).isEqualTo(Verdict.NOT_JUDGED);
                    assertThat(v.reason())
                            .contains("no longer has the edge producer → " + CONSUMER)
                            .contains("log → " + CONSUMER);
                });
        assertThat(routed.verdicts())
                .filteredOn(v -> v.verdict() == Verdict.COMPLETE)
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier())
                .containsExactlyInAnyOrder("producer→log", "log→" + CONSUMER);
        assertThat(routed.rollups())
                .singleElement()
                .satisfies(r -> assertThat(r.edgeBuckets()).containsExactlyEntriesOf(Map.of(Verdict.COMPLETE, 2L)));
        assertThat(tick().verdicts()).as("retired once").isEmpty();
    }

    @Test
    void once_the_log_tier_runs_a_topic_it_has_not_reported_on_waits_for_it_and_stalls_never_judged_without_it() {
        // the log tier reports on another topic: it runs for this cluster
        rec.accept(
                TierProgress.builder("log", "payments")
                        .watermark(B.end() + 2_500)
                        .lastHeartbeatAt(clock.millis())
                        .liveAgents(1)
                        .updatedAt(clock.millis())
                        .build(),
                clock.millis());
        rec.accept(agg("producer", B, 0, 10));
        rec.accept(agg(CONSUMER, B, 0, 7)); // 3 missing: judged against the producer it would be a LOSS
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress(CONSUMER, B.end() + 2_500);
        Evaluation waiting = tick();
        assertThat(waiting.verdicts())
                .filteredOn(v -> v.topic().equals("orders"))
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier() + " " + v.verdict())
                .containsExactlyInAnyOrder("producer→log PENDING", "log→" + CONSUMER + " PENDING");
        assertThat(waiting.discrepancies()).isEmpty();

        clock.set(B.end() + 2_000 + SETTINGS.stallTimeoutMs());
        progress("producer", clock.millis() - 1_000);
        progress(CONSUMER, clock.millis() - 1_000);
        Evaluation stalled = tick();
        assertThat(stalled.discrepancies())
                .extracting(d -> d.upstreamTier() + "→" + d.downstreamTier() + " " + d.kind())
                .containsExactlyInAnyOrder("producer→log STALLED", "log→" + CONSUMER + " STALLED");
        assertThat(stalled.verdicts())
                .filteredOn(v -> v.verdict() == Verdict.STALLED)
                .allSatisfy(v -> assertThat(v.reason()).contains("log"));
    }

    @Test
    void a_topology_set_to_expect_the_log_tier_waits_for_it_from_the_start() {
        Reconciliation expecting = new Reconciliation(
                Topology.defaults().withLogTier(Topology.LogTier.EXPECTED, java.util.regex.Pattern.compile("ord.*")),
                SETTINGS,
                new AgentLiveness(30_000, 5_000, 60_000));
        expecting.accept(agg("producer", B, 0, 10));
        expecting.accept(agg(CONSUMER, B, 0, 10));
        clock.set(B.end() + 3_000);
        progress(expecting, "producer", B.end() + 2_500);
        progress(expecting, CONSUMER, B.end() + 2_500);
        assertThat(expecting.evaluate(clock.millis(), lagView).verdicts())
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier() + " " + v.verdict())
                .containsExactlyInAnyOrder("producer→log PENDING", "log→" + CONSUMER + " PENDING");

        Reconciliation notRead = new Reconciliation(
                Topology.defaults().withLogTier(Topology.LogTier.EXPECTED, java.util.regex.Pattern.compile("payments")),
                SETTINGS,
                new AgentLiveness(30_000, 5_000, 60_000));
        notRead.accept(agg("producer", B, 0, 10));
        notRead.accept(agg(CONSUMER, B, 0, 10));
        progress(notRead, "producer", B.end() + 2_500);
        progress(notRead, CONSUMER, B.end() + 2_500);
        assertThat(notRead.evaluate(clock.millis(), lagView).verdicts())
                .as("a topic the log-tier job does not read")
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier() + " " + v.verdict())
                .containsExactly("producer→" + CONSUMER + " COMPLETE");
    }

    @Test
    void a_declared_edge_to_a_topic_whose_data_never_arrive_here_stalls_instead_of_going_unjudged() {
        Topology mirror = new Topology(
                "producer",
                "log",
                List.of(new Topology.EdgeRule(
                        "log", "consumer.mirror", "orders", "orders.mirror", false, false, false)),
                Map.of(),
                TopicPolicy.defaults());
        Reconciliation alone = new Reconciliation(mirror, SETTINGS, new AgentLiveness(30_000, 5_000, 60_000));
        alone.accept(agg("log", B, 0, 10)); // orders.mirror lands on a partition another reconciler reads
        clock.set(B.end() + 3_000);
        progress(alone, "log", B.end() + 2_500);
        assertThat(alone.evaluate(clock.millis(), lagView).verdicts())
                .extracting(v -> v.upstreamTier() + "→" + v.downstreamTier() + " " + v.verdict())
                .containsExactly("log→consumer.mirror PENDING");

        clock.set(B.end() + 2_000 + SETTINGS.stallTimeoutMs());
        progress(alone, "log", clock.millis() - 1_000);
        assertThat(alone.evaluate(clock.millis(), lagView).discrepancies())
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.kind()).isEqualTo(Verdict.STALLED);
                    assertThat(d.downstreamTier()).isEqualTo("consumer.mirror");
                    assertThat(d.detail()).contains("tally.aggregator.topic.groups");
                });
    }

    @Test
    void a_loss_of_a_read_committed_tier_judged_against_log_says_that_aborted_records_would_explain_it() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 98));
        rec.accept(agg("consumer.audit", B, 0, 98));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        progress("consumer.audit", B.end() + 2_500);
        rec.accept(liveProgress(CONSUMER, B.end() + 2_500).readCommitted(true).build(), clock.millis());

        Evaluation e = tick();

        assertThat(e.discrepancies())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.kind()).isEqualTo(Verdict.LOSS));
        assertThat(e.discrepancies())
                .filteredOn(d -> d.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(d -> assertThat(d.detail()).contains("tally.log.committed.topics"));
        assertThat(e.discrepancies())
                .as("a read_uncommitted group gets every appended record: its loss is a loss")
                .filteredOn(d -> d.downstreamTier().equals("consumer.audit"))
                .singleElement()
                .satisfies(d -> assertThat(d.detail()).doesNotContain("read_committed"));
    }

    @Test
    void a_read_committed_group_blocked_behind_an_open_transaction_waits_for_it_and_is_never_a_loss() {
        // partition 1 returns nothing to the read_committed group while a transaction is open there (a Flink sink
        // between checkpoints): its agent stops reporting it, and the group's watermark passes the bucket. The
        // transaction commits: log.committed counts its 20 records, which the group has not read yet
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(withOffsets(agg("log", B, 0, 100), Map.of(0, 0L, 1, 0L), Map.of(0, 79L, 1, 20L)));
        rec.accept(withOffsets(agg(LOG_COMMITTED, B, 0, 100), Map.of(0, 0L, 1, 0L), Map.of(0, 79L, 1, 20L)));
        rec.accept(agg(CONSUMER, B, 0, 80));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        progress(LOG_COMMITTED, B.end() + 2_500);
        rec.accept(liveProgress(CONSUMER, B.end() + 2_500).readCommitted(true).build(), clock.millis());
        Map<Integer, Long> committed = new java.util.HashMap<>(Map.of(0, 80L, 1, 0L));
        FakeLag transactions = new FakeLag();
        transactions.transactional = true;
        transactions.committed.put(CONSUMER, committed);

        Evaluation blocked = rec.evaluate(clock.millis(), transactions);
        assertThat(blocked.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.upstreamTier()).isEqualTo(LOG_COMMITTED);
                    assertThat(v.verdict()).isEqualTo(Verdict.PENDING);
                });
        assertThat(blocked.discrepancies()).isEmpty();

        clock.advance(2_000);
        rec.accept(agg(CONSUMER, B, 0, 100));
        committed.put(1, 22L); // past the records and the transaction's marker
        Evaluation read = rec.evaluate(clock.millis(), transactions);
        assertThat(verdictOf(read, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(read.discrepancies()).isEmpty();
    }

    @Test
    void a_topic_whose_producers_write_in_transactions_is_judged_against_log_committed_before_the_brokers_are_asked() {
        // 100 appended, 2 of them in an aborted transaction: the read_committed group never gets those
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(LOG_COMMITTED, B, 0, 98));
        rec.accept(agg(CONSUMER, B, 0, 98));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        progress(LOG_COMMITTED, B.end() + 2_500);
        rec.accept(liveProgress("producer", B.end() + 2_500).transactional(true).build(), clock.millis());
        rec.accept(liveProgress(CONSUMER, B.end() + 2_500).readCommitted(true).build(), clock.millis());

        Evaluation e = rec.evaluate(clock.millis(), lagView); // the lag view knows nothing of transactions

        assertThat(e.discrepancies()).isEmpty();
        assertThat(e.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.upstreamTier()).isEqualTo(LOG_COMMITTED);
                    assertThat(v.verdict()).isEqualTo(Verdict.COMPLETE);
                });
    }

    @Test
    void a_reader_without_a_group_that_read_records_again_is_complete_and_one_that_missed_some_is_a_loss() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        IdDigest twice = new IdDigest(IdDigest.DEFAULT_CELLS);
        LatencySketch latency = new LatencySketch();
        for (long id = 0; id < 200; id++) {
            twice.add(id % 100); // it loaded the topic twice
            latency.add(5);
        }
        rec.accept(TierAggregate.builder("orders", "reader.cache-loader", B)
                .count(200)
                .records(2)
                .latency(latency)
                .digest(twice)
                .updatedAt(B.start())
                .build());
        rec.accept(agg("reader", B, 0, 97));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        progress("reader.cache-loader", B.end() + 2_500);
        progress("reader", B.end() + 2_500);

        Evaluation e = tick();

        assertThat(verdictOf(e, "reader.cache-loader")).contains(Verdict.COMPLETE);
        assertThat(e.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(Verdict.LOSS);
            assertThat(d.downstreamTier()).isEqualTo("reader");
            assertThat(d.missing()).isEqualTo(3);
        });
    }

    @Test
    void a_bucket_still_pending_when_it_leaves_the_window_ends_stalled_with_what_was_not_counted_not_in_silence() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 40)); // a group a day behind: it has read 40 of the bucket so far
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress("log", B.end() + 2_500);
        progress(CONSUMER, B.start() + 1_000);
        assertThat(verdictOf(tick(), CONSUMER)).contains(Verdict.PENDING);

        // it keeps moving, so it never stalls, but it never gets past the bucket within the window
        for (long t = B.end() + 60_000; t < B.start() + SETTINGS.windowMs(); t += 60_000) {
            clock.set(t);
            progress("producer", t - 1_000);
            progress("log", t - 1_000);
            progress(CONSUMER, B.start() + 1_000 + (t - B.end()) / 1_000_000);
            tick();
        }
        clock.set(B.start() + SETTINGS.windowMs() + 1_000);
        progress("producer", clock.millis() - 1_000);
        progress("log", clock.millis() - 1_000);

        Evaluation e = tick();

        assertThat(verdictOf(e, CONSUMER)).contains(Verdict.STALLED);
        assertThat(e.discrepancies())
                .filteredOn(d -> d.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.kind()).isEqualTo(Verdict.STALLED);
                    assertThat(d.status()).isEqualTo(DiscrepancyStatus.OPEN);
                    assertThat(d.missing()).isEqualTo(60);
                    assertThat(d.detail()).contains("tally.reconciler.window.ms", "60 not counted");
                });
    }

    @Test
    void a_group_that_stopped_for_good_is_retired_not_stalled_bucket_after_bucket_and_expected_again_when_it_returns() {
        // B was read whole; then the group's last agent went away for good
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 100));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        assertThat(verdictOf(tick(), CONSUMER)).contains(Verdict.COMPLETE);
        long gone = clock.millis();
        rec.accept(
                TierProgress.builder(CONSUMER, "orders")
                        .watermark(B.end() + 2_500)
                        .lastHeartbeatAt(gone)
                        .updatedAt(gone)
                        .build(),
                gone);
        Bucket later = B.next().next();
        rec.accept(agg("producer", later, 100, 200));
        rec.accept(agg("log", later, 100, 200));

        clock.set(gone + SETTINGS.stallTimeoutMs() + 60_000);
        progress("producer", clock.millis());
        progress("log", clock.millis());
        Evaluation stalled = tick();
        assertThat(stalled.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .extracting(v -> v.bucket().start() + " " + v.verdict())
                .containsExactly(later.start() + " STALLED");

        // its group is deleted: no committed offset left
        FakeLag deleted = new FakeLag();
        deleted.withoutOffsets.add(CONSUMER);
        Evaluation retired = rec.evaluate(clock.millis(), deleted);
        assertThat(retired.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.bucket().start()).isEqualTo(later.start());
                    assertThat(v.verdict()).isEqualTo(Verdict.NOT_JUDGED);
                    assertThat(v.reason()).contains("retired", "no committed offset");
                });
        assertThat(retired.discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(DiscrepancyStatus.RESOLVED));

        // silence alone retires it too, after tally.reconciler.tier.retire.ms; B keeps its verdict
        Bucket last = later.next();
        rec.accept(agg("producer", last, 200, 300));
        rec.accept(agg("log", last, 200, 300));
        clock.set(gone + SETTINGS.tierRetireMs() + 1_000);
        progress("producer", clock.millis());
        progress("log", clock.millis());
        assertThat(tick().verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .extracting(v -> v.bucket().start() + " " + v.verdict())
                .containsExactly(last.start() + " NOT_JUDGED");

        // it comes back and reads on: expected again
        rec.accept(agg(CONSUMER, last, 200, 300));
        progress(CONSUMER, clock.millis());
        assertThat(tick().verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .extracting(v -> v.bucket().start() + " " + v.verdict())
                .contains(last.start() + " COMPLETE");
    }

    @Test
    void a_read_committed_group_whose_counts_arrive_before_its_progress_is_never_judged_against_log() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(LOG_COMMITTED, B, 0, 98));
        rec.accept(agg(CONSUMER, B, 0, 98)); // its counts are here; its progress, which says read_committed, is not
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress("log", B.end() + 2_500);
        progress(LOG_COMMITTED, B.end() + 2_500);
        Evaluation early = tick();

        rec.accept(liveProgress(CONSUMER, B.end() + 2_500).readCommitted(true).build(), clock.millis());
        rec.accept(liveProgress("producer", B.end() + 2_500).transactional(true).build(), clock.millis());
        Evaluation judged = tick();

        assertThat(early.verdicts()).noneMatch(v -> v.downstreamTier().equals(CONSUMER));
        assertThat(judged.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.upstreamTier()).isEqualTo(LOG_COMMITTED);
                    assertThat(v.verdict()).isEqualTo(Verdict.COMPLETE);
                });
    }

    @Test
    void late_data_resolves_a_loss() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 98));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);

        Evaluation loss = tick();
        assertThat(loss.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(Verdict.LOSS);
            assertThat(d.lostIds()).containsExactlyInAnyOrder(98L, 99L);
            assertThat(d.detectedAt()).isEqualTo(B.end() + 3_000);
        });
        assertThat(tick().discrepancies())
                .as("one discrepancy, not one per evaluation")
                .isEmpty();

        clock.advance(60_000);
        rec.accept(agg(CONSUMER, B, 0, 100));
        Evaluation late = tick();

        assertThat(verdictOf(late, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(late.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DiscrepancyStatus.RESOLVED);
            assertThat(d.detectedAt()).isEqualTo(B.end() + 3_000);
            assertThat(d.resolvedAt()).isEqualTo(clock.millis());
        });
    }

    @Test
    void an_idle_pipeline_finalizes_its_last_bucket_within_grace_and_a_few_intervals() {
        rec.accept(agg("producer", B, 0, 10));
        rec.accept(agg("log", B, 0, 10));
        rec.accept(agg(CONSUMER, B, 0, 10));
        long last = B.start() + 9_000;
        allAt(last);
        lag.put(CONSUMER, true);
        List<Verdict> seen = new ArrayList<>();
        long finalizedAt = -1;
        while (clock.millis() < B.end() + 60_000 && finalizedAt < 0) {
            clock.advance(1_000);
            progress("producer", last);
            progress("log", last);
            progress(CONSUMER, last);
            Evaluation e = tick();
            verdictOf(e, CONSUMER).ifPresent(seen::add);
            if (verdictOf(e, CONSUMER).filter(v -> v == Verdict.COMPLETE).isPresent()) {
                finalizedAt = clock.millis();
            }
        }

        assertThat(finalizedAt).as("judged, not left PENDING").isPositive();
        assertThat(finalizedAt - B.end()).isLessThanOrEqualTo(2_000 + 15_000 + 5_000 + 1_000);
    }

    @Test
    void counts_the_agents_report_dropping_turn_a_difference_they_explain_into_an_audit_gap_even_reported_late() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 97)); // the consumer's agents dropped 3 counts of B (their buffer was full)
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);
        assertThat(verdictOf(tick(), CONSUMER)).as("before the drops are known").contains(Verdict.LOSS);

        clock.advance(60_000); // the audit topic is back: the heartbeat that reports the drops arrives
        rec.accept(
                TierProgress.builder(CONSUMER, "orders")
                        .watermark(clock.millis() - 1_000)
                        .lastHeartbeatAt(clock.millis())
                        .liveAgents(2)
                        .updatedAt(clock.millis())
                        .dropped(Map.of(B.start(), 3L))
                        .build(),
                clock.millis());
        Evaluation gap = tick();
        assertThat(verdictOf(gap, CONSUMER)).contains(Verdict.AUDIT_GAP);
        assertThat(gap.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP);
            assertThat(d.detail())
                    .contains("dropped 3 counts")
                    .contains(CONSUMER + " 3")
                    .contains("records a member gave up when another took their partition");
        });

        Bucket next = new Bucket(B.end(), SIZE);
        rec.accept(agg("producer", next, 0, 100));
        rec.accept(agg("log", next, 0, 100));
        rec.accept(agg(CONSUMER, next, 0, 95)); // 5 missing, 2 dropped: a loss the drops do not explain
        clock.set(next.end() + 3_000);
        progress("producer", next.end() + 2_500);
        progress("log", next.end() + 2_500);
        rec.accept(
                TierProgress.builder(CONSUMER, "orders")
                        .watermark(next.end() + 2_500)
                        .lastHeartbeatAt(clock.millis())
                        .liveAgents(2)
                        .updatedAt(clock.millis())
                        .dropped(Map.of(B.start(), 3L, next.start(), 2L))
                        .build(),
                clock.millis());
        assertThat(tick().verdicts())
                .filteredOn(v -> v.bucket().equals(next) && v.downstreamTier().equals(CONSUMER))
                .extracting(EdgeVerdict::verdict)
                .containsExactly(Verdict.LOSS);
    }

    @Test
    void a_restarted_reconciler_keeps_the_detection_time_and_reports_no_change_for_a_known_discrepancy() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 97));
        clock.set(B.end() + 3_000);
        progress("producer", B.end() + 2_500);
        progress("log", B.end() + 2_500);
        Discrepancy first = tick().discrepancies().get(0);

        clock.advance(120_000);
        rec = new Reconciliation(Topology.defaults(), SETTINGS, new AgentLiveness(30_000, 5_000, 60_000));
        rec.loadDiscrepancies(List.of(first));
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 97));
        progress("producer", clock.millis());
        progress("log", clock.millis());

        Evaluation again = tick();
        assertThat(verdictOf(again, "log")).contains(Verdict.LOSS);
        assertThat(again.discrepancies()).isEmpty();
    }

    @Test
    void a_compacted_topic_judges_producer_to_log_but_not_its_consumers_unless_configured() {
        Topology compacted =
                TopologyFile.parse("{\"topics\": {\"orders\": {\"compacted\": true}}}", TopicPolicy.defaults());
        rec = new Reconciliation(compacted, SETTINGS, new AgentLiveness(30_000, 5_000, 60_000));
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 90));
        rec.accept(agg(CONSUMER, B, 0, 50));
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);

        Evaluation e = tick();

        Map<String, Verdict> byEdge = e.verdicts().stream()
                .collect(Collectors.toMap(v -> v.upstreamTier() + "→" + v.downstreamTier(), EdgeVerdict::verdict));
        assertThat(byEdge)
                .containsEntry("producer→log", Verdict.LOSS)
                .containsEntry("log→consumer.billing", Verdict.NOT_JUDGED);
    }

    @Test
    void a_loss_that_an_agent_dead_without_closing_explains_is_an_audit_gap() {
        AgentLiveness liveness = new AgentLiveness(30_000, 5_000, 60_000);
        rec = new Reconciliation(Topology.defaults(), SETTINGS, liveness);
        io.tally.core.AgentIdentity agent = new io.tally.core.AgentIdentity("c-1", "host");
        for (int i = 0; i < 4; i++) {
            liveness.on(AuditRecord.builder(agent, CONSUMER, "orders", B, io.tally.core.CountingMode.COMMIT)
                    .seq(i)
                    .emittedAt(B.start() + i * 2_500L)
                    .count(2)
                    .bytes(2)
                    .build());
        }
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        rec.accept(agg(CONSUMER, B, 0, 99));
        clock.set(B.start() + 7_500 + 31_000);
        allAt(B.end() + 2_500);

        Evaluation e = tick();

        assertThat(verdictOf(e, CONSUMER)).contains(Verdict.AUDIT_GAP);
        assertThat(e.discrepancies())
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP));
    }

    @Test
    void a_consumer_group_that_started_late_is_not_blamed_for_earlier_buckets() {
        Bucket earlier = new Bucket(T0 - SIZE, SIZE);
        rec.accept(agg("producer", earlier, 0, 10));
        rec.accept(agg("log", earlier, 0, 10));
        rec.accept(agg("producer", B, 10, 20));
        rec.accept(agg("log", B, 10, 20));
        rec.accept(agg(CONSUMER, B, 15, 20));
        rec.accept(agg("producer", B.next(), 20, 30));
        rec.accept(agg("log", B.next(), 20, 30));
        rec.accept(agg(CONSUMER, B.next(), 20, 30));
        clock.set(B.next().end() + 3_000);
        allAt(B.next().end() + 2_500);

        Evaluation e = tick();

        assertThat(e.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .extracting(v -> v.bucket().start() + "=" + v.verdict())
                .containsExactlyInAnyOrder(
                        earlier.start() + "=NOT_OBSERVED",
                        B.start() + "=NOT_OBSERVED",
                        B.next().start() + "=COMPLETE");
        assertThat(e.discrepancies()).isEmpty();
    }

    /** The log tier's aggregate of ids {@code from..to-1}, with the lowest offset it counted per partition. */
    private static TierAggregate logAgg(Bucket b, long from, long to, Map<Integer, Long> firstOffsets) {
        return agg("log", b, from, to).toBuilder().firstOffsets(firstOffsets).build();
    }

    @Test
    void a_group_that_started_at_latest_mid_bucket_is_judged_from_the_offsets_it_started_at_not_its_first_event_time() {
        // the group starts at `latest` 2 s into B on three partitions; the first record it reads is a late one of the
        // bucket before B, so the earliest event time it ever saw says nothing about what it missed of B
        Map<Integer, Long> starts = Map.of(0, 100L, 1, 200L, 2, 300L);
        Bucket earlier = new Bucket(T0 - SIZE, SIZE);
        Bucket later = B.next();
        rec.accept(agg("producer", earlier, 0, 10));
        rec.accept(logAgg(earlier, 0, 10, Map.of(0, 50L, 1, 150L, 2, 250L)));
        rec.accept(agg(CONSUMER, earlier, 9, 10)); // the late record, appended at offset 100 of partition 0
        rec.accept(agg("producer", B, 10, 30));
        rec.accept(logAgg(B, 10, 30, Map.of(0, 90L, 1, 195L, 2, 300L)));
        rec.accept(agg(CONSUMER, B, 14, 30)); // 10..13 were appended before the group started
        rec.accept(agg("producer", later, 30, 40));
        rec.accept(logAgg(later, 30, 40, Map.of(0, 110L, 1, 210L, 2, 310L)));
        rec.accept(agg(CONSUMER, later, 30, 40));
        Bucket lossy = later.next();
        rec.accept(agg("producer", lossy, 40, 50));
        rec.accept(logAgg(lossy, 40, 50, Map.of(0, 120L, 1, 220L, 2, 320L)));
        rec.accept(agg(CONSUMER, lossy, 40, 48)); // a real loss after the start: still judged
        clock.set(lossy.end() + 3_000);
        progress("producer", lossy.end() + 2_500);
        progress("log", lossy.end() + 2_500);
        rec.accept(
                TierProgress.builder(CONSUMER, "orders")
                        .watermark(lossy.end() + 2_500)
                        .lastHeartbeatAt(clock.millis())
                        .liveAgents(2)
                        .updatedAt(clock.millis())
                        .startOffsets(starts)
                        .build(),
                clock.millis());

        Evaluation e = tick();

        assertThat(e.verdicts())
                .filteredOn(v -> v.downstreamTier().equals(CONSUMER))
                .extracting(v -> v.bucket().start() + "=" + v.verdict())
                .containsExactlyInAnyOrder(
                        earlier.start() + "=NOT_OBSERVED",
                        B.start() + "=NOT_OBSERVED",
                        later.start() + "=COMPLETE",
                        lossy.start() + "=LOSS");
        assertThat(e.verdicts())
                .filteredOn(
                        v -> v.downstreamTier().equals(CONSUMER) && v.bucket().equals(B))
                .singleElement()
                .satisfies(v -> assertThat(v.reason())
                        .contains(
                                "consumer.billing started reading partition 0 at offset 100, after this bucket's first "
                                        + "record there (offset 90)"));
        assertThat(e.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.bucket()).isEqualTo(lossy);
            assertThat(d.kind()).isEqualTo(Verdict.LOSS);
        });
    }

    @Test
    void a_lower_total_published_again_after_the_aggregator_s_restore_does_not_replace_the_higher_one() {
        rec.accept(agg("producer", B, 0, 100));
        rec.accept(agg("log", B, 0, 100));
        TierAggregate full = agg(CONSUMER, B, 0, 100);
        TierAggregate older = TierAggregate.builder("orders", CONSUMER, B)
                .count(60)
                .latency(full.latency())
                .digest(agg(CONSUMER, B, 0, 60).digest())
                .updatedAt(B.start())
                .build();
        assertThat(rec.accept(TierAggregate.builder("orders", CONSUMER, B)
                        .count(100)
                        .records(2)
                        .latency(full.latency())
                        .digest(full.digest())
                        .updatedAt(B.start())
                        .build()))
                .isTrue();
        assertThat(rec.accept(older)).as("merges fewer records: an older state").isFalse();
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);

        Evaluation e = tick();

        assertThat(verdictOf(e, CONSUMER)).contains(Verdict.COMPLETE);
        assertThat(e.discrepancies()).isEmpty();
    }

    private static final long EARLIER_STATE = T0 - 3_600_000;

    private static TierAggregate total(String tier, Bucket b, long count, long records, long stateSince) {
        return TierAggregate.builder("orders", tier, b)
                .count(count)
                .records(records)
                .updatedAt(b.start())
                .stateSince(stateSince)
                .build();
    }

    @Test
    void an_aggregator_restarted_without_its_state_neither_lowers_a_total_nor_makes_a_loss_of_what_it_counts_again() {
        // before the restart: the consumer was still reading B when the aggregator went down
        rec.accept(total("producer", B, 1_000, 2, EARLIER_STATE));
        rec.accept(total("log", B, 1_000, 2, EARLIER_STATE));
        rec.accept(total(CONSUMER, B, 800, 2, EARLIER_STATE));
        Bucket after = new Bucket(B.end(), SIZE);
        rec.accept(total("producer", after, 500, 5, EARLIER_STATE));
        rec.accept(total("log", after, 500, 5, EARLIER_STATE));
        rec.accept(total(CONSUMER, after, 500, 5, EARLIER_STATE));
        // restarted without its state at `since`: what it counts from then on, from zero, in more audit records
        long since = B.start() + 5_000;
        assertThat(rec.accept(total(CONSUMER, B, 200, 3, since)))
                .as("lower than the earlier state's total: not kept")
                .isFalse();
        assertThat(rec.accept(total("producer", after, 1, 1, since))).isFalse();
        assertThat(rec.accept(total("log", after, 300, 6, since))).isFalse();
        assertThat(rec.drainRestarts())
                .as("one to say for each tier on the topic")
                .extracting(r -> r.tier() + "@" + r.since())
                .containsExactlyInAnyOrder(CONSUMER + "@" + since, "producer@" + since, "log@" + since);
        assertThat(rec.drainRestarts()).isEmpty();
        clock.set(after.end() + 3_000);
        allAt(after.end() + 2_500);

        Evaluation e = tick();

        assertThat(e.verdicts())
                .as("the kept totals, and no loss or duplication from what was counted twice over")
                .allSatisfy(v -> assertThat(v.verdict()).isIn(Verdict.COMPLETE, Verdict.AUDIT_GAP))
                .filteredOn(v -> v.bucket().equals(after))
                .allSatisfy(v -> {
                    assertThat(v.verdict()).isEqualTo(Verdict.COMPLETE);
                    assertThat(v.upstreamCount()).isEqualTo(500);
                    assertThat(v.downstreamCount()).isEqualTo(500);
                });
        assertThat(e.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.bucket()).isEqualTo(B);
            assertThat(d.downstreamTier()).isEqualTo(CONSUMER);
            assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP);
            assertThat(d.downstreamCount()).isEqualTo(800);
            assertThat(d.detail())
                    .contains("the aggregator restarted without its state at 2027-01-15T08:00:05Z")
                    .contains("totals before it kept from the earlier run");
        });
        assertThat(e.verdicts())
                .filteredOn(v -> v.bucket().equals(after) && v.downstreamTier().equals("log"))
                .singleElement()
                .satisfies(v -> assertThat(v.reason()).contains("restarted without its state"));

        // the new state's total passes the earlier one: a count only grows, so it is kept
        clock.advance(1_000);
        assertThat(rec.accept(total("log", after, 600, 7, since))).isTrue();
        tick();
        clock.advance(SETTINGS.graceMs());
        assertThat(tick().discrepancies())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.kind()).isEqualTo(Verdict.AUDIT_GAP));
    }

    @Test
    void late_records_only_add_to_a_total_of_the_same_state_and_are_judged_as_ever() {
        rec.accept(total("producer", B, 100, 1, EARLIER_STATE));
        rec.accept(total("log", B, 100, 1, EARLIER_STATE));
        rec.accept(total(CONSUMER, B, 90, 1, EARLIER_STATE));
        assertThat(rec.accept(total(CONSUMER, B, 95, 2, EARLIER_STATE))).isTrue();
        clock.set(B.end() + 3_000);
        allAt(B.end() + 2_500);

        Evaluation e = tick();

        assertThat(rec.drainRestarts()).isEmpty();
        assertThat(e.discrepancies()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(Verdict.LOSS);
            assertThat(d.missing()).isEqualTo(5);
            assertThat(d.detail()).doesNotContain("restarted");
        });
    }

    @Test
    void progress_from_a_later_state_of_the_aggregator_is_a_restart_to_say() {
        rec.accept(
                TierProgress.builder("producer", "orders")
                        .watermark(B.start())
                        .updatedAt(clock.millis())
                        .stateSince(EARLIER_STATE)
                        .build(),
                clock.millis());
        assertThat(rec.drainRestarts()).isEmpty();
        clock.advance(1_000);
        rec.accept(
                TierProgress.builder("producer", "orders")
                        .watermark(B.start())
                        .updatedAt(clock.millis())
                        .stateSince(clock.millis() - 500)
                        .build(),
                clock.millis());
        assertThat(rec.drainRestarts()).singleElement().satisfies(r -> {
            assertThat(r.tier()).isEqualTo("producer");
            assertThat(r.topic()).isEqualTo("orders");
            assertThat(r.since()).isEqualTo(clock.millis() - 500);
        });
    }
}
