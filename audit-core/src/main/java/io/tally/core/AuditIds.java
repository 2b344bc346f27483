package io.tally.core;

import io.tally.core.internal.Mix;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** The two hex digits of every byte value, for stamping ids. */
    private static final byte[] HEX_PAIRS = new byte[512];

    static {
        for (int b = 0; b < 256; b++) {
            HEX_PAIRS[2 * b] = HEX[b >>> 4];
            HEX_PAIRS[2 * b + 1] = HEX[b & 0xf];
        }
    }

    private AuditIds() {}

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
            long high = hex8((long) LONGS.get(value, 0));
            long low = hex8((long) LONGS.get(value, 8));
            return (high | low) < 0 ? hashOf(value) : high << 32 | low;
        }
        return hashOf(value);
    }

    /**
     * Eight ASCII hex digits (either case), most significant first, read eight at a time: every consumed record's id
     * is parsed on a consumer's polling thread.
     *
     * @return their value, or -1 if a byte is not a hex digit
     */
    private static long hex8(long chars) {
        // a byte b lies in [lo, hi] when b + (0x80 - lo) reaches 0x80 and b + (0x7f - hi) does not; ASCII bytes
        // (below 0x80, checked first) never carry into the next byte
        long digit = (chars + 0x5050505050505050L) & ~(chars + 0x4646464646464646L);
        long upper = (chars + 0x3f3f3f3f3f3f3f3fL) & ~(chars + 0x3939393939393939L);
        long lower = (chars + 0x1f1f1f1f1f1f1f1fL) & ~(chars + 0x1919191919191919L);
        if ((chars & HIGH_BITS) != 0 || ((digit | upper | lower) & HIGH_BITS) != HIGH_BITS) {
            return -1;
        }
        // a digit's value is its low nibble, a letter's its low nibble + 9 (bit 6 tells letters from digits)
        long nibbles = (chars & 0x0f0f0f0f0f0f0f0fL) + 9 * ((chars >>> 6) & 0x0101010101010101L);
        long pairs = (nibbles | nibbles >>> 4) & 0x00ff00ff00ff00ffL;
        long quads = (pairs | pairs >>> 8) & 0x0000ffff0000ffffL;
        return (quads | quads >>> 16) & 0xffffffffL;
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
