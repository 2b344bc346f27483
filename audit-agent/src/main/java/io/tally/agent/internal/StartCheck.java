package io.tally.agent.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the group had committed each partition a consumer starts reading (DESIGN.md, "Late starters"): a consumer
 * whose first records of a partition lie past its group's committed offset there skipped what lies between (an
 * offset reset to latest, retention that passed the commit while the group was down, a seek forward). Those records
 * are lost to the group, not a late start: the consumer's start on that partition is the group's commit, so that the
 * buckets they fall in are judged. A group without a commit there starts where it starts.
 *
 * <p>Asked once per partition, from the poll that first returns its records, before the application can commit
 * there (its commit would hide the one it started from): the poll waits for the answer up to {@code waitMs}, once per
 * partition the consumer is assigned. An answer that comes later is applied when it comes, unless the consumer has
 * committed there since. The group is read through one admin client, made at the first question and closed with
 * the consumer; a question that fails is said in the log, and the skip it would have found goes unseen (a miss,
 * never a false alarm).
 */
final class StartCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartCheck.class);

    private final Supplier<GroupCommits.Source> sources;
    private final Consumer<Map<TopicPartition, Long>> late;
    private final long waitMs;
    private final RateLimitedLog failures = new RateLimitedLog(LOG);
    private ExecutorService thread;
    private GroupCommits.Source source;
    private boolean closed;

    /**
     * @param sources makes the reader of the group's committed offsets (an admin client)
     * @param late    told an answer that came after the poll stopped waiting for it
     * @param waitMs  how long a poll waits for the answer
     */
    StartCheck(Supplier<GroupCommits.Source> sources, Consumer<Map<TopicPartition, Long>> late, long waitMs) {
        this.sources = sources;
        this.late = late;
        this.waitMs = waitMs;
    }

    /**
     * @return where the group had committed those of {@code partitions} it has a commit for, if known within the
     *     wait; none otherwise (a later answer goes to {@code late})
     */
    Map<TopicPartition, Long> committedAtStart(Set<TopicPartition> partitions) {
        CompletableFuture<Map<TopicPartition, Long>> answer;
        synchronized (this) {
            if (closed || partitions.isEmpty()) {
                return Map.of();
            }
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "tally-agent-start-check");
                    t.setDaemon(true);
                    return t;
                });
            }
            answer = CompletableFuture.supplyAsync(() -> ask(Set.copyOf(partitions)), thread);
        }
        try {
            return answer.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.thenAccept(committed -> {
                if (!committed.isEmpty()) {
                    late.accept(committed);
                }
            });
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (ExecutionException e) {
            return Map.of(); // said by ask
        }
    }

    private Map<TopicPartition, Long> ask(Set<TopicPartition> partitions) {
        try {
            return source().committed(partitions);
        } catch (Exception e) {
            failures.warn(
                    "Tally agent: reading where the group had committed the partitions it starts failed; a skip there "
                            + "(an offset reset past records) is not seen",
                    e);
            return Map.of();
        }
    }

    private synchronized GroupCommits.Source source() {
        if (source == null) {
            source = sources.get();
        }
        return source;
    }

    /** Stops asking; the admin client closes. */
    @Override
    public void close() {
        ExecutorService t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (source != null) {
                source.close();
                source = null;
            }
        }
    }
}
