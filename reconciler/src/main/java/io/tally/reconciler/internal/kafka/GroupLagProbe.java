package io.tally.reconciler.internal.kafka;

import io.tally.reconciler.internal.state.LagView;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether consumer groups have consumed a topic to its log end, as Burrow tells: a tier named
 * {@code consumer.<group>} is caught up on a topic when the group's committed offset of every partition of the topic
 * it has committed is at the partition's end. Unknown (null) for other tiers, for groups without commits on the
 * topic, and when the admin client fails. {@link #refresh} runs the admin calls; {@link #caughtUp} reads the last
 * answers and is thread-safe.
 */
public final class GroupLagProbe implements LagView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLagProbe.class);
    private static final String CONSUMER_PREFIX = "consumer.";

    private final Admin admin;
    private final Duration timeout;
    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();

    public GroupLagProbe(Map<String, Object> adminConfig, Duration timeout) {
        this.admin = Admin.create(adminConfig);
        this.timeout = timeout;
    }

    @Override
    public Boolean caughtUp(String tier, String topic) {
        return answers.get(tier + '|' + topic);
    }

    /** Asks the cluster about each (tier, topic) pair: tiers per topic. */
    public void refresh(Map<String, Set<String>> tiersByTopic) {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            for (Map.Entry<String, Set<String>> e : tiersByTopic.entrySet()) {
                for (String tier : e.getValue()) {
                    if (!tier.startsWith(CONSUMER_PREFIX)) {
                        continue;
                    }
                    String group = tier.substring(CONSUMER_PREFIX.length());
                    Map<TopicPartition, OffsetAndMetadata> committed = committedByGroup.get(group);
                    if (committed == null) {
                        committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        committedByGroup.put(group, committed);
                    }
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().stream().filter(tp -> tp.topic().equals(e.getKey()) && !ends.containsKey(tp))
                            .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                    if (!latest.isEmpty()) {
                        ListOffsetsResult result = admin.listOffsets(latest);
                        for (TopicPartition tp : latest.keySet()) {
                            ends.put(tp, result.partitionResult(tp).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                    .offset());
                        }
                    }
                    Boolean atEnd = null;
                    for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
                        if (c.getKey().topic().equals(e.getKey()) && c.getValue() != null) {
                            boolean here = c.getValue().offset() >= ends.get(c.getKey());
                            atEnd = atEnd == null ? here : atEnd && here;
                        }
                    }
                    if (atEnd == null) {
                        answers.remove(tier + '|' + e.getKey());
                    } else {
                        answers.put(tier + '|' + e.getKey(), atEnd);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            answers.clear();
            LOG.warn("Checking consumer group offsets failed; lag unknown until the next check: {}", e.toString());
        }
    }

    @Override
    public void close() {
        admin.close(timeout);
    }
}
