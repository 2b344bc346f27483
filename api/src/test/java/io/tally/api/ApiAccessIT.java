package io.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.core.Clock;
import io.tally.storage.CassandraAuditStore;
import io.tally.storage.LocalCassandraNode;
import io.tally.storage.TallySchema;
import io.tally.storage.testing.CassandraNodeExtension;
import io.tally.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who may ask (bearer tokens), and what the API answers while its store is down and after it comes back. */
@ExtendWith(CassandraNodeExtension.class)
class ApiAccessIT {
    private static final String FIRST = "first-token-0123456789";
    private static final String SECOND = "second-token";
    private static CassandraAuditStore store;
    private static ApiServer server;
    private static OpenApiContract contract;

    @BeforeAll
    static void start(CqlSession session) {
        store = CassandraAuditStore.create(
                session, TallySchema.builder().keyspace("access_it").build());
        AuditFixtures.write(store, Clock.system().millis());
        server = ApiServer.start(
                store,
                ApiConfig.defaults()
                        .with(ApiConfig.PORT, 0)
                        .with(ApiConfig.TOKENS, FIRST + ", " + SECOND)
                        .with(ApiConfig.REFRESH_MS, 200),
                Clock.system());
        contract = new OpenApiContract(server.url(), FIRST);
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/discrepancies",
                "/api/v1/topics",
                "/api/v1/tiers",
                "/api/v1/meta",
                "/api/v1/openapi.json",
                "/api/v1/topics/orders/buckets",
                "/metrics",
                "/api/v1/no-such-path"
            })
    void every_endpoint_but_health_needs_one_of_the_tokens(String path) {
        Http.Answer none = Http.get(server.url(), path);
        Http.Answer wrong = Http.get(server.url(), path, FIRST + "x");
        Http.Answer prefix = Http.get(server.url(), path, FIRST.substring(0, 5));

        for (Http.Answer a : new Http.Answer[] {none, wrong, prefix}) {
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.json().get("error").asText()).contains("bearer token");
        }
        if (path.startsWith("/api/v1/") && !path.contains("no-such")) {
            contract.check(
                    path.equals("/api/v1/topics/orders/buckets") ? "/api/v1/topics/{topic}/buckets" : path, none);
        }
        assertThat(Http.get(server.url(), path, FIRST).status()).isIn(200, 404);
        assertThat(Http.get(server.url(), path, SECOND).status()).isIn(200, 404);
    }

    @Test
    void health_and_the_dashboard_files_need_no_token() {
        assertThat(Http.get(server.url(), "/health").status()).isEqualTo(200);
        assertThat(Http.get(server.url(), "/").status()).isEqualTo(200);
        assertThat(Http.get(server.url(), "/dashboard.js").status()).isEqualTo(200);
    }

    @Test
    void answers_503_while_the_store_is_down_and_recovers_when_it_is_back(LocalCassandraNode node, CqlSession shared) {
        assertThat(Http.get(server.url(), "/health").status()).isEqualTo(200);
        node.stop();
        try {
            Http.Answer health = Http.get(server.url(), "/health");
            Http.Answer list = Http.get(server.url(), "/api/v1/discrepancies", FIRST);
            Http.Answer buckets = Http.get(server.url(), "/api/v1/topics/orders/buckets", FIRST);

            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
            contract.check("/health", health);
            assertThat(list.status()).isEqualTo(503);
            assertThat(list.json().get("error").asText()).startsWith("the store is unavailable");
            contract.check("/api/v1/discrepancies", list);
            assertThat(buckets.status()).isEqualTo(503);
            awaitStatus("/api/v1/topics", 503); // once the cached overview is older than the refresh interval
        } finally {
            node.start();
        }
        awaitStatus("/health", 200);
        awaitStatus("/api/v1/discrepancies", 200);
        awaitStatus("/api/v1/topics", 200);
        // the next test class shares the session: leave it reconnected, control connection included
        Eventually.await(
                Duration.ofSeconds(60),
                Duration.ofMillis(250),
                "the shared session's schema agreement",
                shared::checkSchemaAgreement);
    }

    private static void awaitStatus(String path, int status) {
        Eventually.await(
                Duration.ofSeconds(60),
                Duration.ofMillis(250),
                "status " + status + " from GET " + path + " (the value: the last status)",
                () -> Http.get(server.url(), path, FIRST).status(),
                last -> last == status);
    }
}
