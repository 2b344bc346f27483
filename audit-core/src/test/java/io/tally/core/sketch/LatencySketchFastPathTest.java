package io.tally.core.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The table-driven path for small latencies must give exactly the bins DDSketch itself would. */
class LatencySketchFastPathTest {

    @Test
    void small_latencies_land_in_the_same_bins_as_through_the_mapping() {
        LatencySketch fast = new LatencySketch();
        LatencySketch reference = new LatencySketch();
        for (long ms = 0; ms < 5_000; ms++) {
            fast.add(ms);
            reference.add(ms, 1); // the counted path always goes through DDSketch.accept
        }
        assertThat(fast.toBytes()).isEqualTo(reference.toBytes());
        double[] qs = {0, 0.01, 0.25, 0.5, 0.9, 0.99, 1};
        assertThat(Arrays.stream(qs).map(fast::quantile).toArray())
                .containsExactly(Arrays.stream(qs).map(reference::quantile).toArray());
    }
}
