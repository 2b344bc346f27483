package io.tally.aggregator.internal.aggregate;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Topics whose aggregates must land on one partition of the aggregates topic, so that one reconciler holds both
 * sides of an edge between them (a mirror, a rename in the topology file): every topic of a group is partitioned as
 * the group's first one. Written {@code orders,orders.mirror;payments,payments.dr}. Immutable.
 */
public final class TopicGroups implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> leaderOf;

    private TopicGroups(Map<String, String> leaderOf) {
        this.leaderOf = leaderOf;
    }

    /** @throws IllegalArgumentException naming the topic that is empty or in two groups */
    public static TopicGroups parse(String text) {
        Map<String, String> leaderOf = new HashMap<>();
        for (String group : text.split(";")) {
            String[] topics = group.split(",");
            String leader = topics[0].trim();
            if (leader.isEmpty()) {
                if (topics.length > 1 || !group.isBlank()) {
                    throw new IllegalArgumentException("a group starts with an empty topic name: '" + group + "'");
                }
                continue;
            }
            for (String t : topics) {
                String topic = t.trim();
                if (topic.isEmpty()) {
                    throw new IllegalArgumentException("an empty topic name in group '" + group.trim() + "'");
                }
                String before = leaderOf.put(topic, leader);
                if (before != null) {
                    throw new IllegalArgumentException("topic '" + topic + "' is in two groups");
                }
            }
        }
        return new TopicGroups(Map.copyOf(leaderOf));
    }

    /** @return what {@code topic}'s aggregates are partitioned by: its group's first topic, or itself */
    public String partitionKey(String topic) {
        return leaderOf.getOrDefault(topic, topic);
    }
}
