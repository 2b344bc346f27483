package io.tally.core;

import java.util.Objects;

/** Validation of the names that appear on the wire; shared by the records' constructors. */
final class Names {
    /** Kafka's own limit on topic names. */
    static final int MAX_TOPIC_LENGTH = 249;

    static final int MAX_TIER_LENGTH = 255;

    private Names() {}

    static String topic(String topic) {
        return check("topic", topic, MAX_TOPIC_LENGTH);
    }

    static String tier(String tier) {
        return check("tier", tier, MAX_TIER_LENGTH);
    }

    static long nonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    private static String check(String field, String value, int maxLength) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > maxLength) {
            throw new IllegalArgumentException(
                    field + " must have 1 to " + maxLength + " characters, had " + value.length());
        }
        return value;
    }
}
