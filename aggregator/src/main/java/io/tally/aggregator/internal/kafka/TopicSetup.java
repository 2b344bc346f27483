package io.tally.aggregator.internal.kafka;

import io.tally.aggregator.AggregatorConfig;
import io.tally.core.RetriableTallyException;
import io.tally.core.settings.DeploymentSettings;
import io.tally.core.settings.SharedSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Tally's topics when missing: the audit and dead-letter topics, and the compacted aggregates and settings
 * topics; and publishes the settings the agents must share with the aggregator ({@link DeploymentSettings}).
 */
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
                        .configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(config.getString(SharedSettings.SETTINGS_TOPIC), Optional.of(1), Optional.empty())
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

    /**
     * Publishes this aggregator's bucket size, digest cells and skew bounds for agents whose clients do not set
     * them. A failure is said and not fatal: agents then keep their own settings, and any that disagree are shown
     * as misconfigured.
     */
    public static void publishSettings(AggregatorConfig config) {
        String topic = config.getString(SharedSettings.SETTINGS_TOPIC);
        Map<String, Object> values = new java.util.HashMap<>();
        for (String key : DeploymentSettings.KEYS) {
            values.put(key, config.values().get(key));
        }
        Properties props = KafkaClients.common(config);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            DeploymentSettings.RECORD_KEY.getBytes(StandardCharsets.UTF_8),
                            DeploymentSettings.encode(values)))
                    .get(30, TimeUnit.SECONDS);
            LOG.info("published the agents' settings on {}: {}", topic, values);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn(
                    "cannot publish the agents' settings on {} ({}): agents not given {} keep their own",
                    topic,
                    e.toString(),
                    DeploymentSettings.KEYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Admin admin(AggregatorConfig config) {
        return Admin.create(KafkaClients.admin(config));
    }
}
