package io.tally.agent;

import io.tally.agent.internal.AgentRuntime;
import io.tally.agent.internal.Callbacks;
import io.tally.agent.internal.ConsumerCounting;
import io.tally.core.Tiers;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Audits a consumer: set {@code interceptor.classes=io.tally.agent.AuditConsumerInterceptor}.
 *
 * <p>{@link #onConsume} counts each record (bucket of its stored timestamp, id from {@code tally.id}, bytes,
 * latency = now − event time) into pending per-partition segments; {@link #onCommit} counts exactly the records
 * below the committed offsets, however late it comes, and flushes at once. So a crash before a commit, whose records
 * are delivered again, is not a false duplicate. A consumer without a group, or one that never commits through the
 * client ({@code tally.consumer.commit.wait.ms}), counts on consume; so does a partition past the bound on waiting
 * records ({@code tally.consumer.max.pending.records}). Tier: {@code consumer.<group.id>} unless {@code tally.tier}
 * says otherwise; a consumer without a group is a reader, {@code reader.<client.id>} ({@link Tiers#ofConsumer}).
 *
 * <p>Called by the consumer's polling thread. Exceptions never reach the consumer: they are counted and logged
 * (rate-limited).
 */
public class AuditConsumerInterceptor implements ConsumerInterceptor<Object, Object> {
    private AgentRuntime runtime;
    private ConsumerCounting counting;
    private Callbacks callbacks;

    /**
     * @throws org.apache.kafka.common.config.ConfigException if a {@code tally.*} setting is wrong (the consumer then
     *                                                        fails to start, naming it)
     */
    @Override
    public void configure(Map<String, ?> configs) {
        Object group = configs.get("group.id");
        Object clientId = configs.get("client.id");
        runtime = AgentRuntime.start(
                configs,
                Tiers.ofConsumer(
                        group == null ? null : group.toString(), clientId == null ? null : clientId.toString()));
        counting = new ConsumerCounting(runtime, configs);
        callbacks = new Callbacks(runtime, AuditConsumerInterceptor.class);
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        try {
            if (counting != null) {
                counting.onConsume(records);
            }
        } catch (RuntimeException e) {
            callbacks.failed("onConsume", e);
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            if (counting != null) {
                counting.onCommit(offsets);
            }
        } catch (RuntimeException e) {
            callbacks.failed("onCommit", e);
        }
    }

    /** Sends the last counts and a {@code closed} heartbeat, waiting at most {@code tally.close.timeout.ms}. */
    @Override
    public void close() {
        try {
            if (counting != null) {
                counting.close();
            }
        } catch (RuntimeException e) {
            callbacks.failed("close", e);
        }
    }
}
