package io.tally.reconciler;

/**
 * Where alerts go: the log, a webhook, the Kafka topic {@code tally.alerts}, or your own. The reconciler calls
 * {@link #send} from a delivery thread of the sink's own, one alert at a time, so a slow sink holds up neither the
 * evaluation nor the other sinks; a sink that fails throws and the alert is tried again after a backoff, up to
 * {@code tally.reconciler.alert.max.attempts} times (what each sink sent is kept per discrepancy, so a restart
 * never sends it twice).
 */
public interface AlertSink extends AutoCloseable {

    /** @return the sink's name, stable across restarts: the key of what it sent in the alert state */
    String name();

    /**
     * Delivers one alert, waiting until it is delivered or failed.
     *
     * @throws AlertDeliveryException if it could not be delivered
     */
    void send(Alert alert);

    /** Releases the sink's resources. */
    @Override
    default void close() {}
}
