package io.tally.agent.internal;

/** Which topics are audited: all but Tally's own ({@code tally.}) and Kafka's internal ones ({@code __}). */
public final class Topics {
    private Topics() {}

    public static boolean audited(String topic) {
        if (topic == null) {
            return false;
        }
        // the first character settles almost every topic without a prefix comparison
        char first = topic.isEmpty() ? 0 : topic.charAt(0);
        return (first != 't' && first != '_') || (!topic.startsWith("tally.") && !topic.startsWith("__"));
    }
}
