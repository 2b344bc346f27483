package io.tally.agent.internal;

import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.codec.AuditCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that turns what agents counted into audit messages and sends them: every flush interval,
 * when asked (a consumer commit), and one last time when an agent closes.
 *
 * <p>Messages wait in a bounded buffer; a failed send goes back to its front and is retried after a back-off, so a
 * resend of the same (agent, seq) is harmless. When the buffer is full the oldest message is dropped and the
 * messages it counted are reported as dropped by its agent. No client thread ever waits for this class except in
 * {@link #close(Agent, Duration)}, which waits at most the given time.
 */
public final class Emitter {
    /** Most time from the start to the first flush. */
    static final long FIRST_FLUSH_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(Emitter.class);
    private static final long RETRY_BACKOFF_MS = 1_000;
    /**
     * Flushes asked for (a consumer's commit) come at most this often: a consumer that commits after every poll
     * would otherwise turn each poll into audit records. The crash window stays at a quarter of a second.
     */
    static final long MIN_REQUESTED_FLUSH_GAP_MS = 250;

    private final AuditSink sink;
    private final long flushIntervalMs;
    private final int maxBuffered;
    private final Set<Agent> agents = new CopyOnWriteArraySet<>();
    private final RateLimitedLog sendWarnings = new RateLimitedLog(LOG);
    private final Object drainLock = new Object();
    private final Object lock = new Object();
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private final Thread thread;
    private boolean flushRequested;
    private boolean stopping;
    private long backoffUntilNanos;

    Emitter(AuditSink sink, long flushIntervalMs, int maxBuffered, String name) {
        this.sink = sink;
        this.flushIntervalMs = flushIntervalMs;
        this.maxBuffered = maxBuffered;
        this.thread = new Thread(this::run, "tally-agent-emitter-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void register(Agent agent) {
        agents.add(agent);
    }

    /** Asks for a flush as soon as possible; returns at once. */
    void requestFlush() {
        synchronized (lock) {
            // wake the thread once per flush, not once per commit: a wake-up is a context switch
            if (!flushRequested) {
                flushRequested = true;
                lock.notifyAll();
            }
        }
    }

    /**
     * Sends the agent's last counts and its {@code closed} heartbeat, waiting at most {@code timeout} for them to be
     * acknowledged, and forgets the agent.
     *
     * @return whether everything was acknowledged in time
     */
    boolean close(Agent agent, Duration timeout) {
        List<AuditMessage> last;
        synchronized (drainLock) {
            agents.remove(agent);
            last = agent.drain(true);
        }
        CountDownLatch done = new CountDownLatch(last.size());
        enqueue(agent, last, done);
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the thread and closes the sink, waiting at most {@code timeout} for buffered messages. */
    void shutdown(Duration timeout) {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close(timeout);
    }

    private void run() {
        // the first heartbeat goes out within a second: an agent killed before its first full interval is then
        // known to the reconciler, which allows for what it may have left uncounted
        long nextFlush = System.nanoTime() + Math.min(flushIntervalMs, FIRST_FLUSH_MS) * 1_000_000L;
        long lastFlush = System.nanoTime() - MIN_REQUESTED_FLUSH_GAP_MS * 1_000_000L;
        while (true) {
            boolean flush;
            synchronized (lock) {
                if (stopping) {
                    return;
                }
                long now = System.nanoTime();
                long requestedAt = lastFlush + MIN_REQUESTED_FLUSH_GAP_MS * 1_000_000L;
                flush = (flushRequested && now - requestedAt >= 0) || now - nextFlush >= 0;
                if (!flush && (buffer.isEmpty() || now - backoffUntilNanos < 0)) {
                    long waitNanos = (flushRequested ? Math.min(nextFlush, requestedAt) : nextFlush) - now;
                    if (!buffer.isEmpty()) {
                        waitNanos = Math.min(waitNanos, backoffUntilNanos - now);
                    }
                    waitQuietly(Math.max(1, waitNanos / 1_000_000L));
                    continue;
                }
                flushRequested = false;
            }
            try {
                if (flush) {
                    lastFlush = System.nanoTime();
                    nextFlush = lastFlush + flushIntervalMs * 1_000_000L;
                    drainAll();
                }
                sendBuffered();
            } catch (RuntimeException e) {
                sendWarnings.warn("Tally agent: flushing audit records failed; will retry", e);
            }
        }
    }

    private void drainAll() {
        synchronized (drainLock) {
            for (Agent agent : agents) {
                enqueue(agent, agent.drain(false), null);
            }
        }
    }

    private void enqueue(Agent agent, List<AuditMessage> messages, CountDownLatch done) {
        synchronized (lock) {
            for (AuditMessage message : messages) {
                if (buffer.size() >= maxBuffered) {
                    drop(buffer.pollFirst());
                }
                buffer.addLast(new Pending(agent, message, done));
                agent.metrics().buffered(1);
            }
            lock.notifyAll();
        }
    }

    private void sendBuffered() {
        while (true) {
            Pending next;
            synchronized (lock) {
                if (stopping || System.nanoTime() - backoffUntilNanos < 0) {
                    return;
                }
                next = buffer.pollFirst();
                if (next == null) {
                    return;
                }
            }
            send(next);
        }
    }

    private void send(Pending pending) {
        try {
            byte[] bytes = pending.bytes();
            sink.send(pending.key(), bytes, error -> completed(pending, error));
        } catch (RuntimeException e) {
            completed(pending, e);
        }
    }

    private void completed(Pending pending, Exception error) {
        if (error == null) {
            pending.agent.metrics().buffered(-1);
            pending.done();
            return;
        }
        pending.agent.metrics().sendError();
        sendWarnings.warn("Tally agent: audit record not delivered, will retry: " + error, null);
        synchronized (lock) {
            backoffUntilNanos = System.nanoTime() + RETRY_BACKOFF_MS * 1_000_000L;
            if (buffer.size() >= maxBuffered) {
                drop(pending);
            } else {
                buffer.addFirst(pending);
            }
        }
    }

    /** Called with the lock held. */
    private void drop(Pending pending) {
        if (pending == null) {
            return;
        }
        pending.agent.metrics().buffered(-1);
        if (pending.message instanceof AuditRecord r) {
            pending.agent
                    .drops()
                    .add(r.topic(), r.bucket().start(), r.count() + r.noTimestamp() + r.skewed() + r.failed());
        }
        pending.done();
    }

    private void waitQuietly(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** A message waiting to be sent, encoded once. */
    private static final class Pending {
        final Agent agent;
        final AuditMessage message;
        final CountDownLatch done;
        private byte[] bytes;

        Pending(Agent agent, AuditMessage message, CountDownLatch done) {
            this.agent = agent;
            this.message = message;
            this.done = done;
        }

        String key() {
            return AuditCodec.kafkaKey(message);
        }

        byte[] bytes() {
            if (bytes == null) {
                bytes = AuditCodec.encode(message);
            }
            return bytes;
        }

        void done() {
            if (done != null) {
                done.countDown();
            }
        }
    }
}
