package io.tally.core;

/** A failure that may go away if the same operation is tried again later (a broker or node not reachable yet). */
public class RetriableTallyException extends TallyException {
    private static final long serialVersionUID = 1L;

    public RetriableTallyException(String message) {
        super(message);
    }

    public RetriableTallyException(String message, Throwable cause) {
        super(message, cause);
    }
}
