package io.tally.agent.internal;

import io.tally.core.AuditIds;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The agent's side of {@link AuditIds}: stamping the {@code tally.id} header into a record's Kafka {@link Headers},
 * and reading it back (without parsing the hex of an id this agent stamped itself).
 */
public final class IdHeaders {
    private IdHeaders() {}

    /** Writes a new random id into {@code headers}, unless they carry one already (a record sent on). */
    public static void stamp(Headers headers) {
        if (headers.lastHeader(AuditIds.HEADER) == null) {
            headers.add(new StampedId(ThreadLocalRandom.current().nextLong()));
        }
    }

    /** @return the record's id from its header, or the id of its log position */
    public static long read(Headers headers, String topic, int partition, long offset) {
        Header header = headers == null ? null : headers.lastHeader(AuditIds.HEADER);
        if (header instanceof StampedId stamped) {
            return stamped.id(); // stamped by this agent: no need to parse the hex
        }
        return AuditIds.of(header == null ? null : header.value(), topic, partition, offset);
    }
}
