package io.tally.storage.internal.cql;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.tally.storage.StorageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs statements asynchronously with at most {@code maxInFlight} outstanding, then waits for all of them: a
 * pipeline that keeps the node busy without flooding the driver's queue. One instance per batch of work; not
 * thread-safe.
 */
public final class AsyncWrites {
    private final CqlSession session;
    private final Semaphore permits;
    private final int maxInFlight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public AsyncWrites(CqlSession session, int maxInFlight) {
        this.session = session;
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight);
    }

    /** Starts {@code statement}, waiting first if {@code maxInFlight} are outstanding. */
    public void submit(Statement<?> statement) {
        if (failure.get() != null) {
            return;
        }
        permits.acquireUninterruptibly();
        session.executeAsync(statement).whenComplete((rs, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            permits.release();
        });
    }

    /**
     * Waits for every submitted statement.
     *
     * @throws StorageException with the first failure, naming {@code what}
     */
    public void await(String what) {
        permits.acquireUninterruptibly(maxInFlight);
        permits.release(maxInFlight);
        Throwable error = failure.get();
        if (error != null) {
            throw new StorageException("Writing " + what + " to Cassandra failed: " + error.getMessage(), error);
        }
    }

    /** Waits for one asynchronous result, turning failures into a {@link StorageException} naming {@code what}. */
    public static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new StorageException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
