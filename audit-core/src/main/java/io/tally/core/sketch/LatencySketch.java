package io.tally.core.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import io.tally.core.CodecException;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A mergeable latency distribution in milliseconds with a relative-error guarantee: every quantile it reports is
 * within {@value #RELATIVE_ACCURACY_PERCENT}% of a value of the true distribution. Backed by DDSketch (Masson et al.,
 * PVLDB 2019), chosen over HdrHistogram by measurement (BENCHMARKS.md). Percentiles of a tier are computed from the
 * merged sketch of all its agents, never from per-agent percentiles.
 *
 * <p>Latencies below zero (event time ahead of the observer's clock) are recorded as zero: the skew is reported
 * apart by the agent, and a negative latency has no meaning for an SLA.
 *
 * <h2>Binary layout, version 1</h2>
 * <pre>
 *   u8     layout version (1)
 *   bytes  the DDSketch encoding of sketches-java 0.8 (DataDog's documented "DDSketch binary encoding": flag
 *          bytes, index mapping with gamma and interpolation, zero count, positive-value bins as varint-delta
 *          indexes and varfloat counts), with the cubically interpolated mapping at 1% relative accuracy
 * </pre>
 * A sketch of another mapping or accuracy is rejected on decode.
 *
 * <p>Not thread-safe: one owner at a time. Memory is bounded by {@value #MAX_BINS} bins (about 16 KB); for latencies
 * between 1 ms and a year the bound is never reached.
 */
public final class LatencySketch {
    /** The relative accuracy of every quantile: 1%. */
    public static final double RELATIVE_ACCURACY = 0.01;

    static final int RELATIVE_ACCURACY_PERCENT = 1;
    static final int MAX_BINS = 2048;
    /** Largest accepted encoding, far above any real sketch (a full one is under 5 KB). */
    public static final int MAX_ENCODED_BYTES = 64 * 1024;

    static final int LAYOUT_VERSION = 1;

    private static final IndexMapping MAPPING = new CubicallyInterpolatedMapping(RELATIVE_ACCURACY);
    private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);
    /**
     * The bin index of every latency from 0 to {@value #INDEXED_MS} ms, computed once (8 KB): recording a latency
     * is then a table read and a counter increment, the agent's hot path. Larger values use the mapping itself.
     */
    private static final int INDEXED_MS = 2047;

    private static final int[] INDEX_OF_MS = new int[INDEXED_MS + 1];

    static {
        for (int ms = 1; ms <= INDEXED_MS; ms++) {
            INDEX_OF_MS[ms] = MAPPING.index(ms);
        }
    }

    private final DDSketch sketch;
    private final Store positive;

    /** An empty sketch. */
    public LatencySketch() {
        this(new DDSketch(MAPPING, STORE));
    }

    private LatencySketch(DDSketch sketch) {
        this.sketch = sketch;
        this.positive = sketch.getPositiveValueStore();
    }

    /** Records one latency in milliseconds; negative values count as zero. */
    public void add(long latencyMs) {
        if (latencyMs > 0 && latencyMs <= INDEXED_MS) {
            // what DDSketch.accept does for a positive value, without computing the index
            positive.add(INDEX_OF_MS[(int) latencyMs]);
        } else {
            sketch.accept(latencyMs > 0 ? latencyMs : 0);
        }
    }

    /** Records {@code count} latencies of the same value. */
    public void add(long latencyMs, long count) {
        if (count > 0) {
            sketch.accept(latencyMs > 0 ? latencyMs : 0, count);
        }
    }

    /** Adds every value of {@code other} to this sketch. */
    public void merge(LatencySketch other) {
        sketch.mergeWith(other.sketch);
    }

    /** @return an independent copy */
    public LatencySketch copy() {
        return new LatencySketch(sketch.copy());
    }

    /** @return the number of latencies recorded */
    public long count() {
        return Math.round(sketch.getCount());
    }

    /** @return whether nothing was recorded */
    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /**
     * @param quantile in [0, 1], for example 0.99
     * @return the latency at that quantile in milliseconds, within 1% relative error; NaN when empty
     * @throws IllegalArgumentException if the quantile is outside [0, 1]
     */
    public double quantile(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], was " + quantile);
        }
        return sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(quantile);
    }

    /** @return the largest latency recorded, within 1% relative error; NaN when empty */
    public double max() {
        return sketch.isEmpty() ? Double.NaN : sketch.getMaxValue();
    }

    /** @return the encoded bytes, see the class documentation for the layout */
    public byte[] toBytes() {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
        out.writeByte((byte) LAYOUT_VERSION);
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory cannot fail", e);
        }
        return out.trimmedCopy();
    }

    /**
     * Decodes bytes written by {@link #toBytes()}.
     *
     * @throws CodecException if the bytes are malformed, truncated, too large, of another layout version, or of
     *                        another accuracy
     */
    public static LatencySketch fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new CodecException("latency sketch: empty");
        }
        if (bytes.length > MAX_ENCODED_BYTES) {
            throw new CodecException("latency sketch: " + bytes.length + " bytes, more than " + MAX_ENCODED_BYTES);
        }
        if (bytes[0] != LAYOUT_VERSION) {
            throw new CodecException("latency sketch: unknown layout version " + bytes[0]);
        }
        DDSketch decoded;
        try {
            decoded = DDSketch.decode(ByteArrayInput.wrap(bytes, 1, bytes.length - 1), STORE);
        } catch (IOException | RuntimeException e) {
            throw new CodecException("latency sketch: malformed (" + e + ")", e);
        }
        if (!MAPPING.equals(decoded.getIndexMapping())) {
            throw new CodecException("latency sketch: index mapping " + decoded.getIndexMapping()
                    + " differs from the cubically interpolated mapping at 1% accuracy");
        }
        double count = decoded.getCount();
        if (!(count >= 0)
                || Double.isInfinite(count)
                || decoded.getNegativeValueStore().getTotalCount() != 0) {
            throw new CodecException("latency sketch: invalid counts (total " + count + ")");
        }
        return new LatencySketch(decoded);
    }

    @Override
    public String toString() {
        return sketch.isEmpty()
                ? "LatencySketch[empty]"
                : String.format("LatencySketch[n=%d, p50=%.1f, p99=%.1f]", count(), quantile(0.5), quantile(0.99));
    }
}
