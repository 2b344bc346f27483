package io.tally.agent.internal;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Audit ids: the {@code tally.id} header (a random 64-bit id as 16 lowercase hex characters) that the producer agent
 * stamps, and the fallbacks every tier computes the same way when it is missing or malformed.
 */
public final class AuditIds {
    public static final String HEADER = "tally.id";
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long SEED_OFFSET = 0x7f4a7c159e3779b9L;
    private static final long SEED_BYTES = 0x2545f4914f6cdd1dL;

    private AuditIds() {
    }

    /** @return the id already on the record, or a new random one written into {@code headers} */
    public static long stamp(Headers headers) {
        Header existing = headers.lastHeader(HEADER);
        if (existing != null) {
            return fromHeader(existing.value());
        }
        long id = ThreadLocalRandom.current().nextLong();
        headers.add(new RecordHeader(HEADER, toHex(id)));
        return id;
    }

    /**
     * @return the record's id from its header; without one, a hash of (topic, partition, offset), which is the same
     *         at every tier that reads that log position
     */
    public static long read(Headers headers, String topic, int partition, long offset) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header != null) {
            return fromHeader(header.value());
        }
        return ofPosition(topic, partition, offset);
    }

    /** @return the id of a log position, for records that carry no {@code tally.id} */
    public static long ofPosition(String topic, int partition, long offset) {
        long h = topic.hashCode() * 0x9e3779b97f4a7c15L + partition;
        return mix(mix(h ^ SEED_OFFSET) + offset);
    }

    /** @return the id in a header value: its hex value, or a hash of the bytes when it is not 16 hex digits */
    public static long fromHeader(byte[] value) {
        if (value != null && value.length == 16) {
            long id = 0;
            for (int i = 0; i < 16; i++) {
                int digit = Character.digit(value[i], 16);
                if (digit < 0) {
                    return hashOf(value);
                }
                id = (id << 4) | digit;
            }
            return id;
        }
        return hashOf(value);
    }

    /** @return 16 lowercase hex characters */
    public static byte[] toHex(long id) {
        byte[] out = new byte[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (id & 0xf)];
            id >>>= 4;
        }
        return out;
    }

    private static long hashOf(byte[] value) {
        long h = SEED_BYTES;
        if (value != null) {
            for (byte b : value) {
                h = (h ^ b) * 0x100000001b3L;
            }
        }
        return mix(h);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
