package io.tally.core.internal;

import io.tally.core.CodecException;
import java.util.Map;

/**
 * Typed reads of the fields of a {@link FlatJsonObject}; every failure is a {@link CodecException} that names the
 * field.
 */
public final class JsonFields {
    private final Map<String, Object> fields;
    private final String what;

    /**
     * @param fields the object's fields, as {@link FlatJsonObject#parse} returns them
     * @param what   what the object is, for messages ("counts message")
     */
    public JsonFields(Map<String, Object> fields, String what) {
        this.fields = fields;
        this.what = what;
    }

    public long longValue(String field) {
        Object value = required(field);
        if (!(value instanceof Long)) {
            throw error(field, "must be an integer in the 64-bit range");
        }
        return (Long) value;
    }

    public long nonNegative(String field) {
        long value = longValue(field);
        if (value < 0) {
            throw error(field, "must be >= 0, was " + value);
        }
        return value;
    }

    public long positive(String field) {
        long value = longValue(field);
        if (value <= 0) {
            throw error(field, "must be > 0, was " + value);
        }
        return value;
    }

    public int nonNegativeInt(String field) {
        long value = nonNegative(field);
        if (value > Integer.MAX_VALUE) {
            throw error(field, "must be at most " + Integer.MAX_VALUE + ", was " + value);
        }
        return (int) value;
    }

    public boolean booleanValue(String field) {
        Object value = required(field);
        if (!(value instanceof Boolean)) {
            throw error(field, "must be true or false");
        }
        return (Boolean) value;
    }

    public String text(String field, int maxLength) {
        Object value = required(field);
        if (!(value instanceof String text)) {
            throw error(field, "must be a string");
        }
        if (text.length() > maxLength) {
            throw error(field, "is longer than " + maxLength + " characters");
        }
        return text;
    }

    /**
     * @return the decoded bytes of a base64 string field (one named to {@link FlatJsonObject#parse} as base64), or
     *         null when the field is absent or JSON null
     */
    public byte[] optionalBase64(String field, int maxDecodedBytes) {
        Object value = fields.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof byte[] bytes)) {
            throw error(field, "must be a base64 string");
        }
        if (bytes.length > maxDecodedBytes) {
            throw error(field, "is larger than " + maxDecodedBytes + " bytes");
        }
        return bytes;
    }

    public byte[] base64(String field, int maxDecodedBytes) {
        byte[] bytes = optionalBase64(field, maxDecodedBytes);
        if (bytes == null) {
            throw error(field, "is missing");
        }
        return bytes;
    }

    /** @return the fields of an object-valued field, in their order; values as {@link FlatJsonObject} keeps them */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String field) {
        Object value = required(field);
        if (!(value instanceof Map)) {
            throw error(field, "must be an object");
        }
        return (Map<String, Object>) value;
    }

    /** @return whether the field is present (a JSON {@code null} counts as absent) */
    public boolean has(String field) {
        return fields.get(field) != null;
    }

    public CodecException error(String field, String problem) {
        return new CodecException(what + ": field '" + field + "' " + problem);
    }

    private Object required(String field) {
        Object value = fields.get(field);
        if (value == null) {
            throw error(field, "is missing");
        }
        return value;
    }
}
