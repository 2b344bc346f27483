package io.tally.api;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.Verdict;
import io.tally.storage.VerdictRollup;
import java.util.ArrayList;
import java.util.List;

/**
 * Real rows, written through a store as the reconciler writes them, for the API's tests: a topic that lost five
 * named messages on one edge of one bucket, a complete one, a lagging consumer tier, and many discrepancies on a
 * third topic to page through. Times are relative to {@code now}, so the overview's window sees them.
 */
final class AuditFixtures {
    static final long MINUTE = 60_000;
    static final String LOSSY = "orders";
    static final String HEALTHY = "payments";
    static final String PAGED = "clicks";
    static final String CONSUMER = "consumer.billing";
    static final int PAGED_COUNT = 57;
    static final List<Long> LOST_IDS = List.of(0x1L, 0xabcdef0123456789L, 0x7fffffffffffffffL, -1L, 42L);
    static final long LAG_MS = 120_000;

    final long now;
    final long t0;
    final Bucket lossBucket;
    final Discrepancy loss;
    final List<Discrepancy> paged = new ArrayList<>();

    private AuditFixtures(long now) {
        this.now = now;
        this.t0 = Bucket.startOf(now, MINUTE) - 10 * MINUTE;
        this.lossBucket = new Bucket(t0 + 2 * MINUTE, MINUTE);
        this.loss = new Discrepancy(
                Discrepancy.idOf(LOSSY, "log", CONSUMER, lossBucket.start()),
                LOSSY,
                lossBucket,
                "log",
                CONSUMER,
                Verdict.LOSS,
                1_000,
                995,
                5,
                0,
                LOST_IDS,
                List.of(),
                "5 missing, 0 duplicated",
                DiscrepancyStatus.OPEN,
                lossBucket.end() + 15_000,
                0);
    }

    /** Writes every row and @return what was written */
    static AuditFixtures write(AuditStore store, long now) {
        AuditFixtures f = new AuditFixtures(now);
        f.writeTopic(store, LOSSY, true);
        f.writeTopic(store, HEALTHY, false);
        store.putDiscrepancy(f.loss);
        for (int i = 0; i < PAGED_COUNT; i++) {
            Bucket b = new Bucket(f.t0 - (i / 3) * MINUTE, MINUTE);
            String consumer = "consumer.g" + (i % 3);
            Verdict kind = i % 2 == 0 ? Verdict.LOSS : Verdict.DUPLICATION;
            Discrepancy d = new Discrepancy(
                    Discrepancy.idOf(PAGED, "log", consumer, b.start()),
                    PAGED,
                    b,
                    "log",
                    consumer,
                    kind,
                    10,
                    kind == Verdict.LOSS ? 9 : 11,
                    kind == Verdict.LOSS ? 1 : 0,
                    kind == Verdict.LOSS ? 0 : 1,
                    List.of(),
                    List.of(),
                    "",
                    i % 5 == 0 ? DiscrepancyStatus.RESOLVED : DiscrepancyStatus.OPEN,
                    now - 1_000 - (i / 4) * 1_000L,
                    i % 5 == 0 ? now - 500 : 0);
            f.paged.add(store.putDiscrepancy(d));
        }
        return f;
    }

    private void writeTopic(AuditStore store, String topic, boolean lossy) {
        List<TierAggregate> aggregates = new ArrayList<>();
        List<EdgeVerdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Bucket b = new Bucket(t0 + i * MINUTE, MINUTE);
            boolean lost = lossy && b.equals(lossBucket);
            aggregates.add(aggregate(topic, "producer", b, 1_000, 20));
            aggregates.add(aggregate(topic, "log", b, 1_000, 35));
            boolean consumerSaw = i < 5; // the newest bucket has not reached the consumer yet
            if (consumerSaw) {
                aggregates.add(aggregate(topic, CONSUMER, b, lost ? 995 : 1_000, 250 + 100 * i));
            }
            long due = b.end() + 10_000;
            verdicts.add(new EdgeVerdict(
                    topic,
                    b,
                    "producer",
                    "log",
                    Verdict.COMPLETE,
                    1_000,
                    1_000,
                    due,
                    "COMPLETE: producer has 1,000, log 1,000; both watermarks past "
                            + java.time.Instant.ofEpochMilli(due)));
            if (i < 4) {
                verdicts.add(new EdgeVerdict(
                        topic,
                        b,
                        "log",
                        CONSUMER,
                        lost ? Verdict.LOSS : Verdict.COMPLETE,
                        1_000,
                        lost ? 995 : 1_000,
                        due,
                        lost
                                ? "LOSS: log has 1,000, " + CONSUMER
                                        + " 995 (5 missing, 0 duplicated); both watermarks past "
                                        + java.time.Instant.ofEpochMilli(due)
                                : "COMPLETE: log has 1,000, " + CONSUMER + " 1,000"));
            } else if (i == 4) {
                verdicts.add(new EdgeVerdict(
                        topic,
                        b,
                        "log",
                        CONSUMER,
                        Verdict.PENDING,
                        1_000,
                        1_000,
                        due,
                        "PENDING: waiting for " + CONSUMER + "'s watermark"));
            }
        }
        store.putAggregates(aggregates);
        store.putVerdicts(verdicts);
        store.putRollups(rollups(verdicts, now));
        store.putProgress(TierProgress.builder("producer", topic)
                .watermark(now - 10_000)
                .lastHeartbeatAt(now - 1_000)
                .liveAgents(2)
                .updatedAt(now - 1_000)
                .build());
        store.putProgress(TierProgress.builder("log", topic)
                .watermark(now - 10_000)
                .lastHeartbeatAt(now - 1_000)
                .liveAgents(1)
                .updatedAt(now - 1_000)
                .build());
        store.putProgress(TierProgress.builder(CONSUMER, topic)
                .watermark(now - 10_000 - LAG_MS)
                .lastHeartbeatAt(now - 2_000)
                .liveAgents(3)
                .updatedAt(now - 2_000)
                .build());
    }

    /** What the reconciler writes with {@code verdicts}: their hourly rollups, recomputed whole. */
    static List<VerdictRollup> rollups(List<EdgeVerdict> verdicts, long now) {
        java.util.Map<String, List<EdgeVerdict>> byHour = new java.util.TreeMap<>();
        verdicts.forEach(v -> byHour.computeIfAbsent(
                        v.topic() + '|' + VerdictRollup.hourOf(v.bucket().start()), k -> new ArrayList<>())
                .add(v));
        List<VerdictRollup> out = new ArrayList<>();
        for (List<EdgeVerdict> hour : byHour.values()) {
            java.util.Map<Verdict, Long> counts = new java.util.EnumMap<>(Verdict.class);
            long up = 0;
            long delivered = 0;
            long last = -1;
            for (EdgeVerdict v : hour) {
                counts.merge(v.verdict(), 1L, Long::sum);
                if (v.verdict().isFinal()) {
                    last = Math.max(last, v.bucket().start());
                    up += v.upstreamCount();
                    delivered += Math.min(v.upstreamCount(), v.downstreamCount());
                }
            }
            EdgeVerdict first = hour.get(0);
            out.add(new VerdictRollup(
                    first.topic(),
                    VerdictRollup.hourOf(first.bucket().start()),
                    counts,
                    up,
                    delivered,
                    last,
                    first.bucket().sizeMs(),
                    now));
        }
        return out;
    }

    private static TierAggregate aggregate(String topic, String tier, Bucket b, long count, long latencyMs) {
        LatencySketch latency = new LatencySketch();
        latency.add(latencyMs, count - 1);
        latency.add(latencyMs * 10);
        return TierAggregate.builder(topic, tier, b)
                .count(count)
                .bytes(count * 200)
                .records(3)
                .latency(latency)
                .updatedAt(b.end() + 1_000)
                .build();
    }
}
