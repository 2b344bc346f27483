package io.tally.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.tally.core.CodecException;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON object in one streaming pass into its top-level fields, without building a tree. Values are kept as
 * {@link Long} (integers in the 64-bit range), {@link #OUT_OF_RANGE} (larger integers), {@link Double}, {@link String},
 * {@link Boolean}, a {@code Map<String, Object>} of the same scalars (an object one level down), {@link #NESTED}
 * (arrays, and anything deeper), {@link #JSON_NULL} (one level down), or {@code byte[]} for the named base64 fields,
 * decoded straight from the input. A field that repeats keeps its last value, and a top-level {@code null} is as
 * good as absent, as in a tree.
 *
 * <p>Thread-safe; every failure is a {@link CodecException}.
 */
public final class FlatJsonObject {
    /** The value of an integer outside the 64-bit range. */
    public static final Object OUT_OF_RANGE = new Object();
    /** The value of an array, or of an object below the first level. */
    public static final Object NESTED = new Object();
    /** The value of a JSON {@code null} one level down (at the top level a null field is absent). */
    public static final Object JSON_NULL = new Object();

    private static final JsonFactory JSON = new JsonFactory();

    private FlatJsonObject() {}

    /**
     * @param base64Fields top-level fields whose string values are base64 and returned decoded
     * @return the top-level fields of the object in {@code json}
     * @throws CodecException if {@code json} is not one JSON object (a base64 field's bad content is reported with
     *                        the field's name)
     */
    public static Map<String, Object> parse(byte[] json, Set<String> base64Fields) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new CodecException("message must be a JSON object");
            }
            Map<String, Object> fields = new HashMap<>(32);
            readFields(parser, fields, base64Fields, true);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new CodecException("not valid JSON: trailing token " + trailing + " after the object");
            }
            return fields;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CodecException c) {
                throw c;
            }
            throw new CodecException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void readFields(
            JsonParser parser, Map<String, Object> fields, Set<String> base64Fields, boolean topLevel)
            throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && base64Fields.contains(name)) {
                fields.put(name, base64(parser, name));
            } else if (value == JsonToken.START_OBJECT && topLevel) {
                Map<String, Object> inner = new LinkedHashMap<>();
                readFields(parser, inner, Set.of(), false);
                fields.put(name, inner);
            } else {
                Object scalar = scalar(parser, value);
                if (scalar == JSON_NULL && topLevel) {
                    fields.remove(name);
                } else {
                    fields.put(name, scalar);
                }
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new CodecException("not valid JSON: unexpected " + token + " in an object");
        }
    }

    private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? OUT_OF_RANGE
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_STRING:
                return parser.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return JSON_NULL;
            case START_OBJECT:
            case START_ARRAY:
                parser.skipChildren();
                return NESTED;
            default:
                throw new CodecException("not valid JSON: unexpected " + token);
        }
    }

    private static byte[] base64(JsonParser parser, String name) throws IOException {
        try {
            return java.util.Base64.getDecoder().decode(parser.getText());
        } catch (JsonEOFException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw new CodecException("field '" + name + "' is not valid base64: " + e.getMessage(), e);
        }
    }
}
