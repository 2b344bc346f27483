package io.tally.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunOrderTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void over_a_cycle_every_variant_runs_once_a_round_and_follows_every_other_equally(int variants) {
        RunOrder order = new RunOrder(variants);
        int[][] follows = new int[variants][variants];
        int[][] positions = new int[variants][variants];
        for (int round = 0; round < order.cycle(); round++) {
            Set<Integer> seen = new HashSet<>();
            for (int position = 0; position < variants; position++) {
                int v = order.variant(round, position);
                assertThat(seen.add(v)).as("round %d runs %d twice", round, v).isTrue();
                positions[v][position]++;
                if (position > 0) {
                    follows[v][order.variant(round, position - 1)]++;
                }
            }
        }
        int timesEach = order.cycle() / variants;
        for (int v = 0; v < variants; v++) {
            for (int p = 0; p < variants; p++) {
                assertThat(positions[v][p])
                        .as("variant %d in position %d", v, p)
                        .isEqualTo(timesEach);
            }
            for (int before = 0; before < variants; before++) {
                if (before != v) {
                    assertThat(follows[v][before])
                            .as("variant %d behind %d", v, before)
                            .isEqualTo(timesEach);
                }
            }
        }
    }
}
