package io.tally.standalone;

import io.tally.api.ApiConfig;
import io.tally.api.ApiServer;
import io.tally.core.Clock;
import io.tally.storage.AuditStore;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.CassandraSessions;
import io.tally.storage.TallySchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally api}: the query API and dashboard against a Cassandra cluster, until Ctrl-C. */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Serve the query API (/api/v1), the dashboard (/), /health and /metrics against a Cassandra "
                + "cluster until Ctrl-C. Settings: see api/README.md.")
final class ApiCommand implements Callable<Integer> {

    @Option(names = "--cassandra", defaultValue = "localhost:9042", paramLabel = "HOST[:PORT][,...]",
            description = "Cassandra contact points (default: ${DEFAULT-VALUE}).")
    String cassandra;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "Require this bearer token on every endpoint but /health; may be repeated.")
    List<String> tokens = new ArrayList<>();

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        Map<String, String> values = settings.load();
        values.put(ApiConfig.CASSANDRA_CONTACT_POINTS, cassandra);
        if (port != null) {
            values.put(ApiConfig.PORT, String.valueOf(port));
        }
        if (!tokens.isEmpty()) {
            values.put(ApiConfig.TOKENS, String.join(",", tokens));
        }
        ApiConfig config = ApiConfig.fromProperties(values);
        AuditStore store = CassandraAuditStore.connect(CassandraSessions.parseContactPoints(cassandra),
                config.getString(ApiConfig.CASSANDRA_DATACENTER),
                TallySchema.builder().keyspace(config.getString(ApiConfig.CASSANDRA_KEYSPACE)).build());
        ApiServer server;
        try {
            server = ApiServer.start(store, config, Clock.system());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        System.out.printf("API at %s/api/v1, dashboard at %s/ (Cassandra %s%s)%n", server.url(), server.url(),
                cassandra, tokens.isEmpty() ? "" : ", bearer token required");
        ForegroundService.runUntilStopped("the API", () -> {
            server.close();
            store.close();
        });
        return 0;
    }
}
