package io.tally.benchmarks;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * DDSketch against HdrHistogram as the latency sketch, on the same latencies (ms): encoded size, insert cost,
 * encode + decode cost and worst relative error of p50/p90/p99/p99.9. Prints one table; see BENCHMARKS.md.
 */
public final class SketchComparison {
    private static final long MAX_MS = 3_600_000L;

    private SketchComparison() {}

    public static void main(String[] args) throws Exception {
        // The first pass only warms the JIT for every candidate, so that the order of the rows does not matter.
        printing = false;
        table();
        printing = true;
        System.out.printf(
                "%-30s %-13s %7s %10s %10s %12s %9s%n",
                "sketch", "data", "bytes", "heap bytes", "insert ns", "enc+dec us", "max err");
        table();
        System.out.println("sink " + Timing.sink);
    }

    private static boolean printing;

    private static void table() throws Exception {
        for (String data : new String[] {"uniform", "lognormal"}) {
            for (int n : new int[] {1_000, 100_000}) {
                long[] values = latencies(data, n, n);
                long[] sorted = values.clone();
                Arrays.sort(sorted);
                String label = data + "/" + (n >= 1000 ? n / 1000 + "k" : n);
                for (double accuracy : new double[] {0.01, 0.02}) {
                    report(
                            "DDSketch cubic " + (int) (accuracy * 100) + "%",
                            label,
                            values,
                            sorted,
                            new DdCandidate(accuracy));
                }
                report("HdrHistogram 2 digits (1%)", label, values, sorted, new HdrCandidate(false));
                report("HdrHistogram 2 digits, zlib", label, values, sorted, new HdrCandidate(true));
            }
        }
    }

    /** Latencies between 1 ms and 1 h: log-uniform over the whole range, or lognormal around 40 ms. */
    static long[] latencies(String shape, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            double v = shape.equals("uniform")
                    ? Math.exp(random.nextDouble() * Math.log(MAX_MS))
                    : Math.exp(Math.log(40) + 1.2 * gaussian(random));
            values[i] = Math.max(1, Math.min(MAX_MS, Math.round(v)));
        }
        return values;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static void report(String name, String data, long[] values, long[] sorted, Candidate candidate)
            throws Exception {
        double insert = Timing.nanosPerOp(values.length, () -> candidate.fill(values));
        byte[] encoded = candidate.encode();
        double codec = Timing.nanosPerOp(1, () -> candidate.decodeCount(candidate.encode())) / 1000;
        double maxError = 0;
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            maxError = Math.max(maxError, Math.abs(candidate.quantile(q) - exact) / exact);
        }
        if (printing) {
            System.out.printf(
                    "%-30s %-13s %7d %10d %10.1f %12.1f %8.2f%%%n",
                    name, data, encoded.length, heapPerSketch(candidate, values), insert, codec, maxError * 100);
        }
    }

    /** Heap held by one filled sketch, measured over 200 live copies. */
    private static long heapPerSketch(Candidate candidate, long[] values) {
        Object[] live = new Object[200];
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        for (int i = 0; i < live.length; i++) {
            candidate.fill(values);
            live[i] = candidate.current();
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        Timing.sink += live.length;
        return (after - before) / live.length;
    }

    private interface Candidate {
        Object current();

        long fill(long[] values);

        byte[] encode();

        long decodeCount(byte[] bytes);

        double quantile(double q);
    }

    private static final class DdCandidate implements Candidate {
        private final CubicallyInterpolatedMapping mapping;
        private DDSketch sketch;

        DdCandidate(double accuracy) {
            mapping = new CubicallyInterpolatedMapping(accuracy);
        }

        @Override
        public Object current() {
            return sketch;
        }

        @Override
        public long fill(long[] values) {
            sketch = new DDSketch(mapping, () -> new CollapsingLowestDenseStore(2048));
            for (long v : values) {
                sketch.accept(v);
            }
            return (long) sketch.getCount();
        }

        @Override
        public byte[] encode() {
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            try {
                sketch.encode(out, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out.trimmedCopy();
        }

        @Override
        public long decodeCount(byte[] bytes) {
            try {
                return (long) DDSketch.decode(ByteArrayInput.wrap(bytes), () -> new CollapsingLowestDenseStore(2048))
                        .getCount();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public double quantile(double q) {
            return sketch.getValueAtQuantile(q);
        }
    }

    private static final class HdrCandidate implements Candidate {
        private final boolean compressed;
        private Histogram histogram;

        HdrCandidate(boolean compressed) {
            this.compressed = compressed;
        }

        @Override
        public Object current() {
            return histogram;
        }

        @Override
        public long fill(long[] values) {
            histogram = new Histogram(MAX_MS, 2);
            for (long v : values) {
                histogram.recordValue(v);
            }
            return histogram.getTotalCount();
        }

        @Override
        public byte[] encode() {
            ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int size = compressed
                    ? histogram.encodeIntoCompressedByteBuffer(buffer)
                    : histogram.encodeIntoByteBuffer(buffer);
            return Arrays.copyOf(buffer.array(), size);
        }

        @Override
        public long decodeCount(byte[] bytes) {
            try {
                Histogram decoded = compressed
                        ? Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0)
                        : Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
                return decoded.getTotalCount();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public double quantile(double q) {
            return histogram.getValueAtPercentile(q * 100);
        }
    }
}
