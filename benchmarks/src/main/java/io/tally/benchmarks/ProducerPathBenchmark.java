package io.tally.benchmarks;

import io.tally.agent.AuditProducerInterceptor;
import io.tally.agent.internal.IdHeaders;
import io.tally.agent.internal.InternalSettings;
import io.tally.core.settings.SharedSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of auditing one produced record: {@code onSend} (stamp the id header) plus {@code onAcknowledgement} (count
 * it into its bucket, latency sketch and id digest). {@code baseline} does the application's own part (create the
 * record and its metadata) without the interceptor; the agent's cost is the difference. Each thread is one producer
 * with its own interceptor, as in an application with several producers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ProducerPathBenchmark {
    @Param({"128", "0"})
    public int digestCells;

    private AuditProducerInterceptor interceptor;
    private final TopicPartition partition = new TopicPartition("orders", 3);
    private final byte[] value = new byte[1024];
    private long offset;

    @Setup(Level.Trial)
    public void setUp() {
        interceptor = new AuditProducerInterceptor();
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:1");
        settings.put(InternalSettings.SINK, new NullSink());
        settings.put(SharedSettings.DIGEST_CELLS, String.valueOf(digestCells));
        settings.put(SharedSettings.FLUSH_INTERVAL_MS, "1000");
        interceptor.configure(settings);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        interceptor.close();
    }

    @Benchmark
    public RecordMetadata baseline() {
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", null, null, "key", value);
        record.headers();
        return new RecordMetadata(partition, offset++, 0, System.currentTimeMillis(), 3, value.length);
    }

    /**
     * Headers as onSend stamped them (the producer hands the record's own headers to onAcknowledgement), with
     * random ids, so the digest sees realistic, scattered cells.
     */
    private final RecordHeaders[] stamped = stampedHeaders();

    private static RecordHeaders[] stampedHeaders() {
        RecordHeaders[] pool = new RecordHeaders[1024];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new RecordHeaders();
            IdHeaders.stamp(pool[i]);
        }
        return pool;
    }

    /** The broker's timestamp: a few milliseconds before the acknowledgement, as on a real cluster. */
    private static long storedTimestamp() {
        return System.currentTimeMillis() - 3;
    }

    /** What {@link #sendOnly} does without the interceptor. */
    @Benchmark
    public ProducerRecord<Object, Object> sendBaseline() {
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", null, null, "key", value);
        record.headers();
        return record;
    }

    /** What {@link #acknowledgeOnly} does without the interceptor. */
    @Benchmark
    public RecordMetadata acknowledgeBaseline() {
        return new RecordMetadata(partition, offset++, 0, storedTimestamp(), 3, value.length);
    }

    /** onSend alone: the application thread's share. */
    @Benchmark
    public ProducerRecord<Object, Object> sendOnly() {
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", null, null, "key", value);
        return interceptor.onSend(record);
    }

    /** onAcknowledgement alone: the I/O thread's share. */
    @Benchmark
    public RecordMetadata acknowledgeOnly() {
        RecordMetadata metadata = new RecordMetadata(partition, offset, 0, storedTimestamp(), 3, value.length);
        interceptor.onAcknowledgement(metadata, null, stamped[(int) (offset++ & 1023)]);
        return metadata;
    }

    @Benchmark
    public RecordMetadata sendAndAcknowledge() {
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", null, null, "key", value);
        interceptor.onSend(record);
        RecordMetadata metadata = new RecordMetadata(partition, offset++, 0, storedTimestamp(), 3, value.length);
        interceptor.onAcknowledgement(metadata, null, record.headers());
        return metadata;
    }
}
