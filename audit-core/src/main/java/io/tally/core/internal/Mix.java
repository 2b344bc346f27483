package io.tally.core.internal;

/** 64-bit hash mixing; fixed forever, because digests built by different agents must agree. */
public final class Mix {
    private Mix() {}

    /** The MurmurHash3 64-bit finalizer: a bijection with full avalanche. */
    public static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Maps the high 32 bits of {@code hash} onto {@code [0, n)} without division (Lemire's multiply-shift). */
    public static int range(long hash, int n) {
        return (int) (((hash >>> 32) * n) >>> 32);
    }

    /** The inverse of an odd {@code a} modulo 2^64 (Newton iteration). */
    public static long inverseOfOdd(long a) {
        if ((a & 1) == 0) {
            throw new IllegalArgumentException("no inverse modulo 2^64 for even " + a);
        }
        long x = a; // correct to 3 bits
        for (int i = 0; i < 5; i++) {
            x *= 2 - a * x;
        }
        return x;
    }
}
