package io.tally.agent.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a consumer makes without the client's {@code onCommit}: offsets sent with a transaction
 * ({@code sendOffsetsToTransaction}, exactly-once consume-transform-produce), learned from the group's committed
 * offsets. Polled on a thread of its own every {@code intervalMs}; applied only to the partitions the group assigns
 * to this consumer now (the one member with its {@code client.id}), so that a partition's next owner's commits never
 * release records this consumer read but did not commit. Runs from a group consumer's first poll until its first
 * commit through the client; reads the group (an admin client, made then) only while records wait for a commit
 * the client has not reported.
 */
public final class GroupCommits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommits.class);

    /** The group's committed offsets of the partitions assigned to this consumer, or none when that is unclear. */
    public interface Source extends AutoCloseable {
        Map<TopicPartition, Long> committedToMe() throws Exception;

        @Override
        default void close() {}
    }

    private final Thread thread;
    private final RateLimitedLog failures = new RateLimitedLog(LOG);
    private volatile boolean running = true;

    /**
     * @param sources gives the source the first time the commits are wanted (an admin client is made only then)
     * @param wanted  asked every {@code intervalMs}: whether records wait for commits the client does not report
     * @param learned told the offsets the group committed for this consumer's partitions
     */
    GroupCommits(
            java.util.function.Supplier<Source> sources,
            java.util.function.BooleanSupplier wanted,
            long intervalMs,
            Consumer<Map<TopicPartition, Long>> learned) {
        this.thread = new Thread(
                () -> {
                    Source source = null;
                    try {
                        while (running) {
                            try {
                                Thread.sleep(intervalMs);
                                if (!running || !wanted.getAsBoolean()) {
                                    continue;
                                }
                                if (source == null) {
                                    source = sources.get();
                                }
                                Map<TopicPartition, Long> offsets = source.committedToMe();
                                if (!offsets.isEmpty()) {
                                    learned.accept(offsets);
                                }
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                failures.warn(
                                        "Tally agent: reading the group's committed offsets failed; will retry", e);
                            }
                        }
                    } finally {
                        if (source != null) {
                            try {
                                source.close();
                            } catch (Exception e) {
                                LOG.debug("closing the group's offsets reader failed", e);
                            }
                        }
                    }
                },
                "tally-agent-group-commits");
        thread.setDaemon(true);
        thread.start();
    }

    /** A source reading the group through an admin client of the consumer's own cluster and credentials. */
    static Source admin(Map<String, ?> consumerSettings, String group, String clientId) {
        Map<String, Object> props = new HashMap<>();
        consumerSettings.forEach((k, v) -> {
            if (k.equals("bootstrap.servers")
                    || k.equals("security.protocol")
                    || k.equals("client.dns.lookup")
                    || k.startsWith("sasl.")
                    || k.startsWith("ssl.")) {
                props.put(k, v);
            }
        });
        props.put("client.id", "tally-agent-group-commits-" + clientId);
        Admin admin = Admin.create(props);
        return new Source() {
            @Override
            public Map<TopicPartition, Long> committedToMe() throws Exception {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group)
                        .get(10, TimeUnit.SECONDS);
                List<MemberDescription> mine = d.members().stream()
                        .filter(m -> m.clientId().equals(clientId))
                        .toList();
                if (mine.size() != 1) {
                    return Map.of(); // not a member now, or client.id shared by several: cannot tell
                }
                Set<TopicPartition> assigned = mine.get(0).assignment().topicPartitions();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                Map<TopicPartition, Long> out = new HashMap<>();
                committed.forEach((tp, meta) -> {
                    if (meta != null && assigned.contains(tp)) {
                        out.put(tp, meta.offset());
                    }
                });
                return out;
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(2));
            }
        };
    }

    /** Stops reading without waiting (the caller may hold the lock a reading is waiting for); the source closes. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
