package io.tally.agent.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The Kafka side of {@link io.tally.core.AuditIds}: stamping and reading the {@code tally.id} header. */
public final class AuditIds {
    public static final String HEADER = io.tally.core.AuditIds.HEADER;

    private AuditIds() {}

    /** Writes a new random id into {@code headers}, unless they carry one already (a record sent on). */
    public static void stamp(Headers headers) {
        if (headers.lastHeader(HEADER) == null) {
            headers.add(new StampedId(ThreadLocalRandom.current().nextLong()));
        }
    }

    /** @return the record's id from its header, or the id of its log position */
    public static long read(Headers headers, String topic, int partition, long offset) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header instanceof StampedId stamped) {
            return stamped.id(); // stamped by this agent: no need to parse the hex
        }
        return io.tally.core.AuditIds.of(header == null ? null : header.value(), topic, partition, offset);
    }
}
