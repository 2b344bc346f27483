package io.tally.reconciler.internal.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tally.core.Bucket;
import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookAlertSinkIT {
    private HttpServer server;
    private final AtomicInteger failFirst = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(failFirst.getAndDecrement() > 0 ? 503 : 204, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static Alert alert() {
        Bucket b = new Bucket(1_800_000_000_000L, 60_000);
        Discrepancy d = new Discrepancy(
                Discrepancy.idOf("orders", "log", "consumer.x", b.start()),
                "orders",
                b,
                "log",
                "consumer.x",
                Verdict.LOSS,
                10,
                8,
                2,
                0,
                List.of(7L, 9L),
                List.of(),
                "",
                DiscrepancyStatus.OPEN,
                b.end(),
                0);
        return new Alert("orders", "log", "consumer.x", Verdict.LOSS, DiscrepancyStatus.OPEN, List.of(d), b.end());
    }

    @Test
    void posts_json_with_a_slack_text_once_and_throws_when_the_receiver_fails() {
        failFirst.set(1);
        WebhookAlertSink sink = new WebhookAlertSink(url("/ok"), Duration.ofSeconds(5));

        assertThatThrownBy(() -> sink.send(alert()))
                .isInstanceOf(AlertDeliveryException.class)
                .hasMessageContaining("failed: HTTP");
        sink.send(alert());

        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(1))
                .startsWith("{\"text\":\"LOSS on topic orders, log → consumer.x: 2 missing")
                .contains("lost ids 0000000000000007 0000000000000009")
                .contains("\"lostIds\":[\"0000000000000007\",\"0000000000000009\"]");
        assertThat(sink.failures()).isEqualTo(1);
        assertThat(sink.delivered()).isEqualTo(1);
    }

    @Test
    void a_receiver_that_times_out_fails_the_call_within_the_timeout() {
        WebhookAlertSink sink = new WebhookAlertSink(url("/slow"), Duration.ofMillis(200));

        assertThatThrownBy(() -> sink.send(alert()))
                .isInstanceOf(AlertDeliveryException.class)
                .hasMessageContaining("failed");
        assertThat(sink.failures()).isEqualTo(1);
    }
}
