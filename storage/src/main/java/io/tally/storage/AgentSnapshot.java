package io.tally.storage;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the reconciler knows about one agent instance, kept in the store so that a restarted reconciler judges as the
 * one before it did: whether the agent closed or went silent (died), when it was last heard from, the spacing of its
 * messages and its recent rate per topic (which bound what a death can leave uncounted: AUDIT_GAP).
 *
 * @param instanceId the agent instance
 * @param tier       its tier
 * @param lastSeenAt the emit time of its latest message, epoch ms
 * @param intervalMs the smoothed spacing of its messages, ms (0 until it sent two)
 * @param closed     whether it sent its {@code closed} record
 * @param watermarks its latest watermark per topic, epoch ms
 * @param rates      per topic, its counts over the last two rate windows: {@code [windowStart, current,
 *                   previous, previousStart]}
 */
public record AgentSnapshot(
        String instanceId,
        String tier,
        long lastSeenAt,
        long intervalMs,
        boolean closed,
        Map<String, Long> watermarks,
        Map<String, List<Long>> rates) {

    /** @throws IllegalArgumentException if a rate does not have its four figures */
    public AgentSnapshot {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(tier, "tier");
        watermarks = Map.copyOf(watermarks);
        rates = Map.copyOf(rates);
        rates.forEach((topic, r) -> {
            if (r.size() != 4) {
                throw new IllegalArgumentException("rate of " + topic + " must have 4 figures, had " + r);
            }
        });
    }
}
