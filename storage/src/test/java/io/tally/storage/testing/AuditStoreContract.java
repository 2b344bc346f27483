package io.tally.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.AgentSnapshot;
import io.tally.storage.AlertState;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyCursor;
import io.tally.storage.DiscrepancyQuery;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.Verdict;
import io.tally.storage.VerdictRollup;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AuditStore} shares. Subclass it and return the store under test; each test uses its
 * own topic and its own time range, so one store may serve every test.
 */
public abstract class AuditStoreContract {
    private static final long DAY = 86_400_000L;
    private static final long MINUTE = 60_000L;
    private static final AtomicInteger RUN = new AtomicInteger();

    private String topic;
    private long t0;

    /** @return the store under test; may be the same instance for every test */
    protected abstract AuditStore store();

    @BeforeEach
    void uniqueTopicAndTime() {
        int run = RUN.incrementAndGet();
        topic = "contract-" + getClass().getSimpleName() + "-" + run + "-" + System.nanoTime();
        t0 = 1_800_000_000_000L - Math.floorMod(1_800_000_000_000L, DAY) + run * 40 * DAY;
    }

    @Test
    void stores_an_aggregate_with_its_sketches_and_reads_it_back() {
        TierAggregate a = aggregate("producer", t0, 1_000, 42L, 43L);

        store().putAggregates(List.of(a));

        List<TierAggregate> read = store().aggregates(topic, t0, t0 + MINUTE);
        assertThat(read).hasSize(1);
        TierAggregate back = read.get(0);
        assertThat(back.key()).isEqualTo(a.key());
        assertThat(back.count()).isEqualTo(1_000);
        assertThat(back.bytes()).isEqualTo(a.bytes());
        assertThat(back.failed()).isEqualTo(3);
        assertThat(back.records()).isEqualTo(7);
        assertThat(back.digest()).isEqualTo(a.digest());
        assertThat(back.latency().count()).isEqualTo(a.latency().count());
        assertThat(back.latency().quantile(0.99)).isEqualTo(a.latency().quantile(0.99));
        assertThat(back.updatedAt()).isEqualTo(a.updatedAt());
        assertThat(back.countedOnConsume()).isEqualTo(a.countedOnConsume()).isPositive();
        assertThat(back.stateSince())
                .as("which run of the aggregator counted it")
                .isEqualTo(a.stateSince())
                .isNotEqualTo(TierAggregate.UNKNOWN_STATE);
    }

    @Test
    void a_newer_cumulative_aggregate_replaces_the_older_one_and_a_replay_changes_nothing() {
        store().putAggregates(List.of(aggregate("log", t0, 10)));
        TierAggregate newer = aggregate("log", t0, 25);
        store().putAggregates(List.of(newer));
        store().putAggregates(List.of(newer));

        assertThat(store().aggregates(topic, t0, t0 + MINUTE))
                .singleElement()
                .satisfies(a -> assertThat(a.count()).isEqualTo(25));
    }

    @Test
    void an_aggregate_without_digest_stays_without_one() {
        TierAggregate a = TierAggregate.builder(topic, "consumer.x", new Bucket(t0, MINUTE))
                .count(5)
                .bytes(50)
                .records(1)
                .updatedAt(t0 + 1)
                .build();
        store().putAggregates(List.of(a));

        assertThat(store().aggregates(topic, t0, t0 + 1))
                .singleElement()
                .satisfies(back -> assertThat(back.digest()).isNull());
    }

    @Test
    void reads_a_bucket_range_across_days_by_bucket_then_tier_and_only_of_the_topic() {
        long lateInDay = t0 + DAY - MINUTE;
        store().putAggregates(List.of(
                aggregate("producer", lateInDay + 2 * MINUTE, 3),
                aggregate("log", lateInDay, 1),
                aggregate("producer", lateInDay, 2),
                aggregate("producer", lateInDay - MINUTE, 9),
                aggregate("producer", lateInDay + 3 * MINUTE, 9)));
        store().putAggregates(List.of(TierAggregate.builder(topic + "-other", "producer", new Bucket(lateInDay, MINUTE))
                .count(1)
                .bytes(1)
                .records(1)
                .build()));

        List<TierAggregate> read = store().aggregates(topic, lateInDay, lateInDay + 3 * MINUTE);

        assertThat(read)
                .extracting(a -> a.bucket().start() + "/" + a.tier())
                .containsExactly(lateInDay + "/log", lateInDay + "/producer", (lateInDay + 2 * MINUTE) + "/producer");
    }

    @Test
    void stores_tier_progress_by_tier_and_topic() {
        store().putProgress(TierProgress.builder("producer", topic)
                .watermark(t0)
                .lastHeartbeatAt(t0 + 5)
                .liveAgents(2)
                .updatedAt(t0 + 6)
                .build());
        store().putProgress(TierProgress.builder("producer", topic)
                .watermark(t0 + MINUTE)
                .lastHeartbeatAt(t0 + 65)
                .liveAgents(1)
                .updatedAt(t0 + 66)
                .build());

        assertThat(store().progress())
                .filteredOn(p -> p.topic().equals(topic))
                .containsExactly(TierProgress.builder("producer", topic)
                        .watermark(t0 + MINUTE)
                        .lastHeartbeatAt(t0 + 65)
                        .liveAgents(1)
                        .updatedAt(t0 + 66)
                        .build());

        store().putProgress(List.of(
                TierProgress.builder("log", topic)
                        .watermark(t0)
                        .lastHeartbeatAt(t0 + 5)
                        .liveAgents(1)
                        .updatedAt(t0 + 6)
                        .build(),
                TierProgress.builder("producer", topic)
                        .watermark(t0 + 2 * MINUTE)
                        .lastHeartbeatAt(t0 + 125)
                        .liveAgents(1)
                        .updatedAt(t0 + 126)
                        .build()));
        assertThat(store().progress())
                .filteredOn(p -> p.topic().equals(topic))
                .containsExactlyInAnyOrder(
                        TierProgress.builder("log", topic)
                                .watermark(t0)
                                .lastHeartbeatAt(t0 + 5)
                                .liveAgents(1)
                                .updatedAt(t0 + 6)
                                .build(),
                        TierProgress.builder("producer", topic)
                                .watermark(t0 + 2 * MINUTE)
                                .lastHeartbeatAt(t0 + 125)
                                .liveAgents(1)
                                .updatedAt(t0 + 126)
                                .build());
    }

    @Test
    void stores_the_latest_verdict_of_each_edge_and_bucket() {
        Bucket b = new Bucket(t0, MINUTE);
        store().putVerdicts(List.of(new EdgeVerdict(topic, b, "producer", "log", Verdict.PENDING, 5, 3, t0 + 1, "")));
        store().putVerdicts(List.of(
                new EdgeVerdict(topic, b, "producer", "log", Verdict.LOSS, 5, 4, t0 + 2, "LOSS: producer has 5, log 4"),
                new EdgeVerdict(topic, b, "log", "consumer.a", Verdict.COMPLETE, 4, 4, t0 + 2, null),
                new EdgeVerdict(topic, b.next(), "producer", "log", Verdict.COMPLETE, 1, 1, t0 + 2, "")));

        assertThat(store().verdicts(topic, t0, t0 + MINUTE))
                .containsExactly(
                        new EdgeVerdict(topic, b, "log", "consumer.a", Verdict.COMPLETE, 4, 4, t0 + 2, null),
                        new EdgeVerdict(
                                topic,
                                b,
                                "producer",
                                "log",
                                Verdict.LOSS,
                                5,
                                4,
                                t0 + 2,
                                "LOSS: producer has 5, log 4"));
    }

    @Test
    void a_discrepancy_is_found_by_id_topic_and_day_and_keeps_its_first_detection_time() {
        Discrepancy d = discrepancy("log", "consumer.a", t0, Verdict.LOSS, t0 + 2 * MINUTE);
        store().putDiscrepancy(d);

        Discrepancy resolved = store().putDiscrepancy(
                        d.withDetectedAt(t0 + 9 * MINUTE).withStatus(DiscrepancyStatus.RESOLVED, t0 + 9 * MINUTE));

        assertThat(resolved.detectedAt()).isEqualTo(d.detectedAt());
        assertThat(store().discrepancy(d.id())).contains(resolved);
        assertThat(store().discrepancies(DiscrepancyQuery.ofTopic(topic, t0, t0 + DAY)))
                .containsExactly(resolved);
        assertThat(store().discrepancies(DiscrepancyQuery.detectedBetween(t0, t0 + DAY)))
                .containsExactly(resolved);
        assertThat(store().discrepancy(UUID.randomUUID())).isEmpty();
    }

    @Test
    void discrepancies_filter_by_kind_and_status_and_come_newest_first() {
        Discrepancy loss = discrepancy("producer", "log", t0, Verdict.LOSS, t0 + 2 * MINUTE);
        Discrepancy dup = discrepancy("producer", "log", t0 + MINUTE, Verdict.DUPLICATION, t0 + 3 * MINUTE);
        Discrepancy fixed = discrepancy("producer", "log", t0 + 2 * MINUTE, Verdict.LOSS, t0 + 4 * MINUTE)
                .withStatus(DiscrepancyStatus.RESOLVED, t0 + 5 * MINUTE);
        List.of(loss, dup, fixed).forEach(store()::putDiscrepancy);

        assertThat(store().discrepancies(DiscrepancyQuery.ofTopic(topic, t0, t0 + DAY)))
                .containsExactly(fixed, dup, loss);
        assertThat(store().discrepancies(DiscrepancyQuery.detectedBetween(t0, t0 + DAY)))
                .containsExactly(fixed, dup, loss);
        assertThat(store().discrepancies(
                                DiscrepancyQuery.ofTopic(topic, t0, t0 + DAY).withKind(Verdict.LOSS)))
                .containsExactly(fixed, loss);
        assertThat(store().discrepancies(DiscrepancyQuery.detectedBetween(t0, t0 + DAY)
                        .withKind(Verdict.LOSS)
                        .withStatus(DiscrepancyStatus.OPEN)))
                .containsExactly(loss);
        assertThat(store().discrepancies(DiscrepancyQuery.ofTopic(topic, t0 + MINUTE, t0 + 2 * MINUTE)))
                .containsExactly(dup);
        assertThat(store().discrepancies(
                                DiscrepancyQuery.detectedBetween(t0, t0 + DAY).withLimit(2)))
                .containsExactly(fixed, dup);
    }

    @Test
    void pages_through_discrepancies_with_a_cursor_without_gaps_or_repeats() {
        // 4 edges × 6 buckets; 3 buckets share one detection time, so both orders have ties to break by id
        List<Discrepancy> all = new java.util.ArrayList<>();
        String[][] edges = {{"producer", "log"}, {"log", "consumer.a"}, {"log", "consumer.b"}, {"log", "consumer.c"}};
        for (int b = 0; b < 6; b++) {
            for (String[] e : edges) {
                Discrepancy d = discrepancy(e[0], e[1], t0 + b * MINUTE, Verdict.LOSS, t0 + (b / 3) * MINUTE + 10);
                all.add(store().putDiscrepancy(d));
            }
        }
        for (DiscrepancyQuery first : List.of(
                DiscrepancyQuery.ofTopic(topic, t0, t0 + DAY).withLimit(5),
                DiscrepancyQuery.detectedBetween(t0, t0 + DAY).withLimit(5))) {
            List<Discrepancy> seen = new java.util.ArrayList<>();
            DiscrepancyQuery q = first;
            for (int page = 0; page < 10; page++) {
                List<Discrepancy> got = store().discrepancies(q);
                seen.addAll(got);
                if (got.size() < q.limit()) {
                    break;
                }
                q = q.withAfter(DiscrepancyCursor.after(got.get(got.size() - 1), q));
            }
            assertThat(seen)
                    .as("pages of %s", first)
                    .doesNotHaveDuplicates()
                    .hasSameSizeAs(all)
                    .containsExactlyElementsOf(store().discrepancies(first.withLimit(DiscrepancyQuery.MAX_LIMIT)))
                    .isSortedAccordingTo(java.util.Comparator.comparingLong(first::positionOf)
                            .reversed()
                            .thenComparing(Discrepancy::id, DiscrepancyCursor.ID_ORDER));
        }
        DiscrepancyQuery ofTopic = DiscrepancyQuery.ofTopic(topic, t0, t0 + DAY);
        assertThat(store().discrepancies(ofTopic.withAfter(new DiscrepancyCursor(t0 - 1, new UUID(0, 0)))))
                .isEmpty();
        assertThat(store().discrepancies(ofTopic.withAfter(new DiscrepancyCursor(t0 + DAY + MINUTE, new UUID(0, 0)))))
                .hasSameSizeAs(all);
    }

    @Test
    void stores_verdict_rollups_by_hour_and_topic() {
        long hour = VerdictRollup.hourOf(t0);
        VerdictRollup a = new VerdictRollup(
                topic + "-a",
                hour,
                java.util.Map.of(Verdict.COMPLETE, 170L, Verdict.LOSS, 2L),
                172_000,
                171_990,
                hour + 59 * MINUTE,
                MINUTE,
                t0 + 1);
        VerdictRollup b = new VerdictRollup(topic + "-b", hour, java.util.Map.of(), 0, 0, -1, MINUTE, t0 + 1);
        VerdictRollup later = new VerdictRollup(
                topic + "-a",
                hour + VerdictRollup.HOUR_MS,
                java.util.Map.of(Verdict.PENDING, 3L),
                0,
                0,
                -1,
                MINUTE,
                t0 + 2);
        store().putRollups(List.of(a, b, later));
        VerdictRollup updated = new VerdictRollup(
                topic + "-b", hour, java.util.Map.of(Verdict.COMPLETE, 1L), 10, 10, hour, MINUTE, t0 + 3);
        store().putRollups(List.of(updated));

        assertThat(store().rollups(hour, hour + VerdictRollup.HOUR_MS)).containsExactly(a, updated);
        assertThat(store().rollups(hour - 1, hour + 2 * VerdictRollup.HOUR_MS)).containsExactly(a, updated, later);
        assertThat(store().rollups(hour + 1, hour + VerdictRollup.HOUR_MS + 1)).containsExactly(later);
    }

    @Test
    void remembers_what_each_sink_sent() {
        UUID id = Discrepancy.idOf(topic, "producer", "log", t0);
        store().putAlertState(new AlertState(id, "webhook", "", t0, 1, "timeout"));
        store().putAlertState(new AlertState(id, "webhook", "OPEN LOSS", t0 + 5, 0, ""));
        store().putAlertState(new AlertState(id, "log", "OPEN LOSS", t0 + 1, 0, null));

        assertThat(store().alertState(id, "webhook"))
                .contains(new AlertState(id, "webhook", "OPEN LOSS", t0 + 5, 0, ""));
        assertThat(store().alertState(id, "log")).contains(new AlertState(id, "log", "OPEN LOSS", t0 + 1, 0, ""));
        assertThat(store().alertState(id, "kafka")).isEmpty();
    }

    @Test
    void keeps_what_the_reconciler_knows_about_agents_one_row_per_instance() {
        String a = "agent-" + UUID.randomUUID();
        String b = "agent-" + UUID.randomUUID();
        store().putAgents(List.of(
                new AgentSnapshot(
                        a,
                        "consumer.billing",
                        t0,
                        5_000,
                        false,
                        Map.of(topic, t0 - 2_000),
                        Map.of(topic, List.of(t0 - 60_000, 40L, 35L, t0 - 120_000))),
                new AgentSnapshot(b, "producer", t0 + 1, 0, true, Map.of(), Map.of())));
        store().putAgents(List.of(new AgentSnapshot(
                a,
                "consumer.billing",
                t0 + 5_000,
                5_000,
                true,
                Map.of(topic, t0 + 3_000),
                Map.of(topic, List.of(t0 - 60_000, 41L, 35L, t0 - 120_000)))));

        assertThat(store().agents())
                .filteredOn(s -> s.instanceId().equals(a) || s.instanceId().equals(b))
                .containsExactlyInAnyOrder(
                        new AgentSnapshot(
                                a,
                                "consumer.billing",
                                t0 + 5_000,
                                5_000,
                                true,
                                Map.of(topic, t0 + 3_000),
                                Map.of(topic, List.of(t0 - 60_000, 41L, 35L, t0 - 120_000))),
                        new AgentSnapshot(b, "producer", t0 + 1, 0, true, Map.of(), Map.of()));
    }

    private TierAggregate aggregate(String tier, long bucketStart, long count, long... ids) {
        LatencySketch latency = new LatencySketch();
        latency.add(15, count);
        latency.add(900);
        IdDigest digest = new IdDigest(IdDigest.MIN_CELLS * 4);
        for (long id : ids) {
            digest.add(id);
        }
        return TierAggregate.builder(topic, tier, new Bucket(bucketStart, MINUTE))
                .count(count)
                .bytes(count * 100)
                .noTimestamp(1)
                .skewed(2)
                .failed(3)
                .records(7)
                .latency(latency)
                .digest(digest)
                .updatedAt(bucketStart + 90_000)
                .countedOnConsume(count / 2)
                .stateSince(bucketStart - 3_600_000)
                .build();
    }

    private Discrepancy discrepancy(String up, String down, long bucketStart, Verdict kind, long detectedAt) {
        return new Discrepancy(
                Discrepancy.idOf(topic, up, down, bucketStart),
                topic,
                new Bucket(bucketStart, MINUTE),
                up,
                down,
                kind,
                10,
                kind == Verdict.LOSS ? 8 : 11,
                kind == Verdict.LOSS ? 2 : 0,
                kind == Verdict.DUPLICATION ? 1 : 0,
                kind == Verdict.LOSS ? List.of(7L, -3L) : List.of(),
                kind == Verdict.DUPLICATION ? List.of(99L) : List.of(),
                "detail",
                DiscrepancyStatus.OPEN,
                detectedAt,
                0);
    }
}
