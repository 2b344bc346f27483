package io.tally.core;

/**
 * The root of Tally's own unchecked exceptions. Caller bugs are reported with {@link IllegalArgumentException}
 * or {@link IllegalStateException} instead.
 */
public class TallyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TallyException(String message) {
        super(message);
    }

    public TallyException(String message, Throwable cause) {
        super(message, cause);
    }
}
