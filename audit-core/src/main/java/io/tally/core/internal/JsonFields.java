package io.tally.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.CodecException;

import java.util.Base64;

/** Typed reads of JSON object fields; every failure is a {@link CodecException} that names the field. */
public final class JsonFields {
    private final JsonNode node;
    private final String what;

    public JsonFields(JsonNode node, String what) {
        this.node = node;
        this.what = what;
    }

    public JsonNode node() {
        return node;
    }

    public long longValue(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw error(field, "must be an integer in the 64-bit range");
        }
        return value.longValue();
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
        JsonNode value = required(field);
        if (!value.isBoolean()) {
            throw error(field, "must be true or false");
        }
        return value.booleanValue();
    }

    public String text(String field, int maxLength) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw error(field, "must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw error(field, "is longer than " + maxLength + " characters");
        }
        return text;
    }

    /** @return the decoded bytes of a base64 string field, or null when the field is absent or JSON null */
    public byte[] optionalBase64(String field, int maxDecodedBytes) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw error(field, "must be a base64 string");
        }
        String text = value.textValue();
        if ((long) text.length() * 3 / 4 > maxDecodedBytes) {
            throw error(field, "is larger than " + maxDecodedBytes + " bytes");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw error(field, "is not valid base64: " + e.getMessage());
        }
    }

    public byte[] base64(String field, int maxDecodedBytes) {
        byte[] bytes = optionalBase64(field, maxDecodedBytes);
        if (bytes == null) {
            throw error(field, "is missing");
        }
        return bytes;
    }

    public JsonNode object(String field) {
        JsonNode value = required(field);
        if (!value.isObject()) {
            throw error(field, "must be an object");
        }
        return value;
    }

    public CodecException error(String field, String problem) {
        return new CodecException(what + ": field '" + field + "' " + problem);
    }

    private JsonNode required(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw error(field, "is missing");
        }
        return value;
    }
}
