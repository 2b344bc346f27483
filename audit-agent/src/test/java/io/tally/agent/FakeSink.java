package io.tally.agent;

import io.tally.agent.internal.AuditSink;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** An audit topic in memory: decodes what the emitter sends; can be told to fail. */
final class FakeSink implements AuditSink {
    private final List<AuditMessage> received = new ArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();
    volatile boolean closed;

    @Override
    public void send(String key, byte[] value, Consumer<Exception> onComplete) {
        if (failing.get()) {
            onComplete.accept(new org.apache.kafka.common.errors.TimeoutException("audit topic unreachable"));
            return;
        }
        AuditMessage message = AuditCodec.decodeAuditMessage(value);
        if (!key.equals(AuditCodec.kafkaKey(message))) {
            throw new AssertionError("key " + key + " does not match " + message);
        }
        synchronized (received) {
            received.add(message);
        }
        onComplete.accept(null);
    }

    @Override
    public void close(Duration timeout) {
        closed = true;
    }

    List<AuditMessage> messages() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    List<AuditRecord> records() {
        return messages().stream()
                .filter(m -> m instanceof AuditRecord)
                .map(m -> (AuditRecord) m)
                .toList();
    }

    List<Heartbeat> heartbeats() {
        return messages().stream()
                .filter(m -> m instanceof Heartbeat)
                .map(m -> (Heartbeat) m)
                .toList();
    }

    long countedIn(String topic, long bucketStart) {
        return records().stream()
                .filter(r -> r.topic().equals(topic) && r.bucket().start() == bucketStart)
                .mapToLong(AuditRecord::count)
                .sum();
    }

    long counted() {
        return records().stream().mapToLong(AuditRecord::count).sum();
    }
}
