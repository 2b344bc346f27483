package io.tally.standalone;

import io.tally.api.ApiConfig;
import io.tally.api.ApiServer;
import io.tally.core.Clock;
import io.tally.core.settings.SharedSettings;
import io.tally.storage.AuditStore;
import io.tally.storage.AuditStores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally api}: the query API and dashboard against a Cassandra cluster, until Ctrl-C. */
@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        description = "Serve the query API (/api/v1), the dashboard (/), /health and /metrics against a Cassandra "
                + "cluster until Ctrl-C. Settings: see api/README.md.")
final class ApiCommand implements Callable<Integer> {

    // No picocli default: a flag left out must not hide the same setting given by the environment or a file.
    @Option(
            names = "--cassandra",
            paramLabel = "HOST[:PORT][,...]",
            description = "Cassandra contact points (default: tally.cassandra.contact.points, else localhost:9042).")
    String cassandra;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: 8080; 0 picks a free one).")
    Integer port;

    @Option(
            names = "--api-token",
            paramLabel = "TOKEN",
            description = "Require this bearer token on every endpoint but /health; may be repeated.")
    List<String> tokens = new ArrayList<>();

    @Mixin
    Settings settings;

    @Override
    public Integer call() throws Exception {
        ApiConfig config = ApiConfig.fromProperties(values(System.getenv()));
        String contactPoints = config.getString(SharedSettings.CASSANDRA_CONTACT_POINTS);
        AuditStore store = AuditStores.open(config);
        ApiServer server;
        try {
            server = ApiServer.start(store, config, Clock.system());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        System.out.printf(
                "API at %s/api/v1, dashboard at %s/ (Cassandra %s%s)%n",
                server.url(), server.url(), contactPoints, config.tokens().isEmpty() ? "" : ", bearer token required");
        ForegroundService.runUntilStopped("the API", () -> {
            server.close();
            store.close();
        });
        return 0;
    }

    /** @return the settings of {@code environment}, --config and --set, with this command's flags on top */
    Map<String, String> values(Map<String, String> environment) throws IOException {
        Map<String, String> values = settings.load(environment);
        if (cassandra != null) {
            values.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cassandra);
        }
        if (port != null) {
            values.put(ApiConfig.PORT, String.valueOf(port));
        }
        if (!tokens.isEmpty()) {
            values.put(ApiConfig.TOKENS, String.join(",", tokens));
        }
        return values;
    }
}
