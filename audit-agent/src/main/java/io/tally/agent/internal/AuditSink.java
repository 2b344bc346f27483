package io.tally.agent.internal;

import java.time.Duration;
import java.util.function.Consumer;

/** Where the emitter puts encoded audit messages: the audit topic, or a fake in tests. */
public interface AuditSink {

    /**
     * Sends one message asynchronously. {@code onComplete} is called exactly once, with null on success or the
     * failure. May block briefly (the producer's {@code max.block.ms}); never called on a client's thread.
     */
    void send(String key, byte[] value, Consumer<Exception> onComplete);

    /** Sends what is buffered and releases resources, waiting at most {@code timeout}. */
    void close(Duration timeout);
}
