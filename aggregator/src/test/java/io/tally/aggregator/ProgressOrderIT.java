package io.tally.aggregator;

import static io.tally.aggregator.AuditTraffic.agent;
import static io.tally.aggregator.AuditTraffic.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AgentIdentity;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.codec.AuditCodec;
import io.tally.core.settings.SharedSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md, "progress never gets ahead of the counts it covers": four agents of one tier send, bucket after
 * bucket, their counts and then a heartbeat whose watermark passes the bucket, while the job runs. Counts and
 * heartbeats travel on different partitions of the audit topic, so the job may read a heartbeat before the counts
 * sent ahead of it. In the aggregates topic, read in order as a reconciler reads it, every progress record must come
 * after the complete aggregate of every bucket its watermark passes.
 */
class ProgressOrderIT {
    private static final long BUCKET = 1_000;
    private static final int AGENTS = 4;
    private static final int BUCKETS = 30;
    private static final int RECORDS_PER_BUCKET = 3;
    private static final int COUNT = 5;
    private static final String TIER = "consumer.g";

    @Test
    void no_progress_record_comes_before_the_counts_it_covers() throws Exception {
        String bootstrap = TestCluster.bootstrapServers();
        AggregatorConfig config = TestCluster.config("order-it", BUCKET, Duration.ofMillis(200));
        Jobs.ensureTopics(config);
        String audit = config.getString(SharedSettings.AUDIT_TOPIC);

        StreamExecutionEnvironment env = TestCluster.environment(Jobs.flinkSettings(config), 2);
        Jobs.configure(env, config);
        AggregationJob.addTo(env, config);
        JobClient job = env.executeAsync("progress-order-it");
        long now = System.currentTimeMillis();
        long b0 = now - Math.floorMod(now, BUCKET) - BUCKETS * BUCKET;
        AuditTraffic traffic = new AuditTraffic(BUCKET);
        try (KafkaProducer<byte[], byte[]> producer = AuditTraffic.producer(bootstrap)) {
            List<AgentIdentity> agents = new ArrayList<>();
            long[] seqs = new long[AGENTS];
            for (int a = 0; a < AGENTS; a++) {
                agents.add(agent("reader-" + a));
            }
            for (int b = 0; b < BUCKETS; b++) {
                long bucketStart = b0 + b * BUCKET;
                for (int a = 0; a < AGENTS; a++) {
                    AgentIdentity id = agents.get(a);
                    for (int r = 0; r < RECORDS_PER_BUCKET; r++) {
                        send(
                                producer,
                                audit,
                                traffic.record(
                                        id, seqs[a]++, TIER, "orders", bucketStart, COUNT, System.currentTimeMillis()));
                    }
                    send(
                            producer,
                            audit,
                            Heartbeat.builder(id, TIER)
                                    .seq(seqs[a]++)
                                    .emittedAt(System.currentTimeMillis())
                                    .watermarks(Map.of("orders", bucketStart + BUCKET))
                                    .build());
                }
                AuditTraffic.flush(producer);
                Thread.sleep(150);
            }
        }
        try {
            long lastEnd = b0 + BUCKETS * BUCKET;
            List<ConsumerRecord<byte[], byte[]>> out = AuditTraffic.readUntil(
                    bootstrap, config.getString(SharedSettings.AGGREGATES_TOPIC), Duration.ofSeconds(60), read -> {
                        TierProgress p = AuditTraffic.latestProgress(read).get("progress|" + TIER + "|orders");
                        return p != null && p.watermark() >= lastEnd;
                    });
            out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            Map<Long, Long> counted = new HashMap<>();
            List<String> ahead = new ArrayList<>();
            int progressRecords = 0;
            for (ConsumerRecord<byte[], byte[]> r : out) {
                if (r.value() == null) {
                    continue;
                }
                WireMessage m = AuditCodec.decode(r.value());
                if (m instanceof TierAggregate a) {
                    counted.put(a.bucket().start(), a.count());
                } else if (m instanceof TierProgress p && p.tier().equals(TIER)) {
                    progressRecords++;
                    for (int b = 0; b < BUCKETS; b++) {
                        long start = b0 + b * BUCKET;
                        long expected = (long) AGENTS * RECORDS_PER_BUCKET * COUNT;
                        long seen = counted.getOrDefault(start, 0L);
                        if (start + BUCKET <= p.watermark() && seen != expected) {
                            ahead.add("progress at " + p.watermark() + " (offset " + r.offset() + ") passes bucket "
                                    + start + ", whose aggregate so far is " + seen + " of " + expected);
                        }
                    }
                }
            }
            assertThat(progressRecords).as("progress records read").isGreaterThan(5);
            assertThat(ahead).as("progress ahead of the counts it covers").isEmpty();
            assertThat(AuditTraffic.matches(AuditTraffic.latestAggregates(out), traffic.expected()))
                    .isTrue();
        } finally {
            job.cancel().get();
        }
    }
}
