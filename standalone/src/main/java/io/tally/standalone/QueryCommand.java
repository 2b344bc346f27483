package io.tally.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally query}: discrepancies from a running API, as a table for people or JSON for scripts. It is a client
 * of {@code /api/v1/discrepancies} and nothing else: what it shows is what the API answers.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "List discrepancies from a running Tally API: a table, or --json for scripts. Exits 1 on an "
                + "error (the API's message is printed).")
final class QueryCommand implements Callable<Integer> {
    static final int ERROR = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            defaultValue = "http://localhost:8080",
            paramLabel = "URL",
            description = "Base URL of the API (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(
            names = "--api-token",
            paramLabel = "TOKEN",
            defaultValue = "${env:TALLY_API_TOKEN}",
            description = "Bearer token, if the API needs one (default: $TALLY_API_TOKEN).")
    String token;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic (then ordered by bucket).")
    String topic;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            description = "Only this kind: LOSS, DUPLICATION, MIXED, LATENCY, AUDIT_GAP or STALLED.")
    String kind;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only OPEN or RESOLVED.")
    String status;

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            description = "Only the last DURATION, for example 1h or 2d (sets --from).")
    Duration since;

    @Option(names = "--from", paramLabel = "TIME", description = "Epoch ms or ISO-8601 instant (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Epoch ms or ISO-8601 instant (exclusive).")
    String to;

    @Option(
            names = "--limit",
            defaultValue = "50",
            paramLabel = "N",
            description = "Most discrepancies per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after a previous page.")
    String cursor;

    @Option(names = "--all", description = "Follow the cursors and list every page.")
    boolean all;

    @Option(names = "--json", description = "Print JSON: the API's page, or with --all an array of every item.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ArrayNode items = JSON.createArrayNode();
        String next = cursor;
        JsonNode page;
        try {
            do {
                page = get(client, path(next));
                page.get("items").forEach(items::add);
                next = page.get("nextCursor").isNull()
                        ? null
                        : page.get("nextCursor").asText();
            } while (all && next != null);
        } catch (QueryFailed e) {
            err.println("tally query: " + e.getMessage());
            err.flush();
            return ERROR;
        }
        if (json) {
            out.println(all ? items.toPrettyString() : page.toPrettyString());
        } else {
            DiscrepancyTable.print(out, items);
            if (next != null) {
                out.println("more: add --cursor " + next + " (or --all)");
            }
        }
        out.flush();
        return 0;
    }

    private String path(String pageCursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("topic", topic);
        query.put("kind", kind);
        query.put("status", status);
        query.put(
                "from",
                since != null ? String.valueOf(io.tally.core.Clock.system().millis() - since.toMillis()) : from);
        query.put("to", to);
        query.put("limit", String.valueOf(limit));
        query.put("cursor", pageCursor);
        StringBuilder p = new StringBuilder("/api/v1/discrepancies");
        char sep = '?';
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                p.append(sep)
                        .append(e.getKey())
                        .append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return p.toString();
    }

    private JsonNode get(HttpClient client, String path) {
        URI uri = url.resolve(path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueryFailed(
                    "cannot reach the API at " + url + ": " + (e.getMessage() == null ? e : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryFailed("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new QueryFailed(uri + " answered " + response.statusCode() + " with something that is not JSON; "
                    + "is --url a Tally API?");
        }
        if (response.statusCode() != 200) {
            String parameter = body.path("parameter").isTextual()
                    ? " (" + body.get("parameter").asText() + ")"
                    : "";
            throw new QueryFailed("the API answered " + response.statusCode() + parameter + ": "
                    + body.path("error").asText(response.body()));
        }
        return body;
    }

    /** A failed query: its message is all the user needs. */
    private static final class QueryFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QueryFailed(String message) {
            super(message, null, false, false);
        }
    }
}
