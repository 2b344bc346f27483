package io.tally.broker;

/**
 * A bundled broker failed to start, stop or use its data directory. Unchecked; the message says which node
 * and, where a setting is the cause, names its key.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with a message and no cause.
     *
     * @param message what failed, naming the node or setting
     */
    public BrokerException(String message) {
        super(message);
    }

    /**
     * An error with a message and the exception that caused it.
     *
     * @param message what failed, naming the node or setting
     * @param cause   the underlying failure
     */
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
