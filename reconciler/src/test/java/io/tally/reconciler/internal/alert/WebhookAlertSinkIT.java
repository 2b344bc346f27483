package io.tally.reconciler.internal.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.reconciler.AlertSink;
import io.tally.reconciler.AlertSinkContract;
import io.tally.storage.DiscrepancyStatus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookAlertSinkIT extends AlertSinkContract {
    private HttpServer server;
    private final AtomicInteger failFirst = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    /** Holds the slow receiver's answer until the test is over. */
    private final CountDownLatch released = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(failFirst.getAndDecrement() > 0 ? 503 : 204, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    protected AlertSink newSink() {
        return new WebhookAlertSink(url("/ok"), Duration.ofSeconds(5));
    }

    @Override
    protected List<String> delivered() {
        return List.copyOf(bodies);
    }

    @Override
    protected Optional<AlertSink> sinkThatCannotDeliver() {
        return Optional.of(new WebhookAlertSink(url("/down"), Duration.ofSeconds(5)));
    }

    @Test
    void posts_json_with_a_slack_text_once_and_throws_when_the_receiver_fails() {
        failFirst.set(1);
        WebhookAlertSink sink = new WebhookAlertSink(url("/ok"), Duration.ofSeconds(5));

        assertThatThrownBy(() -> sink.send(alert(DiscrepancyStatus.OPEN)))
                .isInstanceOf(AlertDeliveryException.class)
                .hasMessageContaining("failed: HTTP");
        sink.send(alert(DiscrepancyStatus.OPEN));

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

        assertThatThrownBy(() -> sink.send(alert(DiscrepancyStatus.OPEN)))
                .isInstanceOf(AlertDeliveryException.class)
                .hasMessageContaining("failed");
        assertThat(sink.failures()).isEqualTo(1);
    }
}
