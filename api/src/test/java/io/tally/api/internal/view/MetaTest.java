package io.tally.api.internal.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.storage.Verdict;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MetaTest {

    @Test
    void lists_every_verdict_in_the_storage_order_with_its_flags() {
        Meta meta = Meta.of(5_000);

        assertThat(meta.refreshMs()).isEqualTo(5_000);
        assertThat(meta.verdicts())
                .extracting(Meta.VerdictLook::name)
                .containsExactlyElementsOf(
                        Arrays.stream(Verdict.values()).map(Verdict::name).toList());
        assertThat(meta.verdicts()).allSatisfy(v -> {
            Verdict verdict = Verdict.valueOf(v.name());
            assertThat(v.discrepancy()).isEqualTo(verdict.isDiscrepancy());
            assertThat(v.isFinal()).isEqualTo(verdict.isFinal());
        });
    }

    @Test
    void gives_each_verdict_a_colour_of_its_own() {
        Meta meta = Meta.of(5_000);

        assertThat(meta.verdicts()).allSatisfy(v -> {
            assertThat(v.colour()).matches("#[0-9a-f]{6}");
            assertThat(v.textColour()).matches("#[0-9a-f]{6}");
            assertThat(v.stripes())
                    .satisfiesAnyOf(
                            s -> assertThat(s).isNull(), s -> assertThat(s).matches("#[0-9a-f]{6}"));
        });
        assertThat(meta.verdicts()).extracting(Meta.VerdictLook::colour).doesNotHaveDuplicates();
    }
}
