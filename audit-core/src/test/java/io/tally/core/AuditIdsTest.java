package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditIdsTest {

    @Test
    void hex_ids_round_trip() {
        for (long id : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL}) {
            assertThat(AuditIds.fromHeader(AuditIds.toHex(id))).isEqualTo(id);
        }
        assertThat(new String(AuditIds.toHex(255), StandardCharsets.US_ASCII)).isEqualTo("00000000000000ff");
        assertThat(AuditIds.fromHeader("00000000000000FF".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(255);
    }

    @Test
    void ids_are_shown_as_their_header_carries_them() {
        for (long id : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL}) {
            assertThat(AuditIds.hex(id)).isEqualTo(new String(AuditIds.toHex(id), StandardCharsets.US_ASCII));
            assertThat(AuditIds.fromHeader(AuditIds.hex(id).getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(id);
        }
        assertThat(AuditIds.hex(-1)).isEqualTo("ffffffffffffffff");
    }

    @Test
    void a_malformed_header_still_gives_a_stable_id() {
        byte[] odd = "not-an-id".getBytes(StandardCharsets.US_ASCII);
        assertThat(AuditIds.fromHeader(odd)).isEqualTo(AuditIds.fromHeader(odd.clone()));
        assertThat(AuditIds.fromHeader(odd))
                .isNotEqualTo(AuditIds.fromHeader("not-an-iD".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void records_without_a_header_get_the_id_of_their_log_position() {
        assertThat(AuditIds.of(null, "orders", 3, 42)).isEqualTo(AuditIds.ofPosition("orders", 3, 42));
        assertThat(AuditIds.ofPosition("orders", 3, 42))
                .isNotEqualTo(AuditIds.ofPosition("orders", 3, 43))
                .isNotEqualTo(AuditIds.ofPosition("orders", 4, 42))
                .isNotEqualTo(AuditIds.ofPosition("payments", 3, 42));
    }

    @Test
    void event_times_come_from_headers_and_json() {
        assertThat(EventTimes.fromHeader("1764000000000".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(1_764_000_000_000L);
        assertThat(EventTimes.fromHeader(java.nio.ByteBuffer.allocate(8)
                        .putLong(1_764_000_000_001L)
                        .array()))
                .isEqualTo(1_764_000_000_001L);
        assertThat(EventTimes.fromHeader("12:00".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(EventTimes.NONE);
        byte[] json = "{\"a\":{\"skip\":[{\"ts\":1}],\"ts\":\"2025-11-24T16:00:00.250Z\"},\"ts\":5}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(EventTimes.fromJson(json, new String[] {"a", "ts"})).isEqualTo(1_764_000_000_250L);
        assertThat(EventTimes.fromJson(json, new String[] {"ts"})).isEqualTo(5);
        assertThat(EventTimes.fromJson(json, new String[] {"missing"})).isEqualTo(EventTimes.NONE);
        assertThat(EventTimes.fromJson("not json".getBytes(StandardCharsets.UTF_8), new String[] {"ts"}))
                .isEqualTo(EventTimes.NONE);
    }

    @Test
    void header_values_parse_exactly_as_one_hex_digit_at_a_time_would_whatever_their_bytes() {
        java.util.Random random = new java.util.Random(42);
        byte[] digits = "0123456789abcdefABCDEF".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 2_000; n++) {
            byte[] value = new byte[16];
            for (int i = 0; i < 16; i++) {
                value[i] = digits[random.nextInt(digits.length)];
            }
            assertThat(AuditIds.fromHeader(value)).isEqualTo(digitByDigit(value));
            // every other byte at one position makes it malformed: hashed, never misread as another id
            int at = random.nextInt(16);
            for (int b = 0; b < 256; b++) {
                byte[] other = value.clone();
                other[at] = (byte) b;
                long expected = digitByDigit(other);
                assertThat(AuditIds.fromHeader(other))
                        .as("byte %d at %d", b, at)
                        .isEqualTo(expected != Long.MIN_VALUE ? expected : AuditIds.fromHeader(other.clone()));
                if (expected == Long.MIN_VALUE) {
                    assertThat(AuditIds.fromHeader(other)).isNotEqualTo(digitByDigit(value));
                }
            }
        }
    }

    /** @return the value of 16 hex digits read one at a time, or {@code Long.MIN_VALUE} if one is not a digit */
    private static long digitByDigit(byte[] value) {
        long id = 0;
        for (byte b : value) {
            int digit = Character.digit((char) (b & 0xff), 16);
            if (digit < 0 || (b & 0xff) > 'f') {
                return Long.MIN_VALUE;
            }
            id = id << 4 | digit;
        }
        return id;
    }
}
