package io.tally.aggregator.internal.kafka;

import java.util.regex.Pattern;

/** Which topics the log tier audits: the configured regex, minus Tally's own and Kafka's internal topics. */
public final class LogTopics {
    private LogTopics() {}

    /** @return a pattern matching the topics of {@code regex} that start neither with {@code tally.} nor {@code __} */
    public static Pattern pattern(String regex) {
        return Pattern.compile("(?!tally\\.|__)(?:" + regex + ")");
    }

    /** @return whether the log tier audits {@code topic} under {@code regex} */
    public static boolean audits(String regex, String topic) {
        return pattern(regex).matcher(topic).matches();
    }
}
