package io.tally.agent.internal;

import io.tally.core.EventTimeSpec;
import io.tally.core.EventTimes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads a message's event time from a Kafka record as its {@link EventTimeSpec} ({@code tally.event.time}) says: the
 * record timestamp, a header, or a field of a JSON value. {@link #NONE} marks a message without a usable one. One
 * subclass per form, chosen once at configuration, so that the per-record call neither parses nor allocates.
 */
public abstract class EventTimeSource {
    /** No usable event time. */
    public static final long NONE = EventTimes.NONE;

    /** @return the reader of {@code spec} */
    public static EventTimeSource of(EventTimeSpec spec) {
        if (spec.isRecordTimestamp()) {
            return new RecordTimestamp();
        } else if (spec.header() != null) {
            return new FromHeader(spec.header());
        }
        return new FromJson(spec);
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
            return header == null ? NONE : EventTimes.fromHeader(header.value());
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
        private final EventTimeSpec spec;
        private volatile boolean warned;

        FromJson(EventTimeSpec spec) {
            this.spec = spec;
        }

        @Override
        public boolean readsValue() {
            return true;
        }

        @Override
        public long extract(long recordTimestamp, Headers headers, Object value) {
            Header stamped = headers == null ? null : headers.lastHeader(EventTimes.HEADER);
            if (stamped != null) {
                long t = EventTimes.fromHeader(stamped.value());
                if (t != NONE) {
                    return t;
                }
            }
            if (value instanceof byte[] b) {
                return spec.fromJson(b);
            } else if (value instanceof String s) {
                return spec.fromJson(s.getBytes(StandardCharsets.UTF_8));
            }
            if (value != null && !warned) {
                warned = true;
                LOG.warn(
                        "Tally agent: tally.event.time={} cannot read values of type {} (only String and byte[]); "
                                + "messages without a '{}' header are counted as without event time (noTimestamp)",
                        spec,
                        value.getClass().getName(),
                        EventTimes.HEADER);
            }
            return NONE;
        }
    }
}
