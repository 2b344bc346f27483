package io.tally.aggregator.internal.logtier;

import io.tally.core.EventTimes;
import java.io.Serializable;

/**
 * Where the log tier takes a record's event time from, as the agents' {@code tally.event.time}: {@code record},
 * {@code header:NAME} or {@code json:PATH}. Immutable.
 */
public final class EventTimeRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String header;
    private final String[] jsonPath;

    private EventTimeRule(String header, String[] jsonPath) {
        this.header = header;
        this.jsonPath = jsonPath;
    }

    /** @throws IllegalArgumentException if {@code spec} is none of the three forms */
    public static EventTimeRule parse(String spec) {
        if (spec.equals("record")) {
            return new EventTimeRule(null, null);
        } else if (spec.startsWith("header:") && spec.length() > 7) {
            return new EventTimeRule(spec.substring(7), null);
        } else if (spec.startsWith("json:") && spec.length() > 5) {
            return new EventTimeRule(null, spec.substring(5).split("\\."));
        }
        throw new IllegalArgumentException("must be 'record', 'header:NAME' or 'json:PATH', was '" + spec + "'");
    }

    /** @return the header to read, or null */
    String header() {
        return header;
    }

    /** @return whether the value must be read */
    boolean readsValue() {
        return jsonPath != null;
    }

    /** @return the event time from a JSON value, or {@link EventTimes#NONE} */
    long fromValue(byte[] value) {
        return value == null ? EventTimes.NONE : EventTimes.fromJson(value, jsonPath);
    }
}
