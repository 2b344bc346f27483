package io.tally.benchmarks;

import io.tally.agent.internal.AuditSink;
import java.time.Duration;
import java.util.function.Consumer;

/** Accepts and forgets audit records: benchmarks measure counting, not sending. */
final class NullSink implements AuditSink {
    @Override
    public void send(String key, byte[] value, Consumer<Exception> onComplete) {
        onComplete.accept(null);
    }

    @Override
    public void close(Duration timeout) {}
}
