package io.tally.aggregator.internal.kafka;

import io.tally.core.AuditedTopics;
import io.tally.core.kafka.TransactionalWriters;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.enumerator.subscriber.KafkaSubscriber;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions the log tier reads a second time, as {@code read_committed}: of the audited topics, those listed in
 * {@code tally.log.committed.topics} and those the brokers say are written in transactions
 * ({@link TransactionalWriters}), found by themselves. Asked at every partition discovery, on the job manager; a
 * topic once found stays (its partitions keep being read even when its transactional writers have gone quiet).
 * Topics not yet found are asked about at most every {@link #PROBE_INTERVAL}: a partition found later is read from
 * its earliest offset, so a late answer delays {@code log.committed}, it loses nothing.
 */
public final class CommittedTopicsSubscriber implements KafkaSubscriber {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CommittedTopicsSubscriber.class);
    /** How often the audited topics not known to be transactional are asked about. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(15);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String auditedRegex;
    private final String listedRegex;
    private final Set<String> found = new HashSet<>();
    private long lastProbeNanos;
    private boolean probed;
    private Set<TopicPartition> last = Set.of();

    /**
     * @param auditedRegex the topics the log tier reads ({@code tally.log.topics})
     * @param listedRegex  the topics always read as committed ({@code tally.log.committed.topics}); empty for none
     */
    public CommittedTopicsSubscriber(String auditedRegex, String listedRegex) {
        this.auditedRegex = auditedRegex;
        this.listedRegex = listedRegex;
    }

    @Override
    public Set<TopicPartition> getSubscribedTopicPartitions(AdminClient admin) {
        try {
            Pattern audited = AuditedTopics.pattern(auditedRegex);
            Pattern listed = listedRegex.isEmpty() ? null : AuditedTopics.pattern(listedRegex);
            Set<String> candidates = new HashSet<>();
            for (String topic : admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!audited.matcher(topic).matches()) {
                    continue;
                }
                if (listed != null && listed.matcher(topic).matches()) {
                    found.add(topic);
                } else if (!found.contains(topic)) {
                    candidates.add(topic);
                }
            }
            long now = System.nanoTime();
            if (!candidates.isEmpty() && (!probed || now - lastProbeNanos >= PROBE_INTERVAL.toNanos())) {
                probed = true;
                lastProbeNanos = now;
                Set<String> transactional = TransactionalWriters.topicsWithTransactions(admin, candidates, TIMEOUT);
                if (!transactional.isEmpty()) {
                    LOG.info("Written in transactions, now also counted as log.committed: {}", transactional);
                    found.addAll(transactional);
                }
            }
            last = partitions(admin, found);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a failed discovery fails the job: what was found stands until the next one
            LOG.warn(
                    "Finding the topics written in transactions failed; trying again at the next discovery: {}",
                    e.toString());
        }
        return last;
    }

    private static Set<TopicPartition> partitions(AdminClient admin, Set<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> out = new HashSet<>();
        if (topics.isEmpty()) {
            return out;
        }
        Map<String, TopicDescription> described = new HashMap<>();
        for (var e : admin.describeTopics(List.copyOf(topics)).topicNameValues().entrySet()) {
            try {
                described.put(e.getKey(), e.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException deleted) {
                // gone since it was found: nothing to read
            }
        }
        described.forEach((topic, d) -> d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition()))));
        return out;
    }
}
