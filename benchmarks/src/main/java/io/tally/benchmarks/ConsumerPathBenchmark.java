package io.tally.benchmarks;

import io.tally.agent.AuditConsumerInterceptor;
import io.tally.agent.internal.InternalSettings;
import io.tally.core.AuditIds;
import io.tally.core.settings.SharedSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of auditing one consumed record: {@code onConsume} of a poll of 500 records (bucket, id, bytes, latency into
 * a pending segment) and the {@code onCommit} that releases it, per record. Each thread is one consumer.
 * {@code consumeAndCommit} builds each poll's records as a fetch would, and {@code baseline} measures that building
 * alone; {@code consumeAndCommitPrebuilt} hands the same records to every poll (a re-read of committed offsets, which
 * the agent counts again), so it measures the agent alone, without the allocation of the records around it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ConsumerPathBenchmark {
    private static final int POLL = 500;

    @Param({"128", "0"})
    public int digestCells;

    private AuditConsumerInterceptor interceptor;
    private final TopicPartition partition = new TopicPartition("orders", 0);
    private long nextOffset;
    private final List<RecordHeaders> headers = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
        interceptor = new AuditConsumerInterceptor();
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:1");
        settings.put("group.id", "bench");
        settings.put(InternalSettings.SINK, new NullSink());
        settings.put(SharedSettings.DIGEST_CELLS, String.valueOf(digestCells));
        settings.put(SharedSettings.FLUSH_INTERVAL_MS, "1000");
        interceptor.configure(settings);
        for (int i = 0; i < POLL; i++) {
            RecordHeaders h = new RecordHeaders();
            h.add(AuditIds.HEADER, AuditIds.toHex(ThreadLocalRandom.current().nextLong()));
            headers.add(h);
        }
        prebuilt = poll();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        interceptor.close();
    }

    private ConsumerRecords<Object, Object> poll() {
        long now = System.currentTimeMillis();
        List<ConsumerRecord<Object, Object>> batch = new ArrayList<>(POLL);
        for (int i = 0; i < POLL; i++) {
            batch.add(new ConsumerRecord<>(
                    "orders",
                    0,
                    nextOffset++,
                    now - 5,
                    TimestampType.CREATE_TIME,
                    3,
                    1024,
                    "key",
                    "value",
                    headers.get(i),
                    Optional.empty()));
        }
        return new ConsumerRecords<>(Map.of(partition, batch), Map.of());
    }

    @Benchmark
    @OperationsPerInvocation(POLL)
    public ConsumerRecords<Object, Object> baseline() {
        return poll();
    }

    private ConsumerRecords<Object, Object> prebuilt;

    @Benchmark
    @OperationsPerInvocation(POLL)
    public ConsumerRecords<Object, Object> consumeAndCommitPrebuilt() {
        ConsumerRecords<Object, Object> records = interceptor.onConsume(prebuilt);
        interceptor.onCommit(Map.of(partition, new OffsetAndMetadata(POLL)));
        return records;
    }

    @Benchmark
    @OperationsPerInvocation(POLL)
    public ConsumerRecords<Object, Object> consumeAndCommit() {
        ConsumerRecords<Object, Object> records = interceptor.onConsume(poll());
        interceptor.onCommit(Map.of(partition, new OffsetAndMetadata(nextOffset)));
        return records;
    }
}
