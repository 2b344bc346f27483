package io.tally.agent.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>Asks once per partition, when the consumer first reads it, on a thread of its own started with the first
 * question; the group is read through an admin client made for each batch of questions and closed after it. An
 * answer that comes after the consumer's own first commit there may be that commit, which is not past what it read:
 * such a skip goes unseen (a miss, never a false alarm).
 */
final class StartCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartCheck.class);
    /** How long the thread gathers questions that come together (a rebalance assigns many partitions at once). */
    private static final long GATHER_MS = 50;

    private final Supplier<GroupCommits.Source> sources;
    private final Consumer<Map<TopicPartition, Long>> found;
    private final LinkedBlockingQueue<TopicPartition> questions = new LinkedBlockingQueue<>();
    private final RateLimitedLog failures = new RateLimitedLog(LOG);
    private Thread thread;
    private volatile boolean running = true;

    /**
     * @param sources makes a reader of the group's committed offsets (an admin client)
     * @param found   told the group's committed offsets of the partitions asked about that have one
     */
    StartCheck(Supplier<GroupCommits.Source> sources, Consumer<Map<TopicPartition, Long>> found) {
        this.sources = sources;
        this.found = found;
    }

    /** Asks where the group had committed {@code partitions}, which the consumer has just started reading. */
    synchronized void ask(Set<TopicPartition> partitions) {
        if (!running || partitions.isEmpty()) {
            return;
        }
        questions.addAll(partitions);
        if (thread == null) {
            thread = new Thread(this::answer, "tally-agent-start-check");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void answer() {
        while (running) {
            try {
                TopicPartition first = questions.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                Thread.sleep(GATHER_MS);
                Set<TopicPartition> batch = new HashSet<>();
                batch.add(first);
                questions.drainTo(batch);
                try (GroupCommits.Source source = sources.get()) {
                    Map<TopicPartition, Long> committed = source.committed(batch);
                    if (!committed.isEmpty() && running) {
                        found.accept(committed);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.warn(
                            "Tally agent: reading where the group had committed the partitions it starts failed; a "
                                    + "skip there (an offset reset past records) is not seen",
                            e);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops asking; a question under way is dropped. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
