package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.reconciler.AlertSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs each alert's JSON (with a Slack-compatible {@code text} field) to a URL, once: a call that fails (an
 * exception, a timeout, a status other than 2xx) throws, and the dispatcher's retry policy decides when to try again
 * (it runs sinks off the reconciler's loop, so a slow receiver holds up nothing else). Failed calls are counted
 * ({@link #failures()}).
 */
public final class WebhookAlertSink implements AlertSink {
    private final HttpClient client;
    private final URI url;
    private final Duration timeout;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    /** @param timeout connect and request timeout of a call */
    public WebhookAlertSink(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void send(Alert alert) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alert.toJson()))
                .build();
        String error;
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (IOException e) {
            error = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertDeliveryException("interrupted while posting an alert to " + shown(), e);
        }
        failures.incrementAndGet();
        throw new AlertDeliveryException("posting an alert to " + shown() + " failed: " + error);
    }

    /** @return where alerts go, without the path that holds the webhook's secret */
    private String shown() {
        return io.tally.core.settings.Secrets.url(url.toString());
    }

    @Override
    public String toString() {
        return "webhook " + shown();
    }

    /** @return failed calls so far */
    public long failures() {
        return failures.get();
    }

    /** @return alerts delivered so far */
    public long delivered() {
        return delivered.get();
    }
}
