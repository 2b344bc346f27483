package io.tally.storage;

import io.tally.core.TallyException;

/**
 * An unchecked failure of the storage layer that the caller did not cause: the local Cassandra node could not
 * start or stop, a schema statement failed, the server jars are missing.
 *
 * <p>Caller bugs (a bad argument, a call in the wrong state) throw {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead. The message is written for the operator: it says what failed and, where
 * it can, what to do about it.
 */
public class StorageException extends TallyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, for the operator
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what failed, for the operator
     * @param cause the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
