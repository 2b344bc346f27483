package io.tally.core.sketch;

import io.tally.core.CodecException;
import io.tally.core.internal.ByteReader;
import io.tally.core.internal.ByteWriter;
import io.tally.core.internal.Mix;
import java.util.Arrays;

/**
 * A counting invertible Bloom lookup table of 64-bit audit ids (Goodrich &amp; Mitzenmacher; Eppstein et al.,
 * "What's the Difference?").
 *
 * <p>Each id is added to {@value #HASHES} cells, one in each of {@value #HASHES} equal-as-possible partitions of
 * the table. A cell holds a count, the sum of its ids and the sum of their checksums, all additive modulo 2^64, so
 * digests {@link #merge merge} by adding cells and {@link #minus diff} by subtracting them. Subtracting the upstream
 * digest from the downstream one leaves only the ids whose multiplicity differs; {@link #peel()} names them when
 * the difference is small enough (see BENCHMARKS.md for the decode rate by size).
 *
 * <h2>Binary layout, version 1</h2>
 * <pre>
 *   u8      layout version (1)
 *   u8      number of hash functions k (3)
 *   varint  number of cells m ({@value #MIN_CELLS}..{@value #MAX_CELLS})
 *   bytes   ceil(m / 8) bitmap, bit (i % 8) of byte (i / 8) set when cell i is non-empty
 *   then for each non-empty cell, in index order:
 *     zigzag varint  count
 *     i64 LE         sum of ids
 *     i64 LE         sum of checksums
 * </pre>
 * Varints are unsigned LEB128. The cell of id x in partition j is {@code start_j + range(h_j(x), size_j)} where
 * partition j covers {@code [j*m/k, (j+1)*m/k)}, {@code range(h, n) = ((h >>> 32) * n) >>> 32},
 * {@code h_0 = fmix64(x ^ S0)}, {@code h_1 = h_0 << 32}, {@code h_2 = fmix64(x ^ S1)}; the checksum is
 * {@code fmix64(x ^ S2)}; {@code fmix64} is MurmurHash3's finalizer and the seeds are the constants below.
 *
 * <p>Not thread-safe: one owner at a time.
 */
public final class IdDigest {
    /** Hash functions per id. */
    public static final int HASHES = 3;
    /** Smallest accepted cell count. */
    public static final int MIN_CELLS = 6;
    /** Largest accepted cell count; bounds the memory a decoded digest can take. */
    public static final int MAX_CELLS = 1 << 16;
    /** Cells of a default digest: decodes at least 99% of differences of up to 32 ids (see BENCHMARKS.md). */
    public static final int DEFAULT_CELLS = 128;

    static final int LAYOUT_VERSION = 1;
    static final long SEED_CELL = 0x9e3779b97f4a7c15L;
    static final long SEED_CELL2 = 0xbf58476d1ce4e5b9L;
    static final long SEED_CHECK = 0x94d049bb133111ebL;
    private static final int MAX_EVEN_SHIFT = 6;

    private final int cells;
    /** Interleaved: count, idSum, checkSum per cell. */
    private final long[] table;

    /**
     * @param cells the number of cells, {@value #MIN_CELLS}..{@value #MAX_CELLS}
     * @throws IllegalArgumentException if out of range
     */
    public IdDigest(int cells) {
        if (cells < MIN_CELLS || cells > MAX_CELLS) {
            throw new IllegalArgumentException(
                    "id digest cells must be in [" + MIN_CELLS + ", " + MAX_CELLS + "], was " + cells);
        }
        this.cells = cells;
        this.table = new long[cells * 3];
    }

    private IdDigest(int cells, long[] table) {
        this.cells = cells;
        this.table = table;
    }

    /** @return the number of cells */
    public int cells() {
        return cells;
    }

    /** Adds one occurrence of {@code id}. Constant time: three cells. */
    public void add(long id) {
        add(id, 1);
    }

    /** Adds {@code times} occurrences of {@code id}; a negative {@code times} removes them. */
    public void add(long id, long times) {
        long check = checksum(id);
        long h0 = Mix.fmix64(id ^ SEED_CELL);
        update(cellIndex(0, h0), times, id, check);
        update(cellIndex(1, h0 << 32), times, id, check);
        update(cellIndex(2, Mix.fmix64(id ^ SEED_CELL2)), times, id, check);
    }

    /**
     * Adds every cell of {@code other} to this digest.
     *
     * @throws IllegalArgumentException if the digests have different sizes ({@link #compatibleWith})
     */
    public void merge(IdDigest other) {
        requireCompatible(other);
        for (int i = 0; i < table.length; i++) {
            table[i] += other.table[i];
        }
    }

    /**
     * @return a new digest holding this minus {@code other}: what this side saw more (+) or less (−) often
     * @throws IllegalArgumentException if the digests have different sizes
     */
    public IdDigest minus(IdDigest other) {
        requireCompatible(other);
        long[] diff = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            diff[i] = table[i] - other.table[i];
        }
        return new IdDigest(cells, diff);
    }

    /** @return whether {@code other} can be merged with or subtracted from this digest */
    public boolean compatibleWith(IdDigest other) {
        return other.cells == cells;
    }

    /** @return an independent copy */
    public IdDigest copy() {
        return new IdDigest(cells, table.clone());
    }

    /** @return whether every cell is zero: no ids, or a difference of nothing */
    public boolean isEmpty() {
        for (long v : table) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the net number of ids added (sum of multiplicities) */
    public long totalCount() {
        long sum = 0;
        for (int i = 0; i < table.length; i += 3) {
            sum += table[i];
        }
        return sum / HASHES;
    }

    /**
     * Decodes the ids in this digest with their multiplicities. On a difference {@code downstream.minus(upstream)}
     * a negative multiplicity is an id lost on the way, a positive one an id duplicated.
     *
     * @return the ids found; {@link PeelResult#complete()} tells whether they are all of them
     */
    public PeelResult peel() {
        return new Peeler(table.clone()).run();
    }

    /** @return the encoded bytes, see the class documentation for the layout */
    public byte[] toBytes() {
        int bitmapBytes = (cells + 7) / 8;
        byte[] bitmap = new byte[bitmapBytes];
        int nonEmpty = 0;
        for (int i = 0; i < cells; i++) {
            if (table[i * 3] != 0 || table[i * 3 + 1] != 0 || table[i * 3 + 2] != 0) {
                bitmap[i >>> 3] |= (byte) (1 << (i & 7));
                nonEmpty++;
            }
        }
        ByteWriter out = new ByteWriter(8 + bitmapBytes + nonEmpty * 19);
        out.writeByte(LAYOUT_VERSION).writeByte(HASHES).writeVarLong(cells).writeBytes(bitmap);
        for (int i = 0; i < cells; i++) {
            if ((bitmap[i >>> 3] & (1 << (i & 7))) != 0) {
                out.writeZigZag(table[i * 3]).writeLongLE(table[i * 3 + 1]).writeLongLE(table[i * 3 + 2]);
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes bytes written by {@link #toBytes()}.
     *
     * @throws CodecException if the bytes are malformed, truncated, of another layout version or size bound
     */
    public static IdDigest fromBytes(byte[] bytes) {
        ByteReader in = new ByteReader(bytes, "id digest");
        int version = in.readByte();
        if (version != LAYOUT_VERSION) {
            throw new CodecException("id digest: unknown layout version " + version);
        }
        int hashes = in.readByte();
        if (hashes != HASHES) {
            throw new CodecException("id digest: " + hashes + " hash functions, only " + HASHES + " supported");
        }
        long cells = in.readVarLong();
        if (cells < MIN_CELLS || cells > MAX_CELLS) {
            throw new CodecException(
                    "id digest: cell count " + cells + " outside [" + MIN_CELLS + ", " + MAX_CELLS + "]");
        }
        byte[] bitmap = in.readBytes((int) (cells + 7) / 8);
        long[] table = new long[(int) cells * 3];
        for (int i = 0; i < cells; i++) {
            if ((bitmap[i >>> 3] & (1 << (i & 7))) != 0) {
                table[i * 3] = in.readZigZag();
                table[i * 3 + 1] = in.readLongLE();
                table[i * 3 + 2] = in.readLongLE();
            }
        }
        if (in.remaining() != 0) {
            throw new CodecException("id digest: " + in.remaining() + " trailing bytes");
        }
        return new IdDigest((int) cells, table);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdDigest other && other.cells == cells && Arrays.equals(other.table, table);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(table);
    }

    @Override
    public String toString() {
        return "IdDigest[cells=" + cells + ", total=" + totalCount() + "]";
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private void update(int cell, long times, long id, long check) {
        int base = cell * 3;
        table[base] += times;
        table[base + 1] += times * id;
        table[base + 2] += times * check;
    }

    private int cellIndex(int partition, long hash) {
        int start = partitionStart(partition);
        return start + Mix.range(hash, partitionStart(partition + 1) - start);
    }

    private int partitionStart(int partition) {
        return (int) ((long) partition * cells / HASHES);
    }

    private void cellsOf(long id, int[] into) {
        long h0 = Mix.fmix64(id ^ SEED_CELL);
        into[0] = cellIndex(0, h0);
        into[1] = cellIndex(1, h0 << 32);
        into[2] = cellIndex(2, Mix.fmix64(id ^ SEED_CELL2));
    }

    static long checksum(long id) {
        return Mix.fmix64(id ^ SEED_CHECK);
    }

    /** Peels a working copy of the table: repeatedly removes pure cells (one distinct id) until none is left. */
    private final class Peeler {
        private final long[] work;
        private final int[] queue = new int[cells];
        private final int[] cellsOfId = new int[HASHES];
        private final PeelResult.Builder result = new PeelResult.Builder();
        private long pureId;

        Peeler(long[] work) {
            this.work = work;
        }

        PeelResult run() {
            // Each cell is queued at most once at a time, so a ring of m slots suffices; the step bound stops
            // adversarial tables from cycling.
            boolean[] queued = new boolean[cells];
            int head = 0;
            int size = cells;
            for (int i = 0; i < cells; i++) {
                queue[i] = i;
                queued[i] = true;
            }
            long stepsLeft = 64L * cells;
            while (size > 0 && stepsLeft-- > 0) {
                int cell = queue[head];
                head = (head + 1) % cells;
                size--;
                queued[cell] = false;
                long count = work[cell * 3];
                if (count == 0 || !findPureId(cell)) {
                    continue;
                }
                long id = pureId;
                long check = checksum(id);
                cellsOf(id, cellsOfId);
                for (int c : cellsOfId) {
                    work[c * 3] -= count;
                    work[c * 3 + 1] -= count * id;
                    work[c * 3 + 2] -= count * check;
                    if (!queued[c]) {
                        queue[(head + size) % cells] = c;
                        queued[c] = true;
                        size++;
                    }
                }
                result.add(id, count);
            }
            for (long v : work) {
                if (v != 0) {
                    return result.build(false);
                }
            }
            return result.build(true);
        }

        /**
         * A cell is pure when {@code idSum = c*x}, {@code checkSum = c*checksum(x)} (mod 2^64) and x hashes to
         * this cell. For an odd c, x is idSum times the inverse of c; for c = 2^s * odd there are 2^s candidates,
         * tried for s up to {@value #MAX_EVEN_SHIFT}.
         */
        private boolean findPureId(int cell) {
            long count = work[cell * 3];
            long idSum = work[cell * 3 + 1];
            long checkSum = work[cell * 3 + 2];
            int shift = Long.numberOfTrailingZeros(count);
            if (shift > MAX_EVEN_SHIFT || Long.numberOfTrailingZeros(idSum) < shift) {
                return false;
            }
            long base = (idSum >>> shift) * Mix.inverseOfOdd(count >> shift);
            if (shift > 0) {
                base &= -1L >>> shift;
            }
            for (long j = 0; j < (1L << shift); j++) {
                long candidate = shift == 0 ? base : base + (j << (64 - shift));
                if (count * candidate == idSum && count * checksum(candidate) == checkSum && mapsTo(candidate, cell)) {
                    pureId = candidate;
                    return true;
                }
            }
            return false;
        }

        private boolean mapsTo(long id, int cell) {
            cellsOf(id, cellsOfId);
            for (int c : cellsOfId) {
                if (c == cell) {
                    return true;
                }
            }
            return false;
        }
    }

    private void requireCompatible(IdDigest other) {
        if (!compatibleWith(other)) {
            throw new IllegalArgumentException(
                    "id digests of " + cells + " and " + other.cells + " cells cannot be combined");
        }
    }
}
