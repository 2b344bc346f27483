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
 * POSTs each alert's JSON (with a Slack-compatible {@code text} field) to a URL. A call that fails (an exception, a
 * timeout, a status other than 2xx) is retried {@code retries} times with a backoff that doubles from
 * {@code backoff}; then {@link #send} throws and the dispatcher tries again at a later evaluation. Failed calls
 * are counted ({@link #failures()}).
 */
public final class WebhookAlertSink implements AlertSink {
    private final HttpClient client;
    private final URI url;
    private final Duration timeout;
    private final int retries;
    private final Duration backoff;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    public WebhookAlertSink(URI url, Duration timeout, int retries, Duration backoff) {
        this.url = url;
        this.timeout = timeout;
        this.retries = retries;
        this.backoff = backoff;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void send(Alert alert) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alert.toJson())).build();
        String lastError = "";
        long wait = backoff.toMillis();
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                sleep(wait);
                wait = Math.min(wait * 2, 60_000);
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                lastError = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastError = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AlertDeliveryException("interrupted while posting an alert to " + url, e);
            }
            failures.incrementAndGet();
        }
        throw new AlertDeliveryException("posting an alert to " + url + " failed " + (retries + 1) + " times: "
                + lastError);
    }

    /** @return failed calls so far (each retry counts) */
    public long failures() {
        return failures.get();
    }

    /** @return alerts delivered so far */
    public long delivered() {
        return delivered.get();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertDeliveryException("interrupted while waiting to retry a webhook", e);
        }
    }
}
