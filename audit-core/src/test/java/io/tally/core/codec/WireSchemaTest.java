package io.tally.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tally.core.WireMessage;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSON Schema is the contract for agents in other languages: real encoded messages must pass it. */
class WireSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private static JsonSchema load() {
        try (InputStream in = AuditCodec.class.getResourceAsStream(AuditCodec.SCHEMA_RESOURCE)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void every_encoded_message_validates_against_the_schema() throws Exception {
        for (WireMessage message : WireSamples.all()) {
            Set<ValidationMessage> errors = SCHEMA.validate(JSON.readTree(AuditCodec.encode(message)));
            assertThat(errors).as(AuditCodec.typeOf(message)).isEmpty();
        }
    }

    @Test
    void the_schema_rejects_what_the_codec_rejects() throws Exception {
        ObjectNode missingCount = AuditCodecTest.tree(WireSamples.counts(true));
        missingCount.remove("count");
        assertThat(SCHEMA.validate(missingCount)).isNotEmpty();

        ObjectNode negative = AuditCodecTest.tree(WireSamples.aggregate());
        negative.put("bytes", -1);
        assertThat(SCHEMA.validate(negative)).isNotEmpty();

        ObjectNode future = AuditCodecTest.tree(WireSamples.progress());
        future.put("v", 2);
        assertThat(SCHEMA.validate(future)).isNotEmpty();

        ObjectNode badMode = AuditCodecTest.tree(WireSamples.counts(false));
        badMode.put("mode", "guess");
        assertThat(SCHEMA.validate(badMode)).isNotEmpty();
    }
}
