package io.tally.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AuditIds;
import io.tally.core.AuditRecord;
import io.tally.core.CountingMode;
import io.tally.core.EventTimes;
import io.tally.core.Heartbeat;
import io.tally.core.ManualClock;
import io.tally.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditConsumerInterceptorTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private final ManualClock clock = new ManualClock(T0 + 5_000);
    private final FakeSink sink = new FakeSink();
    private AuditConsumerInterceptor interceptor;

    private void start(Object... settings) {
        interceptor = new AuditConsumerInterceptor();
        Object[] all = new Object[settings.length + 2];
        all[0] = "group.id";
        all[1] = "billing";
        System.arraycopy(settings, 0, all, 2, settings.length);
        interceptor.configure(AgentSettings.of(clock, sink, all));
    }

    @AfterEach
    void close() {
        if (interceptor != null) {
            interceptor.close();
        }
    }

    /** A poll of the given offsets of partition 0, each stored at T0 + offset ms, with id = offset. */
    private void poll(long fromOffset, long toOffset) {
        List<ConsumerRecord<Object, Object>> batch = new ArrayList<>();
        for (long o = fromOffset; o < toOffset; o++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(AuditIds.HEADER, AuditIds.toHex(o));
            batch.add(new ConsumerRecord<>(
                    "orders", 0, o, T0 + o, TimestampType.CREATE_TIME, 1, 9, "k", "v", headers, Optional.empty()));
        }
        interceptor.onConsume(new ConsumerRecords<>(Map.of(P0, batch), Map.of()));
    }

    /** A poll of the given offsets of one partition, each stored at T0 + offset ms. */
    private void poll(TopicPartition tp, long fromOffset, long toOffset) {
        List<ConsumerRecord<Object, Object>> batch = new ArrayList<>();
        for (long o = fromOffset; o < toOffset; o++) {
            batch.add(new ConsumerRecord<>(
                    tp.topic(),
                    tp.partition(),
                    o,
                    T0 + o,
                    TimestampType.CREATE_TIME,
                    1,
                    9,
                    "k",
                    "v",
                    new RecordHeaders(),
                    Optional.empty()));
        }
        interceptor.onConsume(new ConsumerRecords<>(Map.of(tp, batch), Map.of()));
    }

    /** Commits, and waits for the flush that the commit asks for. */
    private Heartbeat commitAndFlush(Map<TopicPartition, Long> offsets) throws InterruptedException {
        int before = sink.heartbeats().size();
        Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
        offsets.forEach((tp, o) -> committed.put(tp, new OffsetAndMetadata(o)));
        interceptor.onCommit(committed);
        Eventually.await(
                Duration.ofSeconds(10),
                Duration.ofMillis(5),
                "a heartbeat after the commit",
                () -> sink.heartbeats().size() > before);
        return sink.heartbeats().get(sink.heartbeats().size() - 1);
    }

    private void commit(long offset) {
        interceptor.onCommit(Map.of(P0, new OffsetAndMetadata(offset)));
    }

    private long countedAfterClose() {
        interceptor.close();
        interceptor = null;
        return sink.counted();
    }

    @Test
    void heartbeats_say_how_many_records_wait_to_be_counted() throws Exception {
        start();
        poll(0, 10);
        assertThat(commitAndFlush(Map.of(P0, 4L)).waiting())
                .as("the commit cut the poll: 4..9 wait")
                .containsExactly(Map.entry("orders", 6L));
        assertThat(commitAndFlush(Map.of(P0, 10L)).waiting()).isEmpty();
    }

    @Test
    void heartbeats_say_whether_the_consumer_reads_committed_records_only() throws Exception {
        start("isolation.level", "read_committed");
        poll(0, 10);
        assertThat(commitAndFlush(Map.of(P0, 10L)).readCommitted()).isTrue();
        interceptor.close();

        start("isolation.level", "read_uncommitted");
        poll(0, 10);
        assertThat(commitAndFlush(Map.of(P0, 10L)).readCommitted()).isFalse();
        interceptor.close();

        start(); // the client's default
        poll(0, 10);
        assertThat(commitAndFlush(Map.of(P0, 10L)).readCommitted()).isFalse();
    }

    @Test
    void counts_only_what_was_committed() {
        start();
        poll(0, 100);
        commit(100);
        poll(100, 150); // never committed: the consumer dies, these will be delivered again
        assertThat(countedAfterClose()).isEqualTo(100);
        AuditRecord record = sink.records().get(0);
        assertThat(record.tier()).isEqualTo("consumer.billing");
        assertThat(record.mode()).isEqualTo(CountingMode.COMMIT);
        assertThat(record.bytes()).isEqualTo(1000);
    }

    @Test
    void a_commit_inside_a_poll_counts_it_and_a_retry_of_its_tail_is_not_counted_twice() {
        start();
        poll(0, 10);
        commit(4); // records 0..3 processed; 4 failed
        poll(4, 10); // the error handler sought back to 4: the same records again
        commit(10);
        assertThat(countedAfterClose()).isEqualTo(10);
    }

    @Test
    void a_commit_inside_a_poll_counts_exactly_the_records_below_it_so_the_next_owner_alone_counts_the_rest() {
        start();
        poll(0, 10);
        commit(4); // a Streams or Connect task committed part of the batch; then the partition moves away
        assertThat(countedAfterClose()).as("only what the commit covers").isEqualTo(4);
        // the partition's new owner reads again from 4 and counts 4..9: each record once in the group
    }

    @Test
    void a_late_committer_s_records_wait_for_its_commit_however_long_it_takes() throws Exception {
        start();
        TopicPartition p1 = new TopicPartition("orders", 1);
        poll(P0, 0, 10);
        poll(p1, 0, 10);
        commitAndFlush(Map.of(P0, 10L, p1, 10L)); // it commits: a committing consumer
        poll(P0, 10, 20);
        poll(p1, 10, 20);
        clock.advance(240_000); // Flink checkpoints every 5 minutes; p1 returns nothing more
        poll(P0, 20, 30);
        commitAndFlush(Map.of(P0, 30L, p1, 20L));
        assertThat(countedAfterClose())
                .as("nothing given up while the commit was late")
                .isEqualTo(50);
        assertThat(sink.records()).allMatch(r -> r.mode() == CountingMode.COMMIT);
    }

    @Test
    void records_waiting_in_a_partition_that_moved_away_are_given_up_after_the_pending_idle_time() {
        start(AgentConfig.PENDING_IDLE_MS, "600000");
        TopicPartition p1 = new TopicPartition("orders", 1);
        poll(P0, 0, 10);
        poll(p1, 0, 10);
        commit(10); // p0 committed; p1's records are left waiting: revoked
        clock.advance(600_000);
        poll(P0, 10, 20); // p1 returned nothing for 10 minutes: its next owner counts them
        commit(20);
        assertThat(countedAfterClose()).isEqualTo(20);
    }

    @Test
    void past_the_bound_on_waiting_records_the_partition_that_brings_more_counts_on_consume_and_says_so()
            throws Exception {
        start(AgentConfig.MAX_PENDING_RECORDS, "15");
        TopicPartition p1 = new TopicPartition("orders", 1);
        poll(P0, 0, 10);
        poll(p1, 0, 10); // 20 would wait: p1 counts on consume from now on
        poll(p1, 10, 15);
        commitAndFlush(Map.of(P0, 10L));
        assertThat(countedAfterClose()).isEqualTo(25);
        assertThat(sink.records())
                .filteredOn(r -> r.mode() == CountingMode.CONSUME)
                .extracting(AuditRecord::count)
                .containsExactly(15L);
    }

    @Test
    void
            once_the_waiting_records_drain_and_a_commit_covers_what_counted_on_consume_the_partition_waits_for_commits_again()
                    throws Exception {
        start(AgentConfig.MAX_PENDING_RECORDS, "15");
        TopicPartition p1 = new TopicPartition("orders", 1);
        poll(P0, 0, 10);
        poll(p1, 0, 10); // 20 would wait: p1 counts on consume
        commitAndFlush(Map.of(P0, 10L, p1, 10L)); // nothing waits any more, and p1 committed all it counted
        poll(p1, 10, 15);
        poll(p1, 10, 15); // a rebalance: the group reads 10.. again, as it would after any uncommitted poll
        commitAndFlush(Map.of(p1, 15L));
        assertThat(countedAfterClose()).as("10..14 once, not once per read").isEqualTo(25);
        assertThat(sink.records())
                .filteredOn(r -> r.mode() == CountingMode.CONSUME)
                .extracting(AuditRecord::count)
                .as("only what came while the bound was reached")
                .containsExactly(10L);
    }

    @Test
    void a_consumer_that_starts_past_its_group_s_commit_skipped_what_lies_between_and_says_it_started_at_the_commit()
            throws Exception {
        TopicPartition p1 = new TopicPartition("orders", 1);
        // partition 0 was committed at 20 by an earlier run: an offset reset took this one to 50. Partition 1 resumes
        // where it was committed
        start(io.tally.agent.internal.InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source)
                waiting -> Map.of(P0, 20L, p1, 7L));
        poll(P0, 50, 60);
        poll(p1, 7, 9);
        // asked from the poll, before the application could commit there
        Map<Integer, Long> starts =
                commitAndFlush(Map.of(P0, 51L)).startOffsets().get("orders");

        assertThat(starts).containsEntry(0, 20L).containsEntry(1, 7L);
    }

    @Test
    void records_another_member_committed_while_a_partition_was_away_are_not_counted_again_when_it_comes_back() {
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        start(io.tally.agent.internal.InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source)
                waiting -> group.get());
        poll(0, 10); // wait for a commit
        // a rebalance took partition 0 away: another member read 0..9 again, counted them and committed 10; then the
        // partition came back
        clock.advance(10_000);
        group.set(Map.of(P0, 10L));
        poll(10, 15);
        commit(15);

        assertThat(countedAfterClose()).as("0..9 are the other member's count").isEqualTo(5);
    }

    @Test
    void records_that_waited_through_a_quiet_spell_count_when_the_partition_s_next_records_come() {
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        start(io.tally.agent.internal.InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source)
                waiting -> group.get());
        poll(0, 10);
        commit(5);
        group.set(Map.of(P0, 5L));
        clock.advance(10_000); // nothing written for a while; the group's commit is still this consumer's own
        poll(10, 15);
        commit(15);

        assertThat(countedAfterClose()).isEqualTo(15);
    }

    @Test
    void a_consumer_without_a_group_cannot_commit_and_counts_on_consume_from_the_start() {
        interceptor = new AuditConsumerInterceptor();
        interceptor.configure(AgentSettings.of(clock, sink));
        poll(0, 10);
        assertThat(countedAfterClose()).isEqualTo(10);
        assertThat(sink.records()).allMatch(r -> r.mode() == CountingMode.CONSUME);
    }

    @Test
    void offsets_committed_with_a_transaction_are_learned_from_the_group_and_an_aborted_one_s_reread_counts_once()
            throws Exception {
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        start(io.tally.agent.internal.InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source)
                waiting -> group.get());
        poll(0, 10);
        group.set(Map.of(P0, 6L)); // sendOffsetsToTransaction(6) committed with the transaction of 0..5
        clock.advance(20_000); // no commit through the client: the agent reads the group's
        poll(10, 12);
        awaitCounted(6);
        poll(6, 12); // the next transaction aborted: the application read 6.. again
        group.set(Map.of(P0, 12L));
        awaitCounted(12);
        assertThat(countedAfterClose()).isEqualTo(12);
        assertThat(sink.records()).allMatch(r -> r.mode() == CountingMode.COMMIT);
    }

    @Test
    void a_read_committed_consumer_learns_its_transactions_commits_from_its_first_records_on() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        start(
                "isolation.level",
                "read_committed",
                io.tally.agent.internal.InternalSettings.GROUP_COMMITS,
                (io.tally.agent.internal.GroupCommits.Source) waiting -> {
                    reads.incrementAndGet();
                    return Map.of(P0, 6L);
                });
        poll(0, 10);
        // the clock stands still: no record has waited the 5 s after which any other consumer starts reading
        awaitCounted(6);
        assertThat(reads).hasPositiveValue();
        assertThat(countedAfterClose()).isEqualTo(6);
    }

    @Test
    void a_transaction_committed_just_before_the_close_counts_what_it_covers_and_no_more() {
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        TopicPartition p1 = new TopicPartition("orders", 1);
        start(io.tally.agent.internal.InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source)
                waiting -> group.get());
        poll(0, 10);
        poll(p1, 0, 10);
        // the last transaction committed 0..7 of partition 0; partition 1 moved to another member, which read on and
        // committed past what this one read (it counts 0..9 itself)
        group.set(Map.of(P0, 8L, p1, 25L));

        assertThat(countedAfterClose())
                .as("read once more at close, long before the group would be read again")
                .isEqualTo(8);
    }

    @Test
    void a_commit_the_client_did_not_report_before_the_close_counts_what_it_covers_of_partitions_read_until_now() {
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        TopicPartition p1 = new TopicPartition("orders", 1);
        start(
                AgentConfig.PARTITION_IDLE_MS,
                "5000",
                io.tally.agent.internal.InternalSettings.GROUP_COMMITS,
                (io.tally.agent.internal.GroupCommits.Source) waiting -> group.get());
        poll(P0, 0, 10);
        poll(p1, 0, 10);
        interceptor.onCommit(
                Map.of(P0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(10))); // through the client
        poll(p1, 10, 15); // partition 1 then went to another member, which committed 12 and read on
        clock.advance(10_000);
        poll(P0, 10, 20);
        // SIGTERM: wakeup() cut the commitSync of 10..19 short; the broker applied it, the client never reported it
        group.set(Map.of(P0, 20L, p1, 12L));

        assertThat(countedAfterClose())
                .as("partition 0's last commit counts; partition 1's next owner counts what it committed")
                .isEqualTo(30);
    }

    @Test
    void the_commit_a_transaction_makes_when_a_rebalance_takes_a_partition_away_is_read_before_the_next_owner_s()
            throws Exception {
        java.util.concurrent.atomic.AtomicLong rebalances = new java.util.concurrent.atomic.AtomicLong(1);
        java.util.concurrent.atomic.AtomicInteger handovers = new java.util.concurrent.atomic.AtomicInteger();
        start(
                io.tally.agent.internal.InternalSettings.REBALANCES,
                (java.util.function.LongSupplier) rebalances::get,
                io.tally.agent.internal.InternalSettings.GROUP_COMMITS,
                new io.tally.agent.internal.GroupCommits.Source() {
                    @Override
                    public Map<TopicPartition, Long> committedToMe(java.util.Set<TopicPartition> waiting) {
                        return Map.of(); // the partition is the next owner's by the time the group is read
                    }

                    @Override
                    public Map<TopicPartition, Long> committed(java.util.Set<TopicPartition> partitions) {
                        return Map.of(P0, 25L); // the next owner read on and committed
                    }

                    @Override
                    public io.tally.agent.internal.GroupCommits.Handover handover(
                            java.util.Set<TopicPartition> partitions) {
                        handovers.incrementAndGet();
                        // the group rebalances: the revoked task's transaction committed 0..7, nobody owns it yet
                        return new io.tally.agent.internal.GroupCommits.Handover(Map.of(P0, 8L), true);
                    }
                });
        poll(0, 10);
        Thread.sleep(300); // the agent has seen the count of rebalances
        assertThat(handovers).as("no rebalance, no handover read").hasValue(0);
        rebalances.set(2);
        awaitCounted(8);
        assertThat(handovers).as("once: settled").hasValue(1);
        assertThat(countedAfterClose()).as("8..9 are the next owner's").isEqualTo(8);
    }

    @Test
    void
            what_waits_in_a_partition_a_rebalance_gave_to_another_member_is_reported_dropped_and_not_counted_when_it_comes_back()
                    throws Exception {
        java.util.concurrent.atomic.AtomicLong rebalances = new java.util.concurrent.atomic.AtomicLong(1);
        java.util.concurrent.atomic.AtomicInteger handovers = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        start(
                io.tally.agent.internal.InternalSettings.REBALANCES,
                (java.util.function.LongSupplier) rebalances::get,
                io.tally.agent.internal.InternalSettings.GROUP_COMMITS,
                new io.tally.agent.internal.GroupCommits.Source() {
                    @Override
                    public Map<TopicPartition, Long> committedToMe(java.util.Set<TopicPartition> waiting) {
                        return group.get();
                    }

                    @Override
                    public io.tally.agent.internal.GroupCommits.Handover handover(
                            java.util.Set<TopicPartition> partitions) {
                        handovers.incrementAndGet();
                        // its transaction of 0..9 aborted when the rebalance came; another member owns the partition
                        return new io.tally.agent.internal.GroupCommits.Handover(Map.of(), java.util.Set.of(P0), true);
                    }
                });
        poll(0, 10);
        Thread.sleep(300);
        rebalances.set(2);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (handovers.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // the other member read 0..19 and committed 20; a second rebalance gave the partition back
        clock.advance(4_000);
        poll(20, 25);
        group.set(Map.of(P0, 25L));
        clock.advance(6_000);
        awaitCounted(5);
        assertThat(countedAfterClose()).as("0..9 are the other member's count").isEqualTo(5);
        long bucketMs = 10_000; // the records' times, T0 .. T0 + 9 ms, lie in one bucket
        assertThat(sink.heartbeats().get(sink.heartbeats().size() - 1).droppedByBucket())
                .as("the 10 records it gave up, reported dropped in their bucket: had its own last commit covered "
                        + "them (read too late to tell from the other's), no one would count them")
                .containsExactly(java.util.Map.entry("orders", Map.of(T0 - Math.floorMod(T0, bucketMs), 10L)));
    }

    /**
     * An exactly-once consumer whose partition returns nothing for a while (a loaded machine, a long restore) and
     * then comes again: the group's commit past what it read is its own unless a rebalance came in between.
     */
    private long returnsAfterAGap(boolean rebalancedMeanwhile) throws Exception {
        java.util.concurrent.atomic.AtomicLong rebalances = new java.util.concurrent.atomic.AtomicLong(1);
        java.util.concurrent.atomic.AtomicReference<Map<TopicPartition, Long>> group =
                new java.util.concurrent.atomic.AtomicReference<>(Map.of());
        start(
                io.tally.agent.internal.InternalSettings.REBALANCES,
                (java.util.function.LongSupplier) rebalances::get,
                io.tally.agent.internal.InternalSettings.GROUP_COMMITS,
                new io.tally.agent.internal.GroupCommits.Source() {
                    @Override
                    public Map<TopicPartition, Long> committedToMe(java.util.Set<TopicPartition> waiting) {
                        return Map.of(); // its own commits are not read in time
                    }

                    @Override
                    public Map<TopicPartition, Long> committed(java.util.Set<TopicPartition> partitions) {
                        return group.get();
                    }

                    @Override
                    public io.tally.agent.internal.GroupCommits.Handover handover(
                            java.util.Set<TopicPartition> partitions) {
                        return new io.tally.agent.internal.GroupCommits.Handover(Map.of(), false);
                    }
                });
        poll(0, 5);
        Thread.sleep(300); // the agent has seen the count of rebalances
        clock.advance(1_000);
        poll(5, 10); // then its partition returns nothing for a while
        if (rebalancedMeanwhile) {
            rebalances.set(2);
            Thread.sleep(300);
        }
        group.set(Map.of(P0, 10L)); // 0..9 committed, by a transaction of its own or of another member
        clock.advance(6_000); // nothing came for 6 s
        poll(10, 12);
        Thread.sleep(300);
        return countedAfterClose();
    }

    @Test
    void a_partition_that_comes_again_after_a_gap_without_a_rebalance_counts_the_commit_as_its_own() throws Exception {
        assertThat(returnsAfterAGap(false))
                .as("0..9, committed by its own transaction")
                .isEqualTo(10);
        assertThat(sink.heartbeats().get(sink.heartbeats().size() - 1).droppedByBucket())
                .isEmpty();
    }

    @Test
    void a_partition_that_comes_again_after_a_rebalance_gives_up_what_waited_and_reports_it_dropped() throws Exception {
        assertThat(returnsAfterAGap(true))
                .as("0..9: another member's, or its own; not counted here")
                .isZero();
        long bucketMs = 10_000;
        assertThat(sink.heartbeats().get(sink.heartbeats().size() - 1).droppedByBucket())
                .containsExactly(java.util.Map.entry("orders", Map.of(T0 - Math.floorMod(T0, bucketMs), 10L)));
    }

    private void awaitCounted(long expected) throws InterruptedException {
        long counted = Eventually.await(
                Duration.ofSeconds(20),
                Duration.ofMillis(10),
                expected + " records counted",
                () -> {
                    poll(12, 12); // polls go on
                    return sink.counted();
                },
                n -> n >= expected);
        assertThat(counted).isEqualTo(expected);
    }

    @Test
    void re_reading_committed_records_is_a_true_duplicate() {
        start();
        poll(0, 10);
        commit(10);
        poll(0, 10); // offset reset to earliest, processed and committed again
        commit(10);
        assertThat(countedAfterClose()).isEqualTo(20);
    }

    @Test
    void a_seek_back_before_any_commit_counts_the_records_once() {
        start();
        poll(0, 10);
        poll(0, 10); // sought back to 0 without committing
        commit(10);
        assertThat(countedAfterClose()).isEqualTo(10);
    }

    @Test
    void a_reader_that_never_commits_counts_on_consume_after_the_wait() {
        start(AgentConfig.COMMIT_WAIT_MS, "30000");
        poll(0, 10);
        clock.advance(29_000);
        poll(10, 20);
        assertThat(sink.counted()).isZero();
        clock.advance(1_000);
        poll(20, 30);
        assertThat(countedAfterClose()).isEqualTo(30);
        assertThat(sink.records()).allMatch(r -> r.mode() == CountingMode.CONSUME);
    }

    @Test
    void heartbeats_carry_a_watermark_per_partition_read_now_and_leave_out_one_that_stopped_returning_records()
            throws Exception {
        start(AgentConfig.PARTITION_IDLE_MS, "30000");
        TopicPartition p1 = new TopicPartition("orders", 1);
        TopicPartition p2 = new TopicPartition("orders", 2);
        poll(P0, 0, 10);
        poll(p1, 0, 10);
        poll(p2, 0, 5);
        Heartbeat first = commitAndFlush(Map.of(P0, 10L, p1, 10L, p2, 5L));
        assertThat(first.partitions().get("orders"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, T0 + 9, 1, T0 + 9, 2, T0 + 4));

        clock.advance(31_000);
        // partition 2 returns nothing more (caught up, or revoked); partition 1's new records wait for a commit
        poll(P0, 10, 20);
        poll(p1, 10, 20);
        Heartbeat second = commitAndFlush(Map.of(P0, 20L));
        assertThat(second.partitions().get("orders"))
                .as("partition 2 left out, partition 1 at what passed")
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, T0 + 19, 1, T0 + 9));
        assertThat(second.watermarks()).containsEntry("orders", T0 + 19);

        clock.advance(31_000);
        poll(P0, 20, 30);
        Heartbeat third = commitAndFlush(Map.of(P0, 30L, p1, 20L));
        assertThat(third.partitions().get("orders"))
                .as("partition 1 released and idle: out as well")
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, T0 + 29));
    }

    @Test
    void heartbeats_carry_the_offset_each_partition_was_first_read_from() throws Exception {
        start();
        TopicPartition p1 = new TopicPartition("orders", 1);
        poll(P0, 500, 510); // started at `latest`, or resumed from a commit
        poll(p1, 0, 10); // from the beginning
        Heartbeat first = commitAndFlush(Map.of(P0, 510L, p1, 10L));
        assertThat(first.startOffsets().get("orders")).containsExactlyInAnyOrderEntriesOf(Map.of(0, 500L, 1, 0L));
        poll(P0, 510, 520);
        poll(P0, 400, 410); // reset back: the tier has read from 400 on
        Heartbeat second = commitAndFlush(Map.of(P0, 410L));
        assertThat(second.startOffsets().get("orders")).containsEntry(0, 400L);
    }

    @Test
    void with_event_time_from_the_value_the_producer_s_stamp_is_read_first_so_objects_of_any_type_are_bucketed()
            throws Exception {
        start(AgentConfig.EVENT_TIME, "json:ts");
        record Order(long ts) {} // what a POJO or Avro deserializer hands the application
        long stamped = T0 - 120_000;
        List<ConsumerRecord<Object, Object>> batch = new ArrayList<>();
        for (long o = 0; o < 3; o++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(
                    EventTimes.HEADER,
                    java.nio.ByteBuffer.allocate(8).putLong(stamped).array());
            batch.add(new ConsumerRecord<>(
                    "orders",
                    0,
                    o,
                    T0 + o,
                    TimestampType.CREATE_TIME,
                    1,
                    9,
                    "k",
                    new Order(stamped),
                    headers,
                    Optional.empty()));
        }
        batch.add(new ConsumerRecord<>(
                "orders",
                0,
                3,
                T0 + 3,
                TimestampType.CREATE_TIME,
                1,
                9,
                "k",
                new Order(stamped),
                new RecordHeaders(),
                Optional.empty())); // no stamp: cannot be read
        batch.add(new ConsumerRecord<>(
                "orders",
                0,
                4,
                T0 + 4,
                TimestampType.CREATE_TIME,
                1,
                9,
                "k",
                "{\"ts\":" + stamped + "}",
                new RecordHeaders(),
                Optional.empty()));
        interceptor.onConsume(new ConsumerRecords<>(Map.of(P0, batch), Map.of()));
        commitAndFlush(Map.of(P0, 5L));
        long bucket = stamped - Math.floorMod(stamped, 60_000);
        assertThat(sink.records())
                .filteredOn(r -> r.bucket().start() == bucket)
                .extracting(AuditRecord::count)
                .containsExactly(4L);
        assertThat(sink.records().stream().mapToLong(AuditRecord::noTimestamp).sum())
                .as("the unreadable one, visibly")
                .isEqualTo(1);
    }

    @Test
    void records_without_an_id_header_get_the_id_of_their_log_position() {
        start();
        ConsumerRecord<Object, Object> bare = new ConsumerRecord<>(
                "orders", 0, 7, T0, TimestampType.CREATE_TIME, 1, 1, "k", "v", new RecordHeaders(), Optional.empty());
        interceptor.onConsume(new ConsumerRecords<>(Map.of(P0, List.of(bare)), Map.of()));
        commit(8);
        countedAfterClose();
        assertThat(sink.records().get(0).digest().peel().duplicated())
                .containsOnlyKeys(AuditIds.ofPosition("orders", 0, 7));
    }

    @Test
    void a_consumer_without_a_group_is_a_reader_named_by_its_client_id_when_it_has_one() {
        interceptor = new AuditConsumerInterceptor();
        interceptor.configure(AgentSettings.of(clock, sink, "client.id", "price-cache-loader"));
        poll(0, 1);
        countedAfterClose();
        assertThat(sink.records().get(0).tier()).isEqualTo("reader.price-cache-loader");

        interceptor = new AuditConsumerInterceptor();
        interceptor.configure(AgentSettings.of(clock, sink, "client.id", "consumer-null-1")); // made up by Kafka
        poll(0, 1);
        interceptor.close();
        interceptor = null;
        assertThat(sink.records()).last().extracting(AuditRecord::tier).isEqualTo("reader");
        assertThat(new String(AuditIds.toHex(255), StandardCharsets.US_ASCII)).isEqualTo("00000000000000ff");
    }
}
