package io.tally.api.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes answers and errors as JSON. Null fields are written as null: "not known yet" is not 0. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    static void write(Context ctx, int status, Object body) {
        writeBytes(ctx, status, bytes(body));
    }

    static void writeBytes(Context ctx, int status, byte[] json) {
        ctx.status(status).contentType("application/json").result(json);
    }

    static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static void error(Context ctx, int status, String message, String parameter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("parameter", parameter);
        write(ctx, status, body);
    }
}
