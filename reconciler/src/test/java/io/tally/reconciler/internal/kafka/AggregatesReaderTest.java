package io.tally.reconciler.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.codec.AuditCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AggregatesReaderTest {
    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_replay_tells_an_aggregate_s_bucket_from_its_key_and_never_skips_anything_else() {
        TierAggregate a = TierAggregate.builder("orders", "consumer.billing", new Bucket(1_800_000_000_000L, 60_000))
                .count(1)
                .bytes(1)
                .records(1)
                .build();
        assertThat(AggregatesReader.bucketStartOf(key(AuditCodec.kafkaKey(a)))).isEqualTo(1_800_000_000_000L);
        assertThat(AggregatesReader.bucketStartOf(key("orders|log|-60000"))).isEqualTo(-60_000L);
        // progress, even of a topic named like a number, and keys that are not an aggregate's, are decoded
        assertThat(AggregatesReader.bucketStartOf(key(AuditCodec.kafkaKey(
                        TierProgress.builder("log", "12345").liveAgents(1).build()))))
                .isEqualTo(Long.MAX_VALUE);
        for (String other :
                new String[] {"", "orders", "orders|log|", "orders|log|12x", "orders|log|" + "1234567890123456789012"
                }) {
            assertThat(AggregatesReader.bucketStartOf(key(other))).as(other).isEqualTo(Long.MAX_VALUE);
        }
        assertThat(AggregatesReader.bucketStartOf(null)).isEqualTo(Long.MAX_VALUE);
    }
}
