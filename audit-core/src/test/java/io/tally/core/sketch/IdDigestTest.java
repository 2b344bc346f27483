package io.tally.core.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tally.core.CodecException;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdDigestTest {

    private static IdDigest digestOf(long... ids) {
        IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
        for (long id : ids) {
            digest.add(id);
        }
        return digest;
    }

    @Test
    void names_the_lost_id_of_a_large_bucket() {
        SplittableRandom random = new SplittableRandom(1);
        IdDigest upstream = new IdDigest(IdDigest.DEFAULT_CELLS);
        IdDigest downstream = new IdDigest(IdDigest.DEFAULT_CELLS);
        long lost = 0;
        for (int i = 0; i < 100_000; i++) {
            long id = random.nextLong();
            upstream.add(id);
            if (i == 4242) {
                lost = id;
            } else {
                downstream.add(id);
            }
        }
        PeelResult result = downstream.minus(upstream).peel();
        assertThat(result.complete()).isTrue();
        assertThat(result.lost()).containsExactly(entry(lost, 1L));
        assertThat(result.duplicated()).isEmpty();
    }

    @Test
    void names_duplicates_with_their_multiplicity() {
        IdDigest upstream = digestOf(1, 2, 3);
        IdDigest downstream = digestOf(1, 2, 3, 2, 3, 3, 3, 3);
        PeelResult result = downstream.minus(upstream).peel();
        assertThat(result.complete()).isTrue();
        assertThat(result.duplicated()).containsOnly(entry(2L, 1L), entry(3L, 4L));
        assertThat(result.duplicatedCount()).isEqualTo(5);
    }

    @Test
    void finds_loss_and_duplication_that_cancel_out_in_the_counts() {
        IdDigest upstream = digestOf(10, 11, 12, 13);
        IdDigest downstream = digestOf(10, 11, 12, 12);
        assertThat(upstream.totalCount()).isEqualTo(downstream.totalCount());
        PeelResult result = downstream.minus(upstream).peel();
        assertThat(result.complete()).isTrue();
        assertThat(result.lost()).containsExactly(entry(13L, 1L));
        assertThat(result.duplicated()).containsExactly(entry(12L, 1L));
    }

    @Test
    void peels_ids_at_the_edges_of_the_64_bit_range() {
        long[] ids = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 63 | 1};
        PeelResult result = digestOf(ids).minus(digestOf()).peel();
        assertThat(result.complete()).isTrue();
        assertThat(result.duplicated()).containsOnlyKeys(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 63 | 1);
    }

    @Test
    void an_equal_digest_peels_to_nothing() {
        PeelResult result = digestOf(5, 6, 7).minus(digestOf(7, 6, 5)).peel();
        assertThat(result.complete()).isTrue();
        assertThat(result.lost()).isEmpty();
        assertThat(result.duplicated()).isEmpty();
    }

    @Test
    void a_difference_too_large_to_decode_says_so() {
        SplittableRandom random = new SplittableRandom(7);
        IdDigest big = new IdDigest(64);
        for (int i = 0; i < 500; i++) {
            big.add(random.nextLong());
        }
        PeelResult result = big.minus(new IdDigest(64)).peel();
        assertThat(result.complete()).isFalse();
    }

    @Test
    void merging_equals_adding_everything_to_one_digest() {
        IdDigest a = digestOf(1, 2, 3);
        IdDigest b = digestOf(4, 5);
        a.merge(b);
        assertThat(a).isEqualTo(digestOf(1, 2, 3, 4, 5));
        assertThat(a.totalCount()).isEqualTo(5);
    }

    @Test
    void decodes_at_least_99_percent_of_32_differences_at_the_default_size() {
        Random random = new Random(42);
        int complete = 0;
        int trials = 500;
        for (int t = 0; t < trials; t++) {
            IdDigest diff = new IdDigest(IdDigest.DEFAULT_CELLS);
            for (int i = 0; i < 32; i++) {
                diff.add(random.nextLong(), random.nextBoolean() ? 1 : -1);
            }
            if (diff.peel().complete()) {
                complete++;
            }
        }
        assertThat(complete).isGreaterThanOrEqualTo(trials * 99 / 100);
    }

    @Test
    void round_trips_through_its_binary_layout() {
        SplittableRandom random = new SplittableRandom(3);
        IdDigest digest = new IdDigest(200);
        for (int i = 0; i < 1000; i++) {
            digest.add(random.nextLong());
        }
        IdDigest diff = digest.minus(new IdDigest(200));
        assertThat(IdDigest.fromBytes(digest.toBytes())).isEqualTo(digest);
        assertThat(IdDigest.fromBytes(new IdDigest(64).toBytes())).isEqualTo(new IdDigest(64));
        assertThat(IdDigest.fromBytes(digestOf(9).toBytes()).peel().duplicated())
                .containsOnlyKeys(9L);
        assertThat(diff.cells()).isEqualTo(200);
    }

    @Test
    void a_sparse_digest_encodes_small() {
        assertThat(digestOf(1).toBytes()).hasSizeLessThan(2 + 2 + 16 + 3 * 17 + 1);
    }

    @Test
    void refuses_to_combine_digests_of_different_sizes() {
        IdDigest small = new IdDigest(64);
        assertThat(small.compatibleWith(new IdDigest(128))).isFalse();
        assertThatThrownBy(() -> small.merge(new IdDigest(128)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 and 128 cells");
        assertThatThrownBy(() -> new IdDigest(3)).hasMessageContaining("cells must be in");
    }

    @Test
    void rejects_bad_bytes_with_a_codec_exception() {
        byte[] good = digestOf(1, 2).toBytes();
        assertThatThrownBy(() -> IdDigest.fromBytes(new byte[0])).isInstanceOf(CodecException.class);
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> IdDigest.fromBytes(version)).hasMessageContaining("layout version 9");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> IdDigest.fromBytes(truncated)).hasMessageContaining("truncated");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> IdDigest.fromBytes(trailing)).hasMessageContaining("trailing");
    }
}
