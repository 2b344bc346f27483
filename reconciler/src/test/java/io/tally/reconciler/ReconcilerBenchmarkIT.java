package io.tally.reconciler;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.reconciler.internal.state.Evaluation;
import io.tally.reconciler.internal.state.LagView;
import io.tally.reconciler.internal.state.Reconciliation;
import io.tally.reconciler.internal.topology.Topology;
import io.tally.reconciler.internal.verdict.AgentLiveness;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.TallySchema;
import io.tally.storage.internal.cql.RowMapper;
import io.tally.storage.internal.cql.Statements;
import io.tally.storage.testing.CassandraNodeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness of the reconciler section of BENCHMARKS.md: aggregates stored per second into the local node (batched and
 * pipelined
 * against one synchronous insert per row, measured in the same run), and the time to judge topic-edge-buckets (with
 * digests), at two sizes and two message volumes, to show the cost follows topic-buckets only. Prints figures;
 * asserts nothing about time. Run with
 * {@code mvn -pl reconciler verify -Dit.test=ReconcilerBenchmarkIT -Dtally.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "tally.benchmark", matches = "true")
@ExtendWith(CassandraNodeExtension.class)
class ReconcilerBenchmarkIT {
    private static final long SIZE = 60_000;
    private static final long T0 = 1_800_000_000_000L - Math.floorMod(1_800_000_000_000L, SIZE);

    private static TierAggregate aggregate(
            String topic, String tier, long bucketStart, long count, boolean digest, SplittableRandom random) {
        LatencySketch latency = new LatencySketch();
        for (int i = 0; i < 20; i++) {
            latency.add(5 + random.nextInt(200), Math.max(1, count / 20));
        }
        IdDigest ids = null;
        if (digest) {
            ids = new IdDigest(IdDigest.DEFAULT_CELLS);
            for (int i = 0; i < 200; i++) {
                ids.add(random.nextLong());
            }
        }
        return TierAggregate.builder(topic, tier, new Bucket(bucketStart, SIZE))
                .count(count)
                .bytes(count * 100)
                .records(10)
                .latency(latency)
                .digest(ids)
                .updatedAt(bucketStart + SIZE)
                .build();
    }

    private static List<TierAggregate> aggregates(int n, boolean digest, String prefix) {
        SplittableRandom random = new SplittableRandom(42);
        List<TierAggregate> out = new ArrayList<>(n);
        String[] tiers = {"producer", "log", "consumer.a", "consumer.b"};
        for (int i = 0; out.size() < n; i++) {
            String topic = prefix + (i % 50);
            long bucket = T0 + (i / 50) * SIZE;
            for (String tier : tiers) {
                out.add(aggregate(topic, tier, bucket, 1_000, digest, random));
            }
        }
        return out.subList(0, n);
    }

    @Test
    void aggregates_stored_per_second(CqlSession session) {
        CassandraAuditStore store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("tally_bench").build());
        Statements statements =
                new Statements(session, "tally_bench", io.tally.storage.CassandraConsistency.LOCAL_QUORUM);
        // warm-up
        store.putAggregates(aggregates(20_000, true, "warm"));

        List<TierAggregate> baselineRows = aggregates(5_000, true, "baseline");
        long t = System.nanoTime();
        for (TierAggregate a : baselineRows) {
            session.execute(RowMapper.bind(statements, a));
        }
        double baseline = baselineRows.size() / seconds(t);

        for (boolean digest : new boolean[] {true, false}) {
            List<TierAggregate> rows = aggregates(200_000, digest, digest ? "digest" : "plain");
            t = System.nanoTime();
            for (int i = 0; i < rows.size(); i += 10_000) {
                store.putAggregates(rows.subList(i, Math.min(rows.size(), i + 10_000)));
            }
            double rate = rows.size() / seconds(t);
            System.out.printf(
                    Locale.ROOT,
                    "BENCH store digest=%s rows=%d rate=%.0f/s baseline(sync, one row per "
                            + "request)=%.0f/s ratio=%.1f%n",
                    digest,
                    rows.size(),
                    rate,
                    baseline,
                    rate / baseline);
        }
    }

    @Test
    void time_to_judge_topic_edge_buckets() {
        for (int edgeBuckets : new int[] {10_000, 20_000, 40_000}) {
            for (long count : new long[] {1_000, 1_000_000}) {
                double[] ms = new double[7];
                for (int round = 0; round < ms.length; round++) {
                    ms[round] = judge(edgeBuckets, count);
                }
                double[] measured = java.util.Arrays.copyOfRange(ms, 2, ms.length);
                java.util.Arrays.sort(measured);
                double median = measured[measured.length / 2];
                System.out.printf(
                        Locale.ROOT,
                        "BENCH judge edgeBuckets=%d messagesPerBucket=%d median=%.0f ms "
                                + "(%.1f µs each; 2 warm-up rounds, median of 5)%n",
                        edgeBuckets,
                        count,
                        median,
                        median * 1000 / edgeBuckets);
            }
        }
    }

    /**
     * Judges {@code edgeBuckets} final edge-buckets: 100 topics, edges producer → log → consumer.a, digests of 200
     * ids per tier; one bucket in ten loses 3 ids at the consumer (peeled and named). @return ms of one evaluation
     */
    private static double judge(int edgeBuckets, long count) {
        int topics = 100;
        int buckets = edgeBuckets / 2 / topics;
        Reconciliation rec = new Reconciliation(
                Topology.defaults(),
                new Reconciliation.Settings(
                        10_000, 300_000, 15_000, 10_000, 30_000, 7L * 86_400_000L, 0, 100, 7L * 86_400_000L),
                new AgentLiveness(30_000, 5_000, 60_000));
        long end = T0 + buckets * SIZE + 60_000;
        for (int topic = 0; topic < topics; topic++) {
            for (int b = 0; b < buckets; b++) {
                long start = T0 + b * SIZE;
                TierAggregate base = aggregate(
                        "t" + topic, "producer", start, count, true, new SplittableRandom(topic * 100_000L + b));
                boolean loses = b % 10 == 0;
                for (String tier : new String[] {"producer", "log", "consumer.a"}) {
                    IdDigest ids = base.digest().copy();
                    long n = count;
                    if (loses && tier.equals("consumer.a")) {
                        for (long id = 1; id <= 3; id++) {
                            ids.add(id, 1);
                        }
                        ids = base.digest().minus(ids.minus(base.digest()));
                        n -= 3;
                    }
                    rec.accept(TierAggregate.builder("t" + topic, tier, base.bucket())
                            .count(n)
                            .bytes(n * 100)
                            .records(10)
                            .latency(base.latency())
                            .digest(ids)
                            .updatedAt(base.updatedAt())
                            .build());
                }
            }
            for (String tier : new String[] {"producer", "log", "consumer.a"}) {
                rec.accept(
                        TierProgress.builder(tier, "t" + topic)
                                .watermark(end)
                                .lastHeartbeatAt(end)
                                .liveAgents(1)
                                .updatedAt(end)
                                .build(),
                        end);
            }
        }
        System.gc(); // so that the garbage of the setup is not collected during the measurement
        long t = System.nanoTime();
        Evaluation e = rec.evaluate(end + 1_000, LagView.NONE);
        double ms = seconds(t) * 1000;
        if (e.judged() != edgeBuckets || e.discrepancies().size() != topics * ((buckets + 9) / 10)) {
            throw new AssertionError("judged " + e.judged() + " of " + edgeBuckets + ", "
                    + e.discrepancies().size() + " discrepancies");
        }
        return ms;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
