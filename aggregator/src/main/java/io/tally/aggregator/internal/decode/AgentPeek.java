package io.tally.aggregator.internal.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Finds the agent instance id of an audit message without decoding it: a streaming scan of the top-level
 * {@code agent} field. It only routes the record to the subtask that owns the agent's dedup state, where the
 * message is decoded and checked in full. The scan stops at the first {@code agent} field (the third one an agent
 * writes); a message that repeats the field with another value decodes to the last one, differs from the routed
 * agent, and is refused there. Thread-safe.
 */
public final class AgentPeek {
    /** Routing key of records without a readable agent field; they are refused after routing. */
    public static final String UNKNOWN = "";

    private static final JsonFactory JSON = new JsonFactory();

    private AgentPeek() {}

    /** @return the value of the top-level {@code agent} field, or {@link #UNKNOWN} */
    public static String agentOf(byte[] json) {
        if (json == null || json.length == 0) {
            return UNKNOWN;
        }
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return UNKNOWN;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("agent")) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : UNKNOWN;
                }
                parser.skipChildren();
            }
        } catch (Exception e) {
            return UNKNOWN;
        }
        return UNKNOWN;
    }
}
