package io.tally.storage.internal.cql;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import io.tally.storage.AgentSnapshot;
import io.tally.storage.AlertState;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.EdgeVerdict;
import io.tally.storage.Verdict;
import io.tally.storage.VerdictRollup;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Binds Tally's types to the prepared statements of {@link Statements} and reads them back from rows. */
public final class RowMapper {
    /** {@code map<text, frozen<list<bigint>>>}: the driver needs the nested type spelled out. */
    private static final GenericType<Map<String, List<Long>>> RATES =
            GenericType.mapOf(GenericType.STRING, GenericType.listOf(GenericType.LONG));

    private RowMapper() {}

    /** @return the UTC day of an epoch-ms time: the partition of day-partitioned tables */
    public static LocalDate day(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** @return the epoch ms of the start of a UTC day */
    public static long startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /**
     * Binds an aggregate. No digest is written as an empty blob, not a null: a null is a tombstone in every row
     * (the reconciler stores aggregates without digests by default), and tombstones slow every read of the partition.
     */
    public static BoundStatement bind(Statements s, TierAggregate a) {
        long start = a.bucket().start();
        return s.insertTierBucket.bind(
                a.topic(),
                day(start),
                Instant.ofEpochMilli(start),
                a.tier(),
                a.bucket().sizeMs(),
                a.count(),
                a.bytes(),
                a.noTimestamp(),
                a.skewed(),
                a.failed(),
                a.records(),
                ByteBuffer.wrap(a.latency().toBytes()),
                ByteBuffer.wrap(a.digest() == null ? new byte[0] : a.digest().toBytes()),
                Instant.ofEpochMilli(a.updatedAt()),
                a.countedOnConsume(),
                a.stateSince() == TierAggregate.UNKNOWN_STATE ? null : a.stateSince());
    }

    /** @return roughly how many bytes the row of {@code a} carries, for sizing batches */
    public static int estimatedBytes(TierAggregate a) {
        return 450
                + a.topic().length()
                + a.tier().length()
                + (a.digest() == null ? 0 : a.digest().cells() * 24);
    }

    public static TierAggregate aggregate(Row r) {
        ByteBuffer digest = r.getByteBuffer("id_digest");
        digest = digest == null || !digest.hasRemaining() ? null : digest;
        return TierAggregate.builder(
                        r.getString("topic"),
                        r.getString("tier"),
                        new Bucket(millis(r, "bucket_start"), r.getLong("bucket_size_ms")))
                .count(r.getLong("count"))
                .bytes(r.getLong("bytes"))
                .noTimestamp(r.getLong("no_timestamp_count"))
                .skewed(r.getLong("skewed_count"))
                .failed(r.getLong("failed_count"))
                .records(r.getLong("records"))
                .latency(LatencySketch.fromBytes(bytes(r.getByteBuffer("latency_sketch"))))
                .digest(digest == null ? null : IdDigest.fromBytes(bytes(digest)))
                .updatedAt(millis(r, "updated_at"))
                .countedOnConsume(r.getLong("counted_on_consume")) // null, before it: 0
                .stateSince(r.isNull("state_since") ? TierAggregate.UNKNOWN_STATE : r.getLong("state_since"))
                .build();
    }

    public static BoundStatement bind(Statements s, TierProgress p) {
        return s.insertProgress.bind(
                p.tier(),
                p.topic(),
                Instant.ofEpochMilli(p.watermark()),
                Instant.ofEpochMilli(p.lastHeartbeatAt()),
                p.liveAgents(),
                Instant.ofEpochMilli(p.updatedAt()));
    }

    public static TierProgress progress(Row r) {
        return TierProgress.builder(r.getString("tier"), r.getString("topic"))
                .watermark(millis(r, "watermark"))
                .lastHeartbeatAt(millis(r, "last_heartbeat"))
                .liveAgents(r.getInt("live_agents"))
                .updatedAt(millis(r, "updated_at"))
                .build();
    }

    public static BoundStatement bind(Statements s, EdgeVerdict v) {
        long start = v.bucket().start();
        return s.insertVerdict.bind(
                v.topic(),
                day(start),
                Instant.ofEpochMilli(start),
                v.upstreamTier(),
                v.downstreamTier(),
                v.bucket().sizeMs(),
                v.verdict().name(),
                v.upstreamCount(),
                v.downstreamCount(),
                Instant.ofEpochMilli(v.judgedAt()),
                v.reason());
    }

    public static EdgeVerdict verdict(Row r) {
        return new EdgeVerdict(
                r.getString("topic"),
                new Bucket(millis(r, "bucket_start"), r.getLong("bucket_size_ms")),
                r.getString("upstream_tier"),
                r.getString("downstream_tier"),
                Verdict.valueOf(r.getString("verdict")),
                r.getLong("upstream_count"),
                r.getLong("downstream_count"),
                millis(r, "judged_at"),
                r.getString("reason"));
    }

    /**
     * Binds a discrepancy to {@code discrepancies} or {@code discrepancies_by_topic} (same columns). An open one leaves
     * {@code resolved_at} unset rather than null (a null is a tombstone per row, which slows every page read);
     * readers take {@code resolved_at} only from resolved rows.
     */
    public static BoundStatement bind(com.datastax.oss.driver.api.core.cql.PreparedStatement insert, Discrepancy d) {
        BoundStatement b = insert.bind(
                day(d.detectedAt()),
                Instant.ofEpochMilli(d.detectedAt()),
                d.id(),
                d.topic(),
                Instant.ofEpochMilli(d.bucket().start()),
                d.bucket().sizeMs(),
                d.upstreamTier(),
                d.downstreamTier(),
                d.kind().name(),
                d.upstreamCount(),
                d.downstreamCount(),
                d.missing(),
                d.duplicated(),
                d.lostIds(),
                d.duplicatedIds(),
                d.detail(),
                d.status().name(),
                d.resolvedAt() == 0 ? null : Instant.ofEpochMilli(d.resolvedAt()));
        return d.resolvedAt() == 0 ? b.unset("resolved_at") : b;
    }

    public static Discrepancy discrepancy(Row r) {
        Instant resolved = r.getInstant("resolved_at");
        List<Long> lost = r.getList("lost_ids", Long.class);
        List<Long> duplicated = r.getList("duplicated_ids", Long.class);
        return new Discrepancy(
                r.getUuid("id"),
                r.getString("topic"),
                new Bucket(millis(r, "bucket_start"), r.getLong("bucket_size_ms")),
                r.getString("upstream_tier"),
                r.getString("downstream_tier"),
                Verdict.valueOf(r.getString("kind")),
                r.getLong("upstream_count"),
                r.getLong("downstream_count"),
                r.getLong("missing"),
                r.getLong("duplicated"),
                lost == null ? List.of() : lost,
                duplicated == null ? List.of() : duplicated,
                r.getString("detail"),
                DiscrepancyStatus.valueOf(r.getString("status")),
                millis(r, "detected_at"),
                resolved == null || !"RESOLVED".equals(r.getString("status")) ? 0 : resolved.toEpochMilli());
    }

    /** Binds a rollup; without a final bucket {@code last_final_bucket} is left unset (no tombstone). */
    public static BoundStatement bind(Statements s, VerdictRollup r) {
        Map<String, Long> counts = new HashMap<>();
        r.edgeBuckets().forEach((k, n) -> counts.put(k.name(), n));
        BoundStatement b = s.insertRollup.bind(
                Instant.ofEpochMilli(r.hourStart()),
                r.topic(),
                counts,
                r.upstream(),
                r.delivered(),
                r.lastFinalBucket() < 0 ? null : Instant.ofEpochMilli(r.lastFinalBucket()),
                r.bucketSizeMs(),
                Instant.ofEpochMilli(r.updatedAt()));
        return r.lastFinalBucket() < 0 ? b.unset("last_final_bucket") : b;
    }

    public static VerdictRollup rollup(Row r) {
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        r.getMap("edge_buckets", String.class, Long.class).forEach((k, n) -> counts.put(Verdict.valueOf(k), n));
        Instant last = r.getInstant("last_final_bucket");
        return new VerdictRollup(
                r.getString("topic"),
                millis(r, "hour_start"),
                counts,
                r.getLong("upstream"),
                r.getLong("delivered"),
                last == null ? -1 : last.toEpochMilli(),
                r.getLong("bucket_size_ms"),
                millis(r, "updated_at"));
    }

    public static BoundStatement bind(Statements s, AlertState a) {
        return s.insertAlertState.bind(
                a.discrepancyId(),
                a.sink(),
                a.lastSentStatus(),
                Instant.ofEpochMilli(a.sentAt()),
                a.attempts(),
                a.lastError());
    }

    public static BoundStatement bind(Statements s, AgentSnapshot a) {
        return s.insertAgent
                .bind(
                        a.tier(),
                        a.instanceId(),
                        Instant.ofEpochMilli(a.lastSeenAt()),
                        a.intervalMs(),
                        a.closed(),
                        a.watermarks(),
                        null)
                .set("rates", a.rates(), RATES);
    }

    public static AlertState alertState(Row r) {
        return new AlertState(
                r.getUuid("discrepancy_id"),
                r.getString("sink"),
                r.getString("last_sent_status"),
                millis(r, "sent_at"),
                r.getInt("attempts"),
                r.getString("last_error"));
    }

    public static AgentSnapshot agent(Row r) {
        Map<String, List<Long>> rates = r.get("rates", RATES);
        return new AgentSnapshot(
                r.getString("instance_id"),
                r.getString("tier"),
                millis(r, "last_seen_at"),
                r.getLong("interval_ms"),
                r.getBoolean("closed"),
                r.getMap("watermarks", String.class, Long.class),
                rates == null ? Map.of() : rates);
    }

    private static long millis(Row r, String column) {
        Instant t = r.getInstant(column);
        return t == null ? 0 : t.toEpochMilli();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
