package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.api.ApiConfig;
import io.tally.api.ApiServer;
import io.tally.core.Bucket;
import io.tally.core.Clock;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.InMemoryAuditStore;
import io.tally.storage.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tally query} against a running API server: the table, --json, paging and errors. */
class QueryCommandIT {
    private static final String TOKEN = "query-token";
    private static final InMemoryAuditStore STORE = new InMemoryAuditStore();
    private static ApiServer server;

    @BeforeAll
    static void start() {
        long now = Clock.system().millis();
        for (int i = 0; i < 5; i++) {
            Bucket b = new Bucket(Bucket.startOf(now, 60_000) - (i + 2) * 60_000L, 60_000);
            boolean loss = i != 1;
            STORE.putDiscrepancy(new Discrepancy(
                    Discrepancy.idOf("orders", "log", "consumer.billing", b.start()),
                    "orders",
                    b,
                    "log",
                    "consumer.billing",
                    loss ? Verdict.LOSS : Verdict.DUPLICATION,
                    1_000,
                    loss ? 996 : 1_001,
                    loss ? 4 : 0,
                    loss ? 0 : 1,
                    loss ? List.of(0xabcdefL, -1L, 7L, 8L) : List.of(),
                    loss ? List.of() : List.of(9L),
                    "",
                    DiscrepancyStatus.OPEN,
                    now - i * 1_000L,
                    0));
        }
        server = ApiServer.start(
                STORE, ApiConfig.defaults().with(ApiConfig.PORT, 0).with(ApiConfig.TOKENS, TOKEN), Clock.system());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = TallyCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] query(String... more) {
        String[] base = {"query", "--url", server.url().toString(), "--api-token", TOKEN};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void prints_a_table_with_the_lost_ids_in_hex() {
        Run r = run(query("--kind", "LOSS"));

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("KIND").contains("STATUS", "TOPIC", "EDGE", "MISSING", "LOST IDS");
        assertThat(lines).hasSize(1 + 4);
        assertThat(lines.get(1))
                .startsWith("LOSS")
                .contains("OPEN", "orders", "log → consumer.billing")
                .contains("0000000000abcdef ffffffffffffffff 0000000000000007 +1");
    }

    @Test
    void prints_the_api_json_for_scripts_and_follows_cursors_with_all() throws Exception {
        Run page = run(query("--json", "--limit", "2"));
        Run all = run(query("--json", "--limit", "2", "--all"));
        Run table = run(query("--limit", "2"));

        JsonNode first = new ObjectMapper().readTree(page.out());
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("nextCursor").asText()).isNotEmpty();
        JsonNode every = new ObjectMapper().readTree(all.out());
        assertThat(every).hasSize(5);
        assertThat(every.get(1).get("kind").asText()).isEqualTo("DUPLICATION");
        assertThat(every.get(1).get("duplicatedIds").get(0).asText()).isEqualTo("0000000000000009");
        assertThat(table.out())
                .contains("more: add --cursor " + first.get("nextCursor").asText());
    }

    @Test
    void exits_non_zero_with_the_api_message_on_an_error() {
        Run badKind = run(query("--kind", "LOST"));
        Run noToken = run("query", "--url", server.url().toString(), "--api-token", "");
        Run nobody = run("query", "--url", "http://127.0.0.1:1");

        assertThat(badKind.exit()).isEqualTo(QueryCommand.ERROR);
        assertThat(badKind.err()).contains("400 (kind)").contains("unknown kind 'LOST'");
        assertThat(noToken.exit()).isEqualTo(QueryCommand.ERROR);
        assertThat(noToken.err()).contains("401");
        assertThat(nobody.exit()).isEqualTo(QueryCommand.ERROR);
        assertThat(nobody.err()).contains("cannot reach the API at http://127.0.0.1:1");
    }
}
