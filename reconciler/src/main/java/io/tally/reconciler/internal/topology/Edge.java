package io.tally.reconciler.internal.topology;

import java.util.Objects;

/**
 * Upstream tier on one topic → downstream tier on one topic (the same topic unless the pipeline renames it, as a
 * mirror does).
 *
 * @param upstreamTier    tier that saw the messages first
 * @param upstreamTopic   topic as the upstream tier names it
 * @param downstreamTier  tier that should see every one of them
 * @param downstreamTopic topic as the downstream tier names it
 * @param partial         the downstream tier reads a subset of the partitions by design: only duplication is judged
 * @param judgeCompacted  judge the edge even on a compacted topic
 * @param lossOnly        the upstream tier counts only some of the writers (producers declared partial): only loss
 *                        is judged, messages the downstream tier has beyond it are expected
 * @param countsOnly      the two sides cannot carry the same ids (a mirror of records written without the agent:
 *                        each side makes its own), so they are compared by counts, and the verdict says so
 */
public record Edge(
        String upstreamTier,
        String upstreamTopic,
        String downstreamTier,
        String downstreamTopic,
        boolean partial,
        boolean judgeCompacted,
        boolean lossOnly,
        boolean countsOnly) {
    public Edge {
        Objects.requireNonNull(upstreamTier, "upstreamTier");
        Objects.requireNonNull(upstreamTopic, "upstreamTopic");
        Objects.requireNonNull(downstreamTier, "downstreamTier");
        Objects.requireNonNull(downstreamTopic, "downstreamTopic");
    }

    /** An edge whose upstream tier counts every writer. */
    public Edge(
            String upstreamTier,
            String upstreamTopic,
            String downstreamTier,
            String downstreamTopic,
            boolean partial,
            boolean judgeCompacted) {
        this(upstreamTier, upstreamTopic, downstreamTier, downstreamTopic, partial, judgeCompacted, false, false);
    }

    /** @return this edge judged for loss only */
    public Edge asLossOnly() {
        return new Edge(
                upstreamTier,
                upstreamTopic,
                downstreamTier,
                downstreamTopic,
                partial,
                judgeCompacted,
                true,
                countsOnly);
    }

    /** @return this edge compared by counts only */
    public Edge asCountsOnly() {
        return new Edge(
                upstreamTier, upstreamTopic, downstreamTier, downstreamTopic, partial, judgeCompacted, lossOnly, true);
    }

    /** A plain edge on one topic. */
    public static Edge of(String topic, String upstreamTier, String downstreamTier) {
        return new Edge(upstreamTier, topic, downstreamTier, topic, false, false);
    }

    /** @return {@code up→down}, with topics when renamed */
    public String label() {
        return upstreamTopic.equals(downstreamTopic)
                ? upstreamTier + "→" + downstreamTier
                : upstreamTier + "@" + upstreamTopic + "→" + downstreamTier + "@" + downstreamTopic;
    }
}
