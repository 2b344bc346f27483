package io.tally.aggregator.internal.aggregate;

import io.tally.core.Heartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Splits a heartbeat into one mark per topic it reports, for the aggregators keyed by {@code topic|tier}. */
final class Marks {
    private Marks() {}

    /** @return one heartbeat per topic of {@code h}, each with only that topic's watermarks, drops, starts and records waiting */
    static List<Heartbeat> split(Heartbeat h) {
        TreeSet<String> topics = new TreeSet<>(h.watermarks().keySet());
        if (h.partitions() != null) {
            topics.addAll(h.partitions().keySet());
        }
        topics.addAll(h.droppedByBucket().keySet());
        topics.addAll(h.startOffsets().keySet());
        topics.addAll(h.waiting().keySet());
        List<Heartbeat> out = new ArrayList<>(topics.size());
        for (String topic : topics) {
            Long mark = h.watermarks().get(topic);
            Map<String, Map<Integer, Long>> partitions = null;
            if (h.partitions() != null) {
                Map<Integer, Long> p = h.partitions().get(topic);
                partitions = p == null ? Map.of() : Map.of(topic, p);
            }
            Map<Long, Long> drops = h.droppedByBucket().get(topic);
            Map<Integer, Long> starts = h.startOffsets().get(topic);
            Long waiting = h.waiting().get(topic);
            out.add(h.toBuilder()
                    .watermarks(mark == null ? Map.of() : Map.of(topic, mark))
                    .partitions(partitions)
                    .droppedByBucket(drops == null ? Map.of() : Map.of(topic, drops))
                    .startOffsets(starts == null ? Map.of() : Map.of(topic, starts))
                    .waiting(waiting == null ? Map.of() : Map.of(topic, waiting))
                    .build());
        }
        return out;
    }

    /** @return the one topic a mark reports */
    static String topicOf(Heartbeat mark) {
        if (!mark.watermarks().isEmpty()) {
            return mark.watermarks().keySet().iterator().next();
        }
        if (mark.partitions() != null && !mark.partitions().isEmpty()) {
            return mark.partitions().keySet().iterator().next();
        }
        if (!mark.droppedByBucket().isEmpty()) {
            return mark.droppedByBucket().keySet().iterator().next();
        }
        if (!mark.startOffsets().isEmpty()) {
            return mark.startOffsets().keySet().iterator().next();
        }
        return mark.waiting().keySet().iterator().next();
    }
}
