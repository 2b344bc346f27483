package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.AuditIds;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class StampedIdTest {
    @Test
    void the_id_read_back_is_the_one_its_hex_encodes() {
        for (int i = 0; i < 1_000; i++) {
            RecordHeaders headers = new RecordHeaders();
            IdHeaders.stamp(headers);
            Header header = headers.lastHeader(AuditIds.HEADER);
            long parsed = AuditIds.fromHeader(header.value());
            assertThat(IdHeaders.read(headers, "orders", 0, i)).isEqualTo(parsed);
            // the same bytes in an ordinary header, as a consumer reads them, give the same id
            RecordHeaders copied = new RecordHeaders();
            copied.add(AuditIds.HEADER, header.value());
            assertThat(IdHeaders.read(copied, "orders", 0, i)).isEqualTo(parsed);
        }
    }

    @Test
    void a_record_that_carries_an_id_keeps_it() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(AuditIds.HEADER, "00000000000000ff".getBytes(StandardCharsets.US_ASCII));
        IdHeaders.stamp(headers);
        assertThat(headers.headers(AuditIds.HEADER)).hasSize(1);
        assertThat(IdHeaders.read(headers, "orders", 0, 7)).isEqualTo(255);
    }

    @Test
    void equal_to_the_same_id_only() {
        StampedId a = new StampedId(42);
        assertThat(a).isEqualTo(new StampedId(42)).hasSameHashCodeAs(new StampedId(42));
        assertThat(a).isNotEqualTo(new StampedId(43));
        assertThat(a.toString()).contains("tally.id").contains("000000000000002a");
    }
}
