package io.tally.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading an event time out of a header value or a JSON document, the same way at every tier
 * ({@code tally.event.time}: {@code header:NAME} or {@code json:PATH}).
 */
public final class EventTimes {
    /** No usable event time. */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * The header a producer agent stamps with the event time it read from a value ({@code tally.event.time=json:PATH}),
     * as 8 bytes big-endian epoch ms; every tier that reads event times from values reads it first, so a message is
     * bucketed alike however its value is deserialized there.
     */
    public static final String HEADER = "tally.et";

    private static final JsonFactory JSON = new JsonFactory();

    private EventTimes() {}

    /** @return epoch ms from a header value: 8 bytes big-endian, or decimal text; {@link #NONE} otherwise */
    public static long fromHeader(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return NONE;
        }
        boolean digits = isDigits(bytes);
        if (bytes.length == 8 && !digits) {
            long v = 0;
            for (byte b : bytes) {
                v = (v << 8) | (b & 0xff);
            }
            return v;
        }
        if (!digits || bytes.length > 18) {
            return NONE;
        }
        long v = 0;
        for (byte b : bytes) {
            v = v * 10 + (b - '0');
        }
        return v;
    }

    /**
     * @param json a JSON document (UTF-8)
     * @param path the field names from the root to the event time, for example {@code ["meta", "createdAt"]}
     * @return the value at {@code path} as epoch ms — an integer, or an ISO-8601 instant string — or {@link #NONE}
     *         when the document is not JSON, has no such field, or the field is of another kind
     */
    public static long fromJson(byte[] json, String[] path) {
        try (JsonParser parser = JSON.createParser(json)) {
            return find(parser, path, 0);
        } catch (Exception e) {
            return NONE;
        }
    }

    private static long find(JsonParser parser, String[] path, int depth) throws Exception {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return NONE;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            if (parser.currentName().equals(path[depth])) {
                if (depth == path.length - 1) {
                    return leaf(parser.nextToken(), parser);
                }
                return find(parser, path, depth + 1);
            }
            parser.nextToken();
            parser.skipChildren();
        }
        return NONE;
    }

    private static long leaf(JsonToken token, JsonParser parser) throws Exception {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Instant.parse(parser.getText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                return NONE;
            }
        }
        return NONE;
    }

    private static boolean isDigits(byte[] bytes) {
        for (byte b : bytes) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }
}
