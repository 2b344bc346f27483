package io.tally.core;

/**
 * How far one tier has got on one topic, as the aggregator learned it from heartbeats and records: the reconciler
 * judges a bucket only once the downstream tier's watermark is past it.
 *
 * @param tier            the tier
 * @param topic           the audited topic
 * @param watermark       the lowest watermark among the tier's live agents for the topic, epoch ms
 * @param lastHeartbeatAt the last time any agent of the tier reported, epoch ms
 * @param liveAgents      agents of the tier that have reported and not closed
 * @param updatedAt       when this progress was computed, epoch ms
 */
public record TierProgress(
        String tier,
        String topic,
        long watermark,
        long lastHeartbeatAt,
        int liveAgents,
        long updatedAt) implements WireMessage {

    /** @throws IllegalArgumentException if a name is empty or too long, or liveAgents is negative */
    public TierProgress {
        Names.tier(tier);
        Names.topic(topic);
        Names.nonNegative("liveAgents", liveAgents);
    }
}
