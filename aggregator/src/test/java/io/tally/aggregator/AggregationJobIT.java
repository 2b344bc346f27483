package io.tally.aggregator;

import static io.tally.aggregator.AuditTraffic.agent;
import static io.tally.aggregator.AuditTraffic.heartbeat;
import static io.tally.aggregator.AuditTraffic.send;
import static io.tally.aggregator.AuditTraffic.sendRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import io.tally.core.settings.SharedSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class AggregationJobIT {
    private static final long BUCKET = 10_000;

    @Test
    void aggregates_are_exact_despite_duplicates_reordering_and_late_records_and_bad_input_goes_to_the_dlq()
            throws Exception {
        String bootstrap = TestCluster.bootstrapServers();
        AggregatorConfig config = TestCluster.config("agg-it", BUCKET, Duration.ofMillis(200));
        Jobs.ensureTopics(config);
        String audit = config.getString(SharedSettings.AUDIT_TOPIC);
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, audit);
            assertThat(admin.describeConfigs(List.of(resource))
                            .all()
                            .get()
                            .get(resource)
                            .get("message.timestamp.type")
                            .value())
                    .as("the brokers stamp audit records with their arrival, by which agents' liveness is judged")
                    .isEqualTo("LogAppendTime");
        }

        long now = System.currentTimeMillis();
        long b0 = now - Math.floorMod(now, BUCKET) - 3 * BUCKET;
        long late = b0 - Duration.ofDays(1).toMillis(); // a day late: within the 2-day retention
        AuditTraffic traffic = new AuditTraffic(BUCKET);
        AgentIdentity producerA = agent("producer-a");
        AgentIdentity producerB = agent("producer-b");
        AgentIdentity consumer = agent("consumer-g1");
        List<Object> messages = new ArrayList<>();
        long seqA = 0;
        long seqB = 0;
        for (int bucket = 0; bucket < 3; bucket++) {
            for (String topic : List.of("orders", "payments")) {
                messages.add(
                        traffic.record(producerA, seqA++, "producer", topic, b0 + bucket * BUCKET, 10 + bucket, now));
                messages.add(traffic.record(producerB, seqB++, "producer", topic, b0 + bucket * BUCKET, 7, now));
            }
        }
        AuditRecord lateRecord = traffic.record(producerA, seqA++, "producer", "orders", late, 3, now);
        // the consumer's records arrive in reverse order of their seqs
        List<AuditRecord> consumerRecords = new ArrayList<>();
        for (int bucket = 0; bucket < 3; bucket++) {
            consumerRecords.add(
                    traffic.record(consumer, bucket, "consumer.g1", "orders", b0 + bucket * BUCKET, 9, now));
        }
        Heartbeat hbA = heartbeat(producerA, seqA++, "producer", Map.of("orders", b0 + 25_000), false, now);
        Heartbeat hbB = heartbeat(producerB, seqB++, "producer", Map.of("orders", b0 + 21_000), false, now);
        Heartbeat hbC = heartbeat(consumer, 3, "consumer.g1", Map.of("orders", b0 + 15_000), true, now);

        try (KafkaProducer<byte[], byte[]> producer = AuditTraffic.producer(bootstrap)) {
            for (Object m : messages) {
                send(producer, audit, (AuditRecord) m);
            }
            send(producer, audit, lateRecord);
            for (int i = consumerRecords.size() - 1; i >= 0; i--) {
                send(producer, audit, consumerRecords.get(i));
            }
            // resends of the same (agent, seq): must be dropped
            send(producer, audit, (AuditRecord) messages.get(0));
            send(producer, audit, (AuditRecord) messages.get(3));
            send(producer, audit, consumerRecords.get(1));
            send(producer, audit, hbA);
            send(producer, audit, hbB);
            send(producer, audit, hbC);
            send(producer, audit, hbA);
            // malformed input
            sendRaw(producer, audit, "junk", "not json at all".getBytes(StandardCharsets.UTF_8));
            sendRaw(producer, audit, "future", "{\"v\":99,\"type\":\"counts\"}".getBytes(StandardCharsets.UTF_8));
            AuditRecord otherSize = AuditRecord.builder(
                            producerA,
                            "producer",
                            "orders",
                            new io.tally.core.Bucket(b0, 5_000),
                            io.tally.core.CountingMode.ACK)
                    .seq(1000)
                    .emittedAt(now)
                    .count(1)
                    .bytes(1)
                    .build();
            send(producer, audit, otherSize);
            sendRaw(producer, audit, "truncated", java.util.Arrays.copyOf(AuditCodec.encode(lateRecord), 40));
            AuditTraffic.flush(producer);
        }

        StreamExecutionEnvironment env = TestCluster.environment(Jobs.flinkSettings(config), 2);
        Jobs.configure(env, config);
        AggregationJob.addTo(env, config);
        JobClient job = env.executeAsync("aggregation-it");
        try {
            Map<String, TierAggregate> expected = traffic.expected();
            List<ConsumerRecord<byte[], byte[]>> out = AuditTraffic.readUntil(
                    bootstrap,
                    config.getString(SharedSettings.AGGREGATES_TOPIC),
                    Duration.ofSeconds(60),
                    read -> AuditTraffic.matches(AuditTraffic.latestAggregates(read), expected)
                            && AuditTraffic.latestProgress(read).size() == 2);
            Map<String, TierAggregate> actual = AuditTraffic.latestAggregates(out);
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String key : expected.keySet()) {
                assertThat(AuditTraffic.sums(actual.get(key))).isEqualTo(AuditTraffic.sums(expected.get(key)));
                assertThat(actual.get(key).digest()).isEqualTo(expected.get(key).digest());
            }
            // one partition per audited topic, whatever the tier: one reconciler instance sees a whole topic
            Map<String, java.util.Set<Integer>> partitionsByTopic = new java.util.HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                io.tally.core.WireMessage m = io.tally.core.codec.AuditCodec.decode(r.value());
                String topic = m instanceof TierAggregate a ? a.topic() : ((TierProgress) m).topic();
                partitionsByTopic
                        .computeIfAbsent(topic, t -> new java.util.HashSet<>())
                        .add(r.partition());
            }
            assertThat(partitionsByTopic)
                    .isNotEmpty()
                    .allSatisfy((topic, partitions) ->
                            assertThat(partitions).as(topic).hasSize(1));
            Map<String, TierProgress> progress = AuditTraffic.latestProgress(out);
            TierProgress producerOrders = progress.get("progress|producer|orders");
            assertThat(producerOrders.watermark()).isEqualTo(b0 + 21_000); // the slower live agent
            assertThat(producerOrders.liveAgents()).isEqualTo(2);
            TierProgress consumerOrders = progress.get("progress|consumer.g1|orders");
            assertThat(consumerOrders.liveAgents()).isZero(); // closed
            assertThat(consumerOrders.watermark()).isEqualTo(b0 + 15_000);

            List<ConsumerRecord<byte[], byte[]>> dlq = AuditTraffic.readUntil(
                    bootstrap,
                    config.getString(SharedSettings.DLQ_TOPIC),
                    Duration.ofSeconds(30),
                    read -> read.size() >= 4);
            List<String> reasons = dlq.stream()
                    .map(r -> new String(
                            r.headers().lastHeader(Envelope.REASON_HEADER).value(), StandardCharsets.UTF_8))
                    .toList();
            assertThat(reasons).hasSize(4);
            assertThat(reasons).anyMatch(r -> r.contains("not valid JSON"));
            assertThat(reasons).anyMatch(r -> r.contains("unsupported wire version 99"));
            assertThat(reasons).anyMatch(r -> r.contains("differs from this deployment's bucket size"));
            assertThat(dlq).allMatch(r -> r.headers().lastHeader(Envelope.ORIGIN_HEADER) != null);
            assertThat(dlq.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .contains("not json at all");
        } finally {
            job.cancel().get();
        }
    }
}
