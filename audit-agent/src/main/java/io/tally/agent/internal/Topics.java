package io.tally.agent.internal;

/** Which topics are audited: all but Tally's own ({@code tally.}) and Kafka's internal ones ({@code __}). */
public final class Topics {
    private Topics() {
    }

    public static boolean audited(String topic) {
        return topic != null && !topic.startsWith("tally.") && !topic.startsWith("__");
    }
}
