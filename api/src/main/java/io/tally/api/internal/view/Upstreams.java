package io.tally.api.internal.view;

import java.util.Set;

/**
 * Which tier a tier is compared with, for its lag: the default topology of the reconciler
 * ({@code producer → log → every other tier}), and {@code log.committed} after {@code log}. A tier with no upstream
 * among the tiers seen on the topic (the producer) has no lag.
 */
final class Upstreams {
    static final String PRODUCER = "producer";
    static final String LOG = "log";
    static final String LOG_COMMITTED = "log.committed";

    private Upstreams() {}

    /** @return the upstream tier of {@code tier} among {@code tiers} of one topic, or null */
    static String of(String tier, Set<String> tiers) {
        if (tier.equals(PRODUCER)) {
            return null;
        }
        if (tier.equals(LOG)) {
            return tiers.contains(PRODUCER) ? PRODUCER : null;
        }
        if (tier.equals(LOG_COMMITTED)) {
            return tiers.contains(LOG) ? LOG : tiers.contains(PRODUCER) ? PRODUCER : null;
        }
        return tiers.contains(LOG) ? LOG : tiers.contains(PRODUCER) ? PRODUCER : null;
    }
}
