package io.tally.core.internal;

import io.tally.core.CodecException;

/** Reads a byte array front to back; every read that runs past the end throws {@link CodecException}. */
public final class ByteReader {
    private final byte[] bytes;
    private final String what;
    private int position;

    public ByteReader(byte[] bytes, String what) {
        this.bytes = bytes;
        this.what = what;
    }

    public int readByte() {
        require(1);
        return bytes[position++] & 0xff;
    }

    public long readLongLE() {
        require(8);
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[position + i] & 0xffL);
        }
        position += 8;
        return value;
    }

    /** An unsigned LEB128 varint of at most 10 bytes. */
    public long readVarLong() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new CodecException(what + ": varint longer than 10 bytes at offset " + position);
    }

    public long readZigZag() {
        long raw = readVarLong();
        return (raw >>> 1) ^ -(raw & 1);
    }

    public byte[] readBytes(int n) {
        require(n);
        byte[] out = new byte[n];
        System.arraycopy(bytes, position, out, 0, n);
        position += n;
        return out;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return bytes.length - position;
    }

    private void require(int n) {
        if (n < 0 || bytes.length - position < n) {
            throw new CodecException(what + ": truncated at offset " + position + " of " + bytes.length);
        }
    }
}
