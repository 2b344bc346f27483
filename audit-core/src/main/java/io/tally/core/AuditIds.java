package io.tally.core;

import io.tally.core.internal.Mix;

import java.nio.charset.StandardCharsets;

/**
 * Audit ids: the {@code tally.id} header that the producer agent stamps (a random 64-bit id as 16 lowercase hex
 * characters), and the fallbacks that every tier computes the same way when it is missing or malformed. Every tier
 * that reads a record — an agent, the log-tier auditor — must derive its id with these methods, or digests would
 * not match.
 */
public final class AuditIds {
    /** The header that carries a message's audit id. */
    public static final String HEADER = "tally.id";
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long SEED_POSITION = 0x7f4a7c159e3779b9L;
    private static final long SEED_BYTES = 0x2545f4914f6cdd1dL;
    /** Value of each ASCII hex digit, -1 for every other byte: parsing is on the agents' hot path. */
    private static final byte[] DIGITS = new byte[256];

    /** The two hex digits of every byte value, for stamping ids. */
    private static final byte[] HEX_PAIRS = new byte[512];

    static {
        for (int b = 0; b < 256; b++) {
            HEX_PAIRS[2 * b] = HEX[b >>> 4];
            HEX_PAIRS[2 * b + 1] = HEX[b & 0xf];
        }
        java.util.Arrays.fill(DIGITS, (byte) -1);
        for (int i = 0; i < 10; i++) {
            DIGITS['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            DIGITS['a' + i] = (byte) (10 + i);
            DIGITS['A' + i] = (byte) (10 + i);
        }
    }

    private AuditIds() {
    }

    /**
     * @param headerValue the value of the record's {@code tally.id} header, or null when it has none
     * @return the record's id: the header's, or else the id of its log position
     */
    public static long of(byte[] headerValue, String topic, int partition, long offset) {
        return headerValue != null ? fromHeader(headerValue) : ofPosition(topic, partition, offset);
    }

    /** @return the id of a log position, for records that carry no {@code tally.id}; the same at every tier */
    public static long ofPosition(String topic, int partition, long offset) {
        long h = topic.hashCode() * 0x9e3779b97f4a7c15L + partition;
        return Mix.fmix64(Mix.fmix64(h ^ SEED_POSITION) + offset);
    }

    /** @return the id in a header value: its hex value, or a hash of the bytes when it is not 16 hex digits */
    public static long fromHeader(byte[] value) {
        if (value.length == 16) {
            long id = 0;
            int bad = 0;
            for (int i = 0; i < 16; i++) {
                int digit = DIGITS[value[i] & 0xff];
                bad |= digit;
                id = (id << 4) | (digit & 0xf);
            }
            return bad < 0 ? hashOf(value) : id;
        }
        return hashOf(value);
    }

    /** @return the header value of {@code id}: 16 lowercase hex characters */
    public static byte[] toHex(long id) {
        byte[] out = new byte[16];
        for (int i = 14; i >= 0; i -= 2) {
            int b = (int) (id & 0xff);
            out[i] = HEX_PAIRS[2 * b];
            out[i + 1] = HEX_PAIRS[2 * b + 1];
            id >>>= 8;
        }
        return out;
    }

    /**
     * @return {@code id} as its {@code tally.id} header carries it: 16 lowercase hex characters. Use this form
     *         wherever an id is shown to people (API, alerts, dashboard), so they can search logs and topics for it.
     */
    public static String hex(long id) {
        return new String(toHex(id), StandardCharsets.US_ASCII);
    }

    private static long hashOf(byte[] value) {
        long h = SEED_BYTES;
        for (byte b : value) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return Mix.fmix64(h);
    }
}
