package io.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.URI;
import java.util.Set;

/**
 * Checks real answers against the OpenAPI document the server itself serves: the schema of the documented
 * response for that path, method and status. An answer whose status the document does not list fails.
 */
final class OpenApiContract {
    private final JsonNode document;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    OpenApiContract(URI server, String token) {
        Http.Answer doc = Http.get(server, "/api/v1/openapi.json", token);
        assertThat(doc.status()).isEqualTo(200);
        this.document = doc.json();
        assertThat(document.path("openapi").asText()).startsWith("3.");
    }

    /** Asserts that {@code answer} to GET {@code template} matches its documented schema. */
    void check(String template, Http.Answer answer) {
        String pointer = "/paths/" + escape(template) + "/get/responses/" + answer.status()
                + "/content/application~1json/schema";
        assertThat(document.at(pointer).isMissingNode())
                .as("the document lists status %d of GET %s", answer.status(), template)
                .isFalse();
        ObjectNode root = document.deepCopy();
        root.put("$ref", "#" + pointer);
        JsonSchema schema = factory.getSchema(root);
        Set<ValidationMessage> errors = schema.validate(answer.json());
        assertThat(errors)
                .as("GET %s answered %d: %s", template, answer.status(), answer.body())
                .isEmpty();
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }
}
