package io.tally.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventTimeSpecTest {
    @Test
    void parses_the_three_forms() {
        EventTimeSpec record = EventTimeSpec.parse("record");
        assertThat(record.isRecordTimestamp()).isTrue();
        assertThat(record.readsValue()).isFalse();
        assertThat(record.header()).isNull();
        assertThat(record).isSameAs(EventTimeSpec.RECORD);

        EventTimeSpec header = EventTimeSpec.parse("header:event-ts");
        assertThat(header.isRecordTimestamp()).isFalse();
        assertThat(header.readsValue()).isFalse();
        assertThat(header.header()).isEqualTo("event-ts");

        EventTimeSpec json = EventTimeSpec.parse("json:meta.createdAt");
        assertThat(json.isRecordTimestamp()).isFalse();
        assertThat(json.readsValue()).isTrue();
        assertThat(json.header()).isNull();
        assertThat(json.jsonPath()).containsExactly("meta", "createdAt");
        assertThat(json).hasToString("json:meta.createdAt").isEqualTo(EventTimeSpec.parse("json:meta.createdAt"));
    }

    @Test
    void a_json_spec_reads_its_path_from_a_value() {
        EventTimeSpec json = EventTimeSpec.parse("json:meta.createdAt");
        byte[] value = "{\"meta\":{\"createdAt\":1234}}".getBytes(StandardCharsets.UTF_8);
        assertThat(json.fromJson(value)).isEqualTo(1234L);
        assertThat(json.fromJson(null)).isEqualTo(EventTimes.NONE);
        assertThatThrownBy(() -> EventTimeSpec.RECORD.fromJson(value)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refuses_anything_else_naming_the_value() {
        for (String bad : new String[] {"", "guess", "header:", "json:", "Record", "headers:x"}) {
            assertThatThrownBy(() -> EventTimeSpec.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("must be 'record', 'header:NAME' or 'json:PATH', was '" + bad + "'");
        }
        assertThatThrownBy(() -> EventTimeSpec.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survives_java_serialization_as_a_flink_job_carries_it() throws Exception {
        EventTimeSpec json = EventTimeSpec.parse("json:a.b");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(json);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            EventTimeSpec copy = (EventTimeSpec) in.readObject();
            assertThat(copy).isEqualTo(json);
            assertThat(copy.fromJson("{\"a\":{\"b\":7}}".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(7L);
        }
    }
}
