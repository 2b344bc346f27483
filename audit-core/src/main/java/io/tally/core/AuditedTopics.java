package io.tally.core;

import java.util.regex.Pattern;

/**
 * Which topics are audited: every topic but Tally's own ({@value #OWN_PREFIX}*) and Kafka's internal ones
 * ({@value #KAFKA_INTERNAL_PREFIX}*). The agents skip the others, and the log tier never reads them whatever its topic
 * regex says; the rule lives here so that every tier draws the line in the same place.
 */
public final class AuditedTopics {
    /** Tally's own topics ({@code tally.audit}, {@code tally.aggregates}, ...) start with this. */
    public static final String OWN_PREFIX = "tally.";
    /** Kafka's internal topics ({@code __consumer_offsets}, {@code __transaction_state}) start with this. */
    public static final String KAFKA_INTERNAL_PREFIX = "__";

    /** A regex lookahead that refuses a name starting with either prefix: {@code (?!tally\.|__)}. */
    public static final String NOT_EXCLUDED =
            "(?!" + OWN_PREFIX.replace(".", "\\.") + "|" + KAFKA_INTERNAL_PREFIX + ")";

    /** A regex of every audited topic, {@code ^(?!tally\.|__).*}: the default of {@code tally.log.topics}. */
    public static final String ALL = "^" + NOT_EXCLUDED + ".*";

    private static final char OWN_FIRST = OWN_PREFIX.charAt(0);
    private static final char INTERNAL_FIRST = KAFKA_INTERNAL_PREFIX.charAt(0);

    private AuditedTopics() {}

    /**
     * Constant time for almost every topic, without allocating: the agents ask it for every record.
     *
     * @return whether {@code topic} is audited; false for null
     */
    public static boolean audited(String topic) {
        if (topic == null) {
            return false;
        }
        // the first character settles almost every topic without a prefix comparison
        char first = topic.isEmpty() ? 0 : topic.charAt(0);
        return (first != OWN_FIRST && first != INTERNAL_FIRST)
                || (!topic.startsWith(OWN_PREFIX) && !topic.startsWith(KAFKA_INTERNAL_PREFIX));
    }

    /**
     * @param regex a regular expression of topic names, matched against the whole name
     * @return a pattern matching the topics of {@code regex} that are {@link #audited}
     * @throws java.util.regex.PatternSyntaxException if {@code regex} is not a regular expression
     */
    public static Pattern pattern(String regex) {
        return Pattern.compile(NOT_EXCLUDED + "(?:" + regex + ")");
    }
}
