package io.tally.reconciler.internal.state;

import io.tally.core.TierProgress;
import io.tally.core.Tiers;

/**
 * Why a consumer group's tier is no longer expected on a topic, and since when it has read nothing: a group that
 * stopped for good is not expected for ever, one STALLED bucket after another. The buckets since are NOT_JUDGED for
 * it, saying this; it is expected again as soon as an agent of it reports.
 *
 * @param since  its last heartbeat, epoch ms: buckets ending after it are not judged for it
 * @param reason what the verdicts say
 */
record Retirement(long since, String reason) {
    static final String SETTING = "tally.reconciler.tier.retire.ms";

    /**
     * @param progress       the tier's progress on the topic
     * @param retireMs       silence after which a group with no live agent is retired
     * @param livenessMs     silence after which an agent is dead
     * @param withoutOffsets whether the group has no committed offset on the topic any more (deleted, expired)
     * @return the retirement, or null while the tier is expected: a tier that is not a consumer group's, or that has
     *     a live agent, is never retired
     */
    static Retirement of(TierProgress progress, long now, long retireMs, long livenessMs, boolean withoutOffsets) {
        String tier = progress.tier();
        if (!tier.startsWith(Tiers.CONSUMER_PREFIX) || progress.liveAgents() > 0) {
            return null;
        }
        long since = progress.lastHeartbeatAt();
        long silent = now - since;
        if (silent >= retireMs) {
            return new Retirement(
                    since,
                    tier + " is retired: no agent of it has reported for " + silent / 60_000 + " min (" + SETTING
                            + "); buckets since are not judged until it reports again");
        }
        if (silent >= livenessMs && withoutOffsets) {
            return new Retirement(
                    since,
                    tier + " is retired: its group has no committed offset on " + progress.topic() + " any more"
                            + " (deleted or expired) and no agent of it is alive; buckets since are not judged until"
                            + " it reports again");
        }
        return null;
    }
}
