package io.tally.api.internal.view;

import io.tally.core.TierAggregate;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.AuditStore;
import io.tally.storage.EdgeVerdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one topic looked like, bucket by bucket: each tier's count and latency percentiles, and each edge's verdict
 * with the rule that decided it. Only buckets some tier reported are listed. Within a listed bucket a tier that has
 * not reported it is null (not observed yet, not zero), and an edge not judged yet has a null verdict.
 *
 * @param topic        the topic
 * @param from         inclusive start of the range, epoch ms
 * @param to           exclusive end of the range, epoch ms
 * @param bucketSizeMs the size of the buckets listed, or null when none is
 * @param tiers        every tier that reported a bucket of the range, sorted
 * @param edges        every edge judged in the range, as {@code upstream → downstream}
 * @param buckets      the buckets, oldest first
 */
public record BucketReport(
        String topic,
        long from,
        long to,
        Long bucketSizeMs,
        List<String> tiers,
        List<String> edges,
        List<BucketRow> buckets) {

    /**
     * @param tiers each tier of the report to its figures in this bucket, or to null when it has not reported it
     * @param edges every edge of the report, in the report's order
     */
    public record BucketRow(long bucketStart, long bucketEnd, Map<String, TierFigures> tiers, List<EdgeRow> edges) {}

    /**
     * One tier's figures in one bucket; latency percentiles in ms from the tier's merged sketch.
     * {@code countedOnConsume} is the part of {@code count} that consumers counted when they read it rather than
     * at its commit (a reader that does not commit through the consumer): a crash there counts a re-read twice.
     */
    public record TierFigures(
            long count,
            long bytes,
            long noTimestamp,
            long skewed,
            long failed,
            long countedOnConsume,
            Latency latencyMs) {}

    /** Percentiles of observation time − event time, in ms; null when the tier measured no latency. */
    public record Latency(double p50, double p90, double p99, double p999, double max) {
        static Latency of(LatencySketch s) {
            return s.isEmpty()
                    ? null
                    : new Latency(s.quantile(0.5), s.quantile(0.9), s.quantile(0.99), s.quantile(0.999), s.max());
        }
    }

    /**
     * One edge in one bucket.
     *
     * @param verdict  the latest verdict, or null when the edge has not been judged for this bucket
     * @param isFinal  whether the verdict is final (false for PENDING, STALLED and not judged)
     * @param reason   the rule that decided it, in words; null when not judged
     * @param judgedAt when it was judged, epoch ms, or null
     */
    public record EdgeRow(
            String upstreamTier,
            String downstreamTier,
            String verdict,
            boolean isFinal,
            Long upstreamCount,
            Long downstreamCount,
            String reason,
            Long judgedAt) {}

    /** Reads the aggregates and verdicts of {@code topic} for buckets starting in {@code [from, to)}. */
    public static BucketReport read(AuditStore store, String topic, long from, long to) {
        List<TierAggregate> aggregates = store.aggregates(topic, from, to);
        List<EdgeVerdict> verdicts = store.verdicts(topic, from, to);
        TreeSet<String> tiers = new TreeSet<>();
        Map<String, String[]> edges = new TreeMap<>();
        TreeMap<Long, Map<String, TierAggregate>> byBucket = new TreeMap<>();
        Map<Long, Long> ends = new TreeMap<>();
        Long size = null;
        for (TierAggregate a : aggregates) {
            tiers.add(a.tier());
            byBucket.computeIfAbsent(a.bucket().start(), k -> new LinkedHashMap<>())
                    .put(a.tier(), a);
            ends.put(a.bucket().start(), a.bucket().end());
            size = a.bucket().sizeMs();
        }
        Map<String, EdgeVerdict> verdictOf = new LinkedHashMap<>();
        // bucket start|downstream tier of every verdict: an edge into a tier judged there against another upstream is
        // an edge replaced (log by log.committed, say), neither judged nor pending in that bucket
        Set<String> judgedInto = new HashSet<>();
        for (EdgeVerdict v : verdicts) {
            edges.put(edgeName(v.upstreamTier(), v.downstreamTier()), new String[] {v.upstreamTier(), v.downstreamTier()
            });
            verdictOf.put(v.bucket().start() + "|" + v.upstreamTier() + "|" + v.downstreamTier(), v);
            judgedInto.add(v.bucket().start() + "|" + v.downstreamTier());
            byBucket.computeIfAbsent(v.bucket().start(), k -> new LinkedHashMap<>());
            ends.putIfAbsent(v.bucket().start(), v.bucket().end());
            size = size != null ? size : v.bucket().sizeMs();
        }
        List<BucketRow> rows = new ArrayList<>(byBucket.size());
        for (Map.Entry<Long, Map<String, TierAggregate>> b : byBucket.entrySet()) {
            Map<String, TierFigures> figures = new LinkedHashMap<>();
            for (String tier : tiers) {
                TierAggregate a = b.getValue().get(tier);
                figures.put(
                        tier,
                        a == null
                                ? null
                                : new TierFigures(
                                        a.count(),
                                        a.bytes(),
                                        a.noTimestamp(),
                                        a.skewed(),
                                        a.failed(),
                                        a.countedOnConsume(),
                                        Latency.of(a.latency())));
            }
            List<EdgeRow> edgeRows = new ArrayList<>(edges.size());
            for (String[] e : edges.values()) {
                EdgeVerdict v = verdictOf.get(b.getKey() + "|" + e[0] + "|" + e[1]);
                if (v == null && judgedInto.contains(b.getKey() + "|" + e[1])) {
                    continue;
                }
                edgeRows.add(
                        v == null
                                ? new EdgeRow(
                                        e[0],
                                        e[1],
                                        null,
                                        false,
                                        count(b.getValue(), e[0]),
                                        count(b.getValue(), e[1]),
                                        null,
                                        null)
                                : new EdgeRow(
                                        e[0],
                                        e[1],
                                        v.verdict().name(),
                                        v.verdict().isFinal(),
                                        v.upstreamCount(),
                                        v.downstreamCount(),
                                        v.reason().isEmpty() ? null : v.reason(),
                                        v.judgedAt()));
            }
            rows.add(new BucketRow(b.getKey(), ends.get(b.getKey()), figures, edgeRows));
        }
        return new BucketReport(topic, from, to, size, List.copyOf(tiers), List.copyOf(edges.keySet()), rows);
    }

    private static Long count(Map<String, TierAggregate> tiers, String tier) {
        TierAggregate a = tiers.get(tier);
        return a == null ? null : a.count();
    }

    static String edgeName(String up, String down) {
        return up + " → " + down;
    }
}
