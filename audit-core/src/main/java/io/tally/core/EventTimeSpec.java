package io.tally.core;

import java.io.Serializable;

/**
 * Where a message's event time comes from, parsed from its setting ({@code tally.event.time} of the agents,
 * {@code tally.aggregator.log.event.time} of the log tier): {@code record} (the Kafka timestamp as stored in the log),
 * {@code header:NAME} (a header, read by {@link EventTimes#fromHeader}) or {@code json:PATH} (a dotted path into a JSON
 * value, read by {@link EventTimes#fromJson}). Every tier parses the setting here, so that they all accept the same
 * specifications and read them alike.
 *
 * <p>Immutable, thread-safe and serializable (a Flink job carries it). Parse it once, at configuration: the readers
 * of the hot paths keep its parts, and reading them allocates nothing.
 */
public final class EventTimeSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The forms a specification takes, as error messages state them. */
    public static final String FORMS = "'record', 'header:NAME' or 'json:PATH'";

    /** The default: the record timestamp. */
    public static final EventTimeSpec RECORD = new EventTimeSpec("record", null, null);

    private static final String HEADER_PREFIX = "header:";
    private static final String JSON_PREFIX = "json:";

    private final String text;
    private final String header;
    private final String[] jsonPath;

    private EventTimeSpec(String text, String header, String[] jsonPath) {
        this.text = text;
        this.header = header;
        this.jsonPath = jsonPath;
    }

    /**
     * @param spec {@code record}, {@code header:NAME} or {@code json:PATH}; NAME and PATH not empty
     * @throws IllegalArgumentException naming {@code spec} if it is none of the three forms
     */
    public static EventTimeSpec parse(String spec) {
        if ("record".equals(spec)) {
            return RECORD;
        } else if (spec != null && spec.startsWith(HEADER_PREFIX) && spec.length() > HEADER_PREFIX.length()) {
            return new EventTimeSpec(spec, spec.substring(HEADER_PREFIX.length()), null);
        } else if (spec != null && spec.startsWith(JSON_PREFIX) && spec.length() > JSON_PREFIX.length()) {
            return new EventTimeSpec(
                    spec, null, spec.substring(JSON_PREFIX.length()).split("\\."));
        }
        throw new IllegalArgumentException("must be " + FORMS + ", was '" + spec + "'");
    }

    /** @return whether the event time is the record timestamp (the common, cheapest case) */
    public boolean isRecordTimestamp() {
        return header == null && jsonPath == null;
    }

    /** @return the header the event time is read from ({@code header:NAME}), or null for the other forms */
    public String header() {
        return header;
    }

    /**
     * @return whether the event time is read from the value ({@code json:PATH}): only where the record is whole, and
     *         only when the producer agent did not stamp it into the {@link EventTimes#HEADER} header already
     */
    public boolean readsValue() {
        return jsonPath != null;
    }

    /** @return the field names from the root of a JSON value to its event time ({@code json:PATH}); a copy */
    public String[] jsonPath() {
        return jsonPath == null ? null : jsonPath.clone();
    }

    /**
     * @param json a JSON value (UTF-8), may be null
     * @return the event time at this specification's path, or {@link EventTimes#NONE}
     * @throws IllegalStateException if this is not a {@code json:PATH} specification
     */
    public long fromJson(byte[] json) {
        if (jsonPath == null) {
            throw new IllegalStateException(text + " reads no value");
        }
        return json == null ? EventTimes.NONE : EventTimes.fromJson(json, jsonPath);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventTimeSpec other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** @return the specification as it was given, for example {@code json:meta.createdAt} */
    @Override
    public String toString() {
        return text;
    }
}
