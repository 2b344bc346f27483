package io.tally.agent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A producer's send attempts, counted in {@code onSend} on the application's threads. Usually one thread sends
 * through a producer: the first thread to count owns a field that only it writes, so its increment is a plain one
 * (no atomic instruction, which costs this path several nanoseconds per record); any other thread counts through a
 * {@link LongAdder}. Nothing is lost when the owner stops sending: what it counted stays in its field.
 */
public final class AttemptCounter {
    private static final VarHandle OWNER;
    private static final VarHandle OWNED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(AttemptCounter.class, "owner", Thread.class);
            OWNED = lookup.findVarHandle(AttemptCounter.class, "owned", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through OWNER
    private volatile Thread owner;

    @SuppressWarnings("unused") // through OWNED: written by the owner only, read by anyone
    private long owned;

    private final LongAdder others = new LongAdder();

    public void increment() {
        Thread current = Thread.currentThread();
        Object o = OWNER.getAcquire(this);
        if (o == current || (o == null && OWNER.compareAndSet(this, null, current))) {
            OWNED.setOpaque(this, (long) OWNED.getOpaque(this) + 1);
        } else {
            others.increment();
        }
    }

    /** @return the attempts counted so far (a reading taken while threads count may miss the latest few) */
    public long sum() {
        return (long) OWNED.getOpaque(this) + others.sum();
    }
}
