package io.tally.agent.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
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
 * transaction's offsets are committed just before. Read during a rebalance too ({@link Source#handover}): a
 * partition's owner commits its last transaction when the rebalance takes the partition away (Kafka Streams commits
 * its revoked tasks), and the next owner commits soon after it gets it; the consumer's count of completed rebalances
 * (its own metric, read locally every {@link #WATCH_STEP_MS}) starts a watch that reads the group until every
 * partition has an owner, taking the offsets of partitions no other member owns yet, and giving up what waits in a
 * partition another member owns. Runs from a group consumer's first poll until its first commit through the
 * client; reads the group (an admin client, made then) only while records wait for a commit the client has not
 * reported.
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

        /**
         * Reads, during a rebalance, the group's committed offsets of partitions this consumer may be losing: the
         * offsets first (waiting for transactions' offsets still being written), then who owns the partitions.
         *
         * @return the offsets no other member can have committed — of partitions owned then by this consumer alone
         *     or by no one (the group still rebalancing, or the partition between owners) — and whether every one
         *     has an owner again (the handover is over)
         */
        default Handover handover(Set<TopicPartition> partitions) throws Exception {
            return new Handover(committedToMe(partitions), true);
        }

        @Override
        default void close() {}
    }

    /**
     * @param committed the committed offsets no other member can have made
     * @param taken     the partitions another member owns now
     * @param settled   whether the group is stable with every partition asked about owned
     */
    public record Handover(Map<TopicPartition, Long> committed, Set<TopicPartition> taken, boolean settled) {
        public Handover(Map<TopicPartition, Long> committed, boolean settled) {
            this(committed, Set.of(), settled);
        }
    }

    /** How often a rebalance is looked for, and the group read while one goes on. */
    static final long WATCH_STEP_MS = 100;
    /** The longest a handover is followed after a rebalance. */
    static final long WATCH_MS = 15_000;

    private final Thread thread;
    private final Supplier<Source> sources;
    private final RateLimitedLog failures = new RateLimitedLog(LOG);
    private volatile boolean running = true;
    private Source source;

    /** The consumer whose commits are read: what it waits for, and what it is told. */
    interface Waiting {
        /**
         * @return the partitions where records wait for commits the client does not report, once the group is to be
         *     read for them; empty when not (then the group is not read)
         */
        Set<TopicPartition> wanted();

        /** @return every partition where records wait for a commit */
        Set<TopicPartition> waiting();

        /** Told the offsets the group committed for this consumer's partitions. */
        void learned(Map<TopicPartition, Long> offsets);

        /**
         * Told, during a rebalance, the offsets of partitions it may be losing that no other member committed, and the
         * partitions another member owns now (what waits there is not to be counted here).
         */
        void handedOver(Map<TopicPartition, Long> offsets, Set<TopicPartition> taken);

        /** Told, every {@link #WATCH_STEP_MS}, how many rebalances the consumer has completed, -1 when unknown. */
        default void rebalances(long count) {}
    }

    /**
     * @param sources    gives the source the first time the commits are wanted (an admin client is made only then)
     * @param waiting    the consumer, asked every {@code intervalMs} what it waits for
     * @param rebalances how many rebalances the consumer has completed, -1 when unknown: a change starts a watch of
     *                   the handover ({@link Source#handover}), since a partition's last commits before it moves
     *                   are made just then (Kafka Streams commits its tasks when they are revoked), and the group is
     *                   otherwise read only every {@code intervalMs}, often after the next owner has committed
     */
    GroupCommits(Supplier<Source> sources, Waiting waiting, long intervalMs, LongSupplier rebalances) {
        this.sources = sources;
        long initialRebalances = rebalances.getAsLong(); // a rebalance from now on may take partitions read until now
        this.thread = new Thread(
                () -> {
                    try {
                        long lastRebalances = initialRebalances;
                        long watchUntil = 0;
                        Set<TopicPartition> taken = new java.util.HashSet<>();
                        long nextRead = System.nanoTime() / 1_000_000 + intervalMs;
                        while (running) {
                            try {
                                Thread.sleep(Math.min(intervalMs, WATCH_STEP_MS));
                                long now = System.nanoTime() / 1_000_000;
                                long rebalanced = rebalances.getAsLong();
                                waiting.rebalances(rebalanced);
                                if (rebalanced >= 0 && lastRebalances >= 0 && rebalanced != lastRebalances) {
                                    watchUntil = now + WATCH_MS;
                                    taken.clear();
                                }
                                lastRebalances = rebalanced >= 0 ? rebalanced : lastRebalances;
                                if (running && now < watchUntil && watchHandover(waiting, taken)) {
                                    watchUntil = 0;
                                }
                                if (!running || now < nextRead) {
                                    continue;
                                }
                                nextRead = now + intervalMs;
                                Set<TopicPartition> wanted = waiting.wanted();
                                if (!wanted.isEmpty()) {
                                    Map<TopicPartition, Long> offsets = source().committedToMe(wanted);
                                    if (!offsets.isEmpty()) {
                                        waiting.learned(offsets);
                                    }
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

    /**
     * One look at a handover under way.
     *
     * @param taken the partitions seen owned by another member since the rebalance: once they were, an offset read
     *              later may be that member's (the group may rebalance again, and give one back), so none is taken
     * @return whether the handover is over: nothing waits, or every partition has an owner again
     */
    private boolean watchHandover(Waiting waiting, Set<TopicPartition> taken) throws Exception {
        Set<TopicPartition> partitions = waiting.waiting();
        if (partitions.isEmpty()) {
            return true;
        }
        Handover handover = source().handover(partitions);
        taken.addAll(handover.taken());
        Map<TopicPartition, Long> committed = new HashMap<>(handover.committed());
        committed.keySet().removeAll(taken);
        if (!committed.isEmpty() || !handover.taken().isEmpty()) {
            waiting.handedOver(committed, handover.taken());
        }
        return handover.settled();
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
        Map<String, Object> props = ClusterConnection.of(consumerSettings);
        props.put("client.id", "tally-agent-group-commits-" + clientId);
        Object instance = consumerSettings.get("group.instance.id");
        String instanceId = instance == null ? null : instance.toString();
        Admin admin = Admin.create(props);
        return new Source() {
            @Override
            public Map<TopicPartition, Long> committedToMe(Set<TopicPartition> waiting) throws Exception {
                Set<TopicPartition> assigned = assignedToMe(describe().members(), clientId, instanceId, waiting);
                return assigned.isEmpty() ? Map.of() : committedOf(assigned, false);
            }

            @Override
            public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) throws Exception {
                return committedOf(partitions, false);
            }

            @Override
            public Handover handover(Set<TopicPartition> partitions) throws Exception {
                // the offsets first: a partition nobody else owns after they were read was nobody else's before
                Map<TopicPartition, Long> committed = committedOf(partitions, true);
                ConsumerGroupDescription d = describe();
                @SuppressWarnings("deprecation") // state(): the one answer from kafka-clients 3.0 to 4.x
                boolean stable = d.state() == org.apache.kafka.common.ConsumerGroupState.STABLE;
                return handoverOf(committed, stable, d.members(), clientId, instanceId);
            }

            private ConsumerGroupDescription describe() throws Exception {
                return admin.describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group)
                        .get(10, TimeUnit.SECONDS);
            }

            /** @param stable whether to wait for offsets a transaction is committing (they are then its last) */
            private Map<TopicPartition, Long> committedOf(Set<TopicPartition> partitions, boolean stable)
                    throws Exception {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                group, new ListConsumerGroupOffsetsOptions().requireStable(stable))
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

    /**
     * @return of {@code committed}, the offsets no other member can have made: of partitions that, once the offsets
     *     were read, belonged to no member or to this consumer alone — all of them while the group rebalances (no
     *     member owns a partition before the group is stable again); settled once the group is stable and every
     *     partition has an owner. Where another member has this consumer's {@code client.id} (the client's default
     *     is the same in every JVM) and there is no {@code group.instance.id}, a partition of theirs may be either's.
     */
    static Handover handoverOf(
            Map<TopicPartition, Long> committed,
            boolean stable,
            Collection<MemberDescription> members,
            String clientId,
            String instanceId) {
        if (!stable) {
            return new Handover(committed, false);
        }
        List<MemberDescription> mine = members.stream()
                .filter(m -> instanceId != null
                        ? m.groupInstanceId().filter(instanceId::equals).isPresent()
                        : m.clientId().equals(clientId))
                .toList();
        boolean known = mine.size() == 1;
        Map<TopicPartition, Long> safe = new HashMap<>();
        Set<TopicPartition> taken = new java.util.HashSet<>();
        boolean settled = true;
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            List<MemberDescription> owners = members.stream()
                    .filter(m -> m.assignment().topicPartitions().contains(e.getKey()))
                    .toList();
            settled &= !owners.isEmpty();
            if (owners.isEmpty() || (known && owners.equals(mine))) {
                safe.put(e.getKey(), e.getValue());
            } else if (known && !owners.contains(mine.get(0))) {
                taken.add(e.getKey());
            }
        }
        return new Handover(safe, taken, settled);
    }

    /** Stops reading without waiting (the caller may hold the lock a reading is waiting for); the source closes. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
