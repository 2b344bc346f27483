package io.tally.storage;

import io.tally.core.Bucket;
import java.util.Objects;

/**
 * The latest verdict of one edge of a topic for one bucket, as stored for dashboards.
 *
 * @param topic           the audited (upstream) topic
 * @param bucket          the bucket
 * @param upstreamTier    the edge's upstream tier
 * @param downstreamTier  the edge's downstream tier
 * @param verdict         the verdict
 * @param upstreamCount   messages counted upstream
 * @param downstreamCount messages counted downstream
 * @param judgedAt        when this verdict was reached, epoch ms
 * @param reason          the rule that decided it, in words for people ("LOSS: log has 1,000, consumer.g1 995, ...");
 *                        never null, empty when it was stored without one
 */
public record EdgeVerdict(
        String topic,
        Bucket bucket,
        String upstreamTier,
        String downstreamTier,
        Verdict verdict,
        long upstreamCount,
        long downstreamCount,
        long judgedAt,
        String reason) {
    public EdgeVerdict {
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(upstreamTier, "upstreamTier");
        Objects.requireNonNull(downstreamTier, "downstreamTier");
        Objects.requireNonNull(verdict, "verdict");
    }
}
