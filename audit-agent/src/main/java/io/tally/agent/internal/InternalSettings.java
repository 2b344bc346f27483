package io.tally.agent.internal;

/**
 * Keys under which tests hand objects to an agent through its configuration map (a Kafka client passes unknown
 * keys through to its interceptors). Not for users.
 */
public final class InternalSettings {
    public static final String PREFIX = "tally.internal.";
    /** A {@link io.tally.core.Clock} to use instead of the system clock. */
    public static final String CLOCK = PREFIX + "clock";
    /** An {@link AuditSink} to use instead of a Kafka producer. */
    public static final String SINK = PREFIX + "sink";
    /** A {@link GroupCommits.Source} to use instead of an admin client reading the consumer's group. */
    public static final String GROUP_COMMITS = PREFIX + "group.commits";
    /** A {@link java.util.function.LongSupplier} of the consumer's completed rebalances, instead of its metric. */
    public static final String REBALANCES = PREFIX + "rebalances";

    private InternalSettings() {}
}
