package io.tally.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tally.core.CodecException;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decoders see bytes from anyone: whatever they get, they answer with a value or a CodecException. */
class CodecFuzzTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(20261126);

    @Test
    void json_decoding_of_random_truncated_and_mutated_input_throws_only_codec_exceptions() {
        List<byte[]> seeds = WireSamples.all().stream().map(AuditCodec::encode).toList();
        int decoded = 0;
        for (byte[] seed : seeds) {
            for (int cut = 0; cut < seed.length; cut++) {
                decodeOrCodecException(Arrays.copyOf(seed, cut), AuditCodec::decode);
            }
            for (int i = 0; i < 3_000; i++) {
                if (decodeOrCodecException(mutate(seed), AuditCodec::decode)) {
                    decoded++;
                }
            }
        }
        for (int i = 0; i < 5_000; i++) {
            decodeOrCodecException(randomBytes(RANDOM.nextInt(300)), AuditCodec::decode);
        }
        String[] fragments = {
            "{",
            "}",
            "\"v\":1",
            "\"type\":\"counts\"",
            ",",
            "\"count\":",
            "-1",
            "1e400",
            "null",
            "\"latency\":\"AQ==\"",
            "\"digest\":\"AQMB\"",
            "[",
            "]",
            "\"watermarks\":{}",
            "true",
            "\"\\u0000\""
        };
        for (int i = 0; i < 5_000; i++) {
            StringBuilder json = new StringBuilder();
            for (int j = RANDOM.nextInt(12); j >= 0; j--) {
                json.append(fragments[RANDOM.nextInt(fragments.length)]);
            }
            decodeOrCodecException(json.toString().getBytes(StandardCharsets.UTF_8), AuditCodec::decode);
        }
        assertThat(decoded).as("some mutations keep a message valid").isPositive();
    }

    @Test
    void sketch_decoding_of_random_and_truncated_bytes_throws_only_codec_exceptions() {
        IdDigest digest = new IdDigest(64);
        LatencySketch latency = new LatencySketch();
        for (int i = 0; i < 300; i++) {
            digest.add(RANDOM.nextLong());
            latency.add(RANDOM.nextInt(100_000));
        }
        for (byte[] seed : List.of(digest.toBytes(), latency.toBytes())) {
            for (int cut = 0; cut < seed.length; cut++) {
                byte[] truncated = Arrays.copyOf(seed, cut);
                decodeOrCodecException(truncated, IdDigest::fromBytes);
                decodeOrCodecException(truncated, LatencySketch::fromBytes);
            }
            for (int i = 0; i < 5_000; i++) {
                byte[] mutated = mutate(seed);
                decodeOrCodecException(mutated, IdDigest::fromBytes);
                decodeOrCodecException(
                        mutated, bytes -> LatencySketch.fromBytes(bytes).quantile(0.99));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = randomBytes(RANDOM.nextInt(64));
            if (bytes.length > 0 && RANDOM.nextBoolean()) {
                bytes[0] = 1;
            }
            decodeOrCodecException(bytes, IdDigest::fromBytes);
            decodeOrCodecException(bytes, b -> LatencySketch.fromBytes(b).quantile(0.5));
        }
    }

    private static <T> boolean decodeOrCodecException(byte[] bytes, java.util.function.Function<byte[], T> decoder) {
        try {
            decoder.apply(bytes);
            return true;
        } catch (CodecException expected) {
            return false;
        } catch (Throwable e) {
            fail("decoding " + Arrays.toString(bytes) + " threw " + e, e);
            return false;
        }
    }

    private static byte[] mutate(byte[] seed) {
        byte[] copy = seed.clone();
        for (int n = 1 + RANDOM.nextInt(4); n > 0; n--) {
            int at = RANDOM.nextInt(copy.length);
            copy[at] = RANDOM.nextBoolean()
                    ? (byte) RANDOM.nextInt(256)
                    : (byte) "{}[]\",:0-9eE".charAt(RANDOM.nextInt(12));
        }
        return copy;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) RANDOM.nextInt(256);
        }
        return bytes;
    }
}
