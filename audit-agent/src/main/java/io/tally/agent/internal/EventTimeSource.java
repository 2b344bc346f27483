package io.tally.agent.internal;

import io.tally.core.EventTimes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a message's event time comes from ({@code tally.event.time}): the record timestamp, a header, or a field
 * of a JSON value. {@link #NONE} marks a message without a usable one.
 */
public abstract class EventTimeSource {
    /** No usable event time. */
    public static final long NONE = EventTimes.NONE;

    public static final ConfigDef.Validator VALIDATOR = new SpecValidator();

    /** @return the source described by {@code spec}: {@code record}, {@code header:NAME} or {@code json:PATH} */
    public static EventTimeSource parse(String spec) {
        if (spec.equals("record")) {
            return new RecordTimestamp();
        } else if (spec.startsWith("header:") && spec.length() > "header:".length()) {
            return new FromHeader(spec.substring("header:".length()));
        } else if (spec.startsWith("json:") && spec.length() > "json:".length()) {
            return new FromJson(spec.substring("json:".length()).split("\\."));
        }
        throw new IllegalArgumentException("must be 'record', 'header:NAME' or 'json:PATH', was '" + spec + "'");
    }

    /** @return whether the event time is the record timestamp (the common, cheapest case) */
    public boolean isRecordTimestamp() {
        return false;
    }

    /** @return whether the value must be read, which only the whole record (onSend, onConsume) allows */
    public boolean readsValue() {
        return false;
    }

    /**
     * @param recordTimestamp the Kafka timestamp, or a negative value if there is none
     * @param headers         the record's headers, may be null
     * @param value           the record's value as the client sees it (String, byte[] or anything else), may be null
     * @return the event time in epoch ms, or {@link #NONE}
     */
    public abstract long extract(long recordTimestamp, Headers headers, Object value);

    /** @return epoch ms from a header value: 8 bytes big-endian, or decimal text; {@link #NONE} otherwise */
    public static long fromHeaderBytes(byte[] bytes) {
        return EventTimes.fromHeader(bytes);
    }

    private static final class RecordTimestamp extends EventTimeSource {
        @Override
        public boolean isRecordTimestamp() {
            return true;
        }

        @Override
        public long extract(long recordTimestamp, Headers headers, Object value) {
            return recordTimestamp >= 0 ? recordTimestamp : NONE;
        }
    }

    private static final class FromHeader extends EventTimeSource {
        private final String name;

        FromHeader(String name) {
            this.name = name;
        }

        @Override
        public long extract(long recordTimestamp, Headers headers, Object value) {
            Header header = headers == null ? null : headers.lastHeader(name);
            return header == null ? NONE : fromHeaderBytes(header.value());
        }
    }

    /**
     * A field of a JSON value. The {@link EventTimes#HEADER} a producer agent stamped is read first: it holds what
     * that agent extracted, so every tier of the pipeline buckets the message alike, and a consumer whose
     * deserializer turns values into objects (a POJO, an Avro record) still finds it. Only a message without it is
     * parsed, and only a {@code String} or {@code byte[]} value can be: any other is counted as without event time,
     * and said once in the log.
     */
    private static final class FromJson extends EventTimeSource {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventTimeSource.class);
        private final String[] path;
        private volatile boolean warned;

        FromJson(String[] path) {
            this.path = path;
        }

        @Override
        public boolean readsValue() {
            return true;
        }

        @Override
        public long extract(long recordTimestamp, Headers headers, Object value) {
            Header stamped = headers == null ? null : headers.lastHeader(EventTimes.HEADER);
            if (stamped != null) {
                long t = fromHeaderBytes(stamped.value());
                if (t != NONE) {
                    return t;
                }
            }
            if (value instanceof byte[] b) {
                return EventTimes.fromJson(b, path);
            } else if (value instanceof String s) {
                return EventTimes.fromJson(s.getBytes(StandardCharsets.UTF_8), path);
            }
            if (value != null && !warned) {
                warned = true;
                LOG.warn(
                        "Tally agent: tally.event.time=json:{} cannot read values of type {} (only String and byte[]); "
                                + "messages without a '{}' header are counted as without event time (noTimestamp)",
                        String.join(".", path),
                        value.getClass().getName(),
                        EventTimes.HEADER);
            }
            return NONE;
        }
    }

    /** Validates {@code tally.event.time}. */
    public static final class SpecValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "record, header:NAME, json:PATH";
        }
    }
}
