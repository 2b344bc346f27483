package io.tally.core;

/**
 * Bytes or JSON that cannot be decoded into a Tally value: malformed, truncated, of an unknown version, or with
 * a field out of range. The message names what was wrong; it is safe to show to an operator and to put on a
 * dead-letter topic.
 */
public class CodecException extends TallyException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
