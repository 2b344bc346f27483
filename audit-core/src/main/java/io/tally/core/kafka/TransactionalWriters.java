package io.tally.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Which topics are written in Kafka transactions, as the brokers say: a partition whose producer state holds a
 * transactional producer — one with a transaction open ({@link ProducerState#currentTransactionStartOffset()}) or
 * one that has had a commit or abort marker written ({@link ProducerState#coordinatorEpoch()}; an idempotent
 * producer never gets one). Nothing needs to be configured and no client needs the agent: a Kafka Streams
 * application's internal topics are found like any other.
 *
 * <p>The brokers keep a producer's state until {@code producer.id.expiration.ms} (1 day by default) after its last
 * write, so a topic whose transactional writers stopped longer ago than that is no longer found; callers keep what
 * they found. Needs the {@code DescribeProducers} permission (READ on the topic).
 */
public final class TransactionalWriters {
    private TransactionalWriters() {}

    /**
     * Asks the partition leaders of {@code topics} (one request per broker) for their producers.
     *
     * @return the topics of {@code topics} with a transactional producer on some partition; a topic that does not
     *     exist, or a partition whose leader does not answer, counts as without one
     * @throws TimeoutException if the topics cannot be described within {@code timeout}
     */
    public static Set<String> topicsWithTransactions(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Set.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> e :
                admin.describeTopics(new TreeSet<>(topics)).topicNameValues().entrySet()) {
            TopicDescription description;
            try {
                description = e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException gone) {
                continue; // deleted since it was listed, or not visible to us
            }
            description.partitions().forEach(p -> partitions.add(new TopicPartition(e.getKey(), p.partition())));
        }
        if (partitions.isEmpty()) {
            return Set.of();
        }
        DescribeProducersResult producers = admin.describeProducers(partitions);
        Set<String> found = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (found.contains(tp.topic())) {
                continue;
            }
            try {
                if (producers
                        .partitionResult(tp)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .activeProducers()
                        .stream()
                        .anyMatch(TransactionalWriters::transactional)) {
                    found.add(tp.topic());
                }
            } catch (ExecutionException leaderless) {
                // asked again at the next look
            }
        }
        return found;
    }

    /** @return whether {@code producer} writes in transactions (has one open, or has had one end) */
    static boolean transactional(ProducerState producer) {
        return producer.coordinatorEpoch().isPresent()
                || producer.currentTransactionStartOffset().isPresent();
    }
}
