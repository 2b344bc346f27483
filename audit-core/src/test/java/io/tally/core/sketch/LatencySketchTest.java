package io.tally.core.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tally.core.CodecException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencySketchTest {

    @Test
    void quantiles_are_within_one_percent_of_the_exact_ones() {
        SplittableRandom random = new SplittableRandom(11);
        long[] values = new long[50_000];
        LatencySketch sketch = new LatencySketch();
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 + (long) Math.exp(random.nextDouble() * Math.log(3_600_000));
            sketch.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            double exact = values[(int) Math.floor(q * (values.length - 1))];
            assertThat(sketch.quantile(q)).isCloseTo(exact, within(exact * 0.0101));
        }
        assertThat(sketch.count()).isEqualTo(values.length);
    }

    @Test
    void percentiles_of_merged_sketches_are_those_of_the_union() {
        LatencySketch fastHost = new LatencySketch();
        LatencySketch slowHost = new LatencySketch();
        for (int i = 0; i < 990; i++) {
            fastHost.add(10);
        }
        for (int i = 0; i < 10; i++) {
            slowHost.add(5_000);
        }
        LatencySketch merged = fastHost.copy();
        merged.merge(slowHost);
        assertThat(merged.count()).isEqualTo(1000);
        assertThat(merged.quantile(0.5)).isCloseTo(10, within(0.11));
        assertThat(merged.quantile(0.995)).isCloseTo(5_000, within(51.0));
        assertThat(fastHost.count()).isEqualTo(990);
    }

    @Test
    void negative_latency_counts_as_zero() {
        LatencySketch sketch = new LatencySketch();
        sketch.add(-250);
        sketch.add(0);
        assertThat(sketch.count()).isEqualTo(2);
        assertThat(sketch.quantile(1)).isZero();
    }

    @Test
    void round_trips_through_its_binary_layout() {
        LatencySketch sketch = new LatencySketch();
        for (long v = 1; v < 3_600_000; v = v * 3 / 2 + 1) {
            sketch.add(v, v % 7 + 1);
        }
        LatencySketch decoded = LatencySketch.fromBytes(sketch.toBytes());
        assertThat(decoded.count()).isEqualTo(sketch.count());
        assertThat(decoded.quantile(0.99)).isEqualTo(sketch.quantile(0.99));
        assertThat(LatencySketch.fromBytes(new LatencySketch().toBytes()).isEmpty())
                .isTrue();
        assertThat(new LatencySketch().quantile(0.5)).isNaN();
    }

    @Test
    void rejects_bad_bytes_and_bad_quantiles() {
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[0])).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {7, 1, 2})).hasMessageContaining("version 7");
        assertThatThrownBy(() -> new LatencySketch().quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
