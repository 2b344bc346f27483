package io.tally.aggregator.internal.kafka;

import io.tally.aggregator.AggregatorConfig;
import io.tally.core.RetriableTallyException;
import io.tally.core.settings.SharedSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Tally's topics when missing: the audit and dead-letter topics, and the compacted aggregates topic. */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * @return the id of the Kafka cluster at the configured bootstrap servers
     * @throws RetriableTallyException if it cannot be reached
     */
    public static String clusterId(AggregatorConfig config) {
        try (Admin admin = admin(config)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new RetriableTallyException(
                    "cannot reach Kafka at " + KafkaClients.bootstrapServers(config) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableTallyException("interrupted while asking Kafka its cluster id", e);
        }
    }

    /** @throws RetriableTallyException if the cluster cannot be reached or refuses */
    public static void ensureTopics(AggregatorConfig config) {
        int partitions = config.getInt(AggregatorConfig.TOPIC_PARTITIONS);
        List<NewTopic> wanted = List.of(
                // the brokers stamp each audit record with its arrival: liveness is judged by it, not by agents' clocks
                new NewTopic(config.getString(SharedSettings.AUDIT_TOPIC), Optional.of(partitions), Optional.empty())
                        .configs(Map.of("message.timestamp.type", "LogAppendTime")),
                new NewTopic(config.getString(SharedSettings.DLQ_TOPIC), Optional.of(partitions), Optional.empty()),
                new NewTopic(
                                config.getString(SharedSettings.AGGREGATES_TOPIC),
                                Optional.of(partitions),
                                Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")));
        try (Admin admin = admin(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic t : wanted) {
                if (!existing.contains(t.name())) {
                    missing.add(t);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new RetriableTallyException(
                    "cannot create Tally's topics on " + KafkaClients.bootstrapServers(config) + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableTallyException("interrupted while creating Tally's topics", e);
        }
    }

    private static Admin admin(AggregatorConfig config) {
        return Admin.create(KafkaClients.admin(config));
    }
}
