package io.tally.agent.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 * to this consumer now (the one member with its {@code client.id}, or of several with it, the one assigned the
 * partitions where its records wait), so that a partition's next owner's commits never release records this
 * consumer read but did not commit. Read once more when the consumer closes ({@link #finalRead}): its last
 * transaction's offsets are committed just before. Runs from a group consumer's first poll until its first
 * commit through the client; reads the group (an admin client, made then) only while records wait for a commit
 * the client has not reported.
 */
public final class GroupCommits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommits.class);

    /** The group's committed offsets, as this consumer may apply them. */
    public interface Source extends AutoCloseable {
        /**
         * @param waiting the partitions where records of this consumer wait for a commit: what tells it apart from
         *     another member with the same {@code client.id} (the client's default is the same in every JVM)
         * @return the committed offsets of the partitions the group assigns to this consumer now, or none when it
         *     cannot tell which member it is
         */
        Map<TopicPartition, Long> committedToMe(Set<TopicPartition> waiting) throws Exception;

        /**
         * @return the group's committed offsets of {@code partitions}, whoever committed them: for a consumer that
         *     is closing, and has left the group already
         */
        default Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) throws Exception {
            return committedToMe(partitions);
        }

        @Override
        default void close() {}
    }

    private final Thread thread;
    private final Supplier<Source> sources;
    private final RateLimitedLog failures = new RateLimitedLog(LOG);
    private volatile boolean running = true;
    private Source source;

    /**
     * @param sources gives the source the first time the commits are wanted (an admin client is made only then)
     * @param wanted  asked every {@code intervalMs}: the partitions where records wait for commits the client does
     *                not report, empty when none does (then the group is not read)
     * @param learned told the offsets the group committed for this consumer's partitions
     */
    GroupCommits(
            Supplier<Source> sources,
            Supplier<Set<TopicPartition>> wanted,
            long intervalMs,
            Consumer<Map<TopicPartition, Long>> learned) {
        this.sources = sources;
        this.thread = new Thread(
                () -> {
                    try {
                        while (running) {
                            try {
                                Thread.sleep(intervalMs);
                                Set<TopicPartition> waiting = running ? wanted.get() : Set.of();
                                if (waiting.isEmpty()) {
                                    continue;
                                }
                                Map<TopicPartition, Long> offsets = source().committedToMe(waiting);
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
                        closeSource();
                    }
                },
                "tally-agent-group-commits");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized Source source() {
        if (source == null) {
            source = sources.get();
        }
        return source;
    }

    private synchronized void closeSource() {
        if (source != null) {
            try {
                source.close();
            } catch (Exception e) {
                LOG.debug("closing the group's offsets reader failed", e);
            }
            source = null;
        }
    }

    /**
     * Reads, once and now, the group's committed offsets of {@code partitions}, whoever committed them: at the close
     * of a consumer, which has left the group and is no member to tell its partitions by. Stops the regular reading.
     *
     * @return the offsets, or none if the group could not be read (said in the log)
     */
    Map<TopicPartition, Long> finalRead(Set<TopicPartition> partitions) {
        close();
        try {
            thread.join(2_000);
            return readAtClose(this::source, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } finally {
            closeSource();
        }
    }

    /**
     * Reads, once, the group's committed offsets of {@code partitions} for a consumer that is closing, whoever
     * committed them.
     *
     * @return the offsets, or none if the group could not be read (said in the log)
     */
    static Map<TopicPartition, Long> readAtClose(Supplier<Source> source, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try {
            return source.get().committed(partitions);
        } catch (Exception e) {
            LOG.warn(
                    "Tally agent: reading the group's committed offsets at close failed; the records still waiting "
                            + "for them are given up: {}",
                    e.toString());
            return Map.of();
        }
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
            public Map<TopicPartition, Long> committedToMe(Set<TopicPartition> waiting) throws Exception {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group)
                        .get(10, TimeUnit.SECONDS);
                Object instanceId = consumerSettings.get("group.instance.id");
                Set<TopicPartition> assigned =
                        assignedToMe(d.members(), clientId, instanceId == null ? null : instanceId.toString(), waiting);
                return assigned.isEmpty() ? Map.of() : committedOf(assigned);
            }

            @Override
            public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) throws Exception {
                return committedOf(partitions);
            }

            private Map<TopicPartition, Long> committedOf(Set<TopicPartition> partitions) throws Exception {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                Map<TopicPartition, Long> out = new HashMap<>();
                committed.forEach((tp, meta) -> {
                    if (meta != null && partitions.contains(tp)) {
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

    /**
     * @return the partitions assigned to this consumer's member: the one with its {@code group.instance.id} (static
     *     membership: unique, and kept when it rejoins, while the group may keep the client id it first joined with),
     *     else the one with its {@code clientId} — of several with it (the client's default {@code client.id} is the
     *     same in every JVM), the one assigned every partition in {@code waiting}; none when no member, or not one,
     *     is found: then nothing can be told
     */
    static Set<TopicPartition> assignedToMe(
            Collection<MemberDescription> members, String clientId, String instanceId, Set<TopicPartition> waiting) {
        List<MemberDescription> mine = instanceId != null
                ? members.stream()
                        .filter(m ->
                                m.groupInstanceId().filter(instanceId::equals).isPresent())
                        .toList()
                : members.stream().filter(m -> m.clientId().equals(clientId)).toList();
        if (mine.size() > 1) {
            mine = mine.stream()
                    .filter(m -> m.assignment().topicPartitions().containsAll(waiting))
                    .toList();
        }
        return mine.size() == 1 ? mine.get(0).assignment().topicPartitions() : Set.of();
    }

    /** Stops reading without waiting (the caller may hold the lock a reading is waiting for); the source closes. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
