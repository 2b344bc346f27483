package io.tally.storage;

import io.tally.core.Bucket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What the reconciler found wrong on one edge of a topic for one bucket. There is at most one discrepancy per
 * (topic, edge, bucket): its {@link #id} is derived from them ({@link #idOf}), so a re-evaluation upserts the
 * same discrepancy (its kind and counts may change, its {@code detectedAt} does not).
 *
 * @param id              {@link #idOf}(topic, upstreamTier, downstreamTier, bucket start)
 * @param topic           the audited topic (the upstream topic of a renamed edge)
 * @param bucket          the bucket judged
 * @param upstreamTier    the edge's upstream tier
 * @param downstreamTier  the edge's downstream tier
 * @param kind            a verdict with {@link Verdict#isDiscrepancy()}
 * @param upstreamCount   messages counted upstream
 * @param downstreamCount messages counted downstream
 * @param missing         messages missing downstream (0 if none)
 * @param duplicated      extra messages downstream (0 if none)
 * @param lostIds         audit ids named as lost by the id digest; empty when it could not name them
 * @param duplicatedIds   audit ids named as duplicated
 * @param detail          free text for people (for example the latency percentile); never null
 * @param status          OPEN or RESOLVED
 * @param detectedAt      when it was first detected, epoch ms
 * @param resolvedAt      when it was resolved, epoch ms, or 0 while open
 */
public record Discrepancy(
        UUID id,
        String topic,
        Bucket bucket,
        String upstreamTier,
        String downstreamTier,
        Verdict kind,
        long upstreamCount,
        long downstreamCount,
        long missing,
        long duplicated,
        List<Long> lostIds,
        List<Long> duplicatedIds,
        String detail,
        DiscrepancyStatus status,
        long detectedAt,
        long resolvedAt) {

    /** @throws IllegalArgumentException if {@code kind} is not a discrepancy kind */
    public Discrepancy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(upstreamTier, "upstreamTier");
        Objects.requireNonNull(downstreamTier, "downstreamTier");
        Objects.requireNonNull(status, "status");
        if (!kind.isDiscrepancy()) {
            throw new IllegalArgumentException("verdict " + kind + " is not a discrepancy kind");
        }
        lostIds = List.copyOf(lostIds);
        duplicatedIds = List.copyOf(duplicatedIds);
        detail = detail == null ? "" : detail;
    }

    /**
     * The deterministic id of the discrepancy of one edge and bucket: a name-based (version 3) UUID of
     * {@code topic|upstreamTier|downstreamTier|bucketStart}. Stable across restarts and instances.
     */
    public static UUID idOf(String topic, String upstreamTier, String downstreamTier, long bucketStart) {
        String name = topic + '|' + upstreamTier + '|' + downstreamTier + '|' + bucketStart;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    /** @return this discrepancy with another status and resolution time */
    public Discrepancy withStatus(DiscrepancyStatus newStatus, long newResolvedAt) {
        return new Discrepancy(
                id,
                topic,
                bucket,
                upstreamTier,
                downstreamTier,
                kind,
                upstreamCount,
                downstreamCount,
                missing,
                duplicated,
                lostIds,
                duplicatedIds,
                detail,
                newStatus,
                detectedAt,
                newResolvedAt);
    }

    /** @return this discrepancy with another detection time (the store keeps the first one) */
    public Discrepancy withDetectedAt(long newDetectedAt) {
        return new Discrepancy(
                id,
                topic,
                bucket,
                upstreamTier,
                downstreamTier,
                kind,
                upstreamCount,
                downstreamCount,
                missing,
                duplicated,
                lostIds,
                duplicatedIds,
                detail,
                status,
                newDetectedAt,
                resolvedAt);
    }
}
