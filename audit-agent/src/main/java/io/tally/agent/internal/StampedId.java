package io.tally.agent.internal;

import io.tally.core.AuditIds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;

/**
 * The {@code tally.id} header as this agent stamps it: 16 hex characters, and the id they encode, so that the
 * record's acknowledgement, which gets the same headers back, takes the id without parsing them again.
 */
final class StampedId implements Header {
    private final long id;
    private final byte[] value;

    StampedId(long id) {
        this.id = id;
        this.value = AuditIds.toHex(id);
    }

    long id() {
        return id;
    }

    @Override
    public String key() {
        return AuditIds.HEADER;
    }

    @Override
    public byte[] value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        // like Kafka's RecordHeader, equal only to its own kind, so that equality stays symmetric
        return o instanceof StampedId other && other.id == id;
    }

    @Override
    public int hashCode() {
        return 31 * AuditIds.HEADER.hashCode() + Arrays.hashCode(value); // as Kafka's RecordHeader
    }

    @Override
    public String toString() {
        return "StampedId(key = " + AuditIds.HEADER + ", value = " + new String(value, StandardCharsets.US_ASCII) + ")";
    }
}
