package io.tally.core;

import java.util.regex.Pattern;

/**
 * The names of the tiers every part of Tally agrees on: what an agent reports as unless {@code tally.tier} says
 * otherwise, and what the reconciler's default topology expects.
 */
public final class Tiers {
    /** Producers' agents. */
    public static final String PRODUCER = "producer";
    /** The log-tier auditor: every record appended. */
    public static final String LOG = "log";
    /** The log-tier auditor reading with {@code isolation.level=read_committed}: what committed transactions hold. */
    public static final String LOG_COMMITTED = "log.committed";
    /** A consumer group's tier is this followed by its {@code group.id}. */
    public static final String CONSUMER_PREFIX = "consumer.";
    /**
     * Consumers without a group (a restore or global consumer, a Flink source without a group id, a cache loader): a
     * reader's tier is this, followed by a dot and its {@code client.id} when that was set.
     */
    public static final String READER = "reader";

    /** The id a Kafka consumer gives itself without a {@code client.id}: the same in every JVM, so no name. */
    private static final Pattern GENERATED_CLIENT_ID = Pattern.compile("consumer-(null)?-\\d+");

    private Tiers() {}

    /**
     * @param group    the consumer's {@code group.id}, null or empty without one
     * @param clientId its {@code client.id}, null or empty without one
     * @return its tier: {@code consumer.<group>}; without a group {@code reader.<client.id>}, or {@code reader} where
     *     the client id is one Kafka made up (it says nothing of the application); at most 255 characters
     */
    public static String ofConsumer(String group, String clientId) {
        String tier;
        if (group != null && !group.isEmpty()) {
            tier = CONSUMER_PREFIX + group;
        } else if (clientId == null
                || clientId.isEmpty()
                || GENERATED_CLIENT_ID.matcher(clientId).matches()) {
            tier = READER;
        } else {
            tier = READER + '.' + clientId;
        }
        return tier.length() <= Names.MAX_TIER_LENGTH ? tier : tier.substring(0, Names.MAX_TIER_LENGTH);
    }

    /** @return whether {@code tier} is that of consumers without a group */
    public static boolean isReader(String tier) {
        return tier.equals(READER) || tier.startsWith(READER + '.');
    }
}
