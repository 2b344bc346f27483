package io.tally.agent.internal;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.util.concurrent.ThreadLocalRandom;

/** The Kafka side of {@link io.tally.core.AuditIds}: stamping and reading the {@code tally.id} header. */
public final class AuditIds {
    public static final String HEADER = io.tally.core.AuditIds.HEADER;

    private AuditIds() {
    }

    /** @return the id already on the record, or a new random one written into {@code headers} */
    public static long stamp(Headers headers) {
        Header existing = headers.lastHeader(HEADER);
        if (existing != null) {
            return io.tally.core.AuditIds.fromHeader(existing.value());
        }
        long id = ThreadLocalRandom.current().nextLong();
        headers.add(new RecordHeader(HEADER, io.tally.core.AuditIds.toHex(id)));
        return id;
    }

    /** @return the record's id from its header, or the id of its log position */
    public static long read(Headers headers, String topic, int partition, long offset) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        return io.tally.core.AuditIds.of(header == null ? null : header.value(), topic, partition, offset);
    }
}
