package io.tally.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tally.core.Bucket;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AlertSink} does, as its Javadoc says: it has a name that does not change, {@link AlertSink#send}
 * has delivered the alert (OPEN or RESOLVED, each once) by the time it returns, a delivery that fails throws
 * {@link AlertDeliveryException} (the dispatcher's cue to try again later), and the sink can be closed after use.
 * Each sink's test extends this class and says how to make the sink and what its receiver got.
 */
public abstract class AlertSinkContract {

    /** @return a new sink whose receiver accepts everything; {@link #delivered()} shows what it got */
    protected abstract AlertSink newSink() throws Exception;

    /** @return what the receiver got so far, one entry per delivered alert, oldest first (a line, a body, a value) */
    protected abstract List<String> delivered() throws Exception;

    /** @return a sink whose receiver refuses or does not answer, or empty if this kind of sink cannot fail */
    protected abstract Optional<AlertSink> sinkThatCannotDeliver() throws Exception;

    @Test
    void has_a_name_that_is_the_same_for_every_instance() throws Exception {
        try (AlertSink one = newSink();
                AlertSink other = newSink()) {
            assertThat(one.name()).isNotBlank().isEqualTo(other.name());
        }
    }

    @Test
    void has_delivered_an_open_alert_when_send_returns() throws Exception {
        Alert alert = alert(DiscrepancyStatus.OPEN);
        try (AlertSink sink = newSink()) {
            sink.send(alert);

            assertThat(delivered()).singleElement().asString().contains(alert.text());
        }
    }

    @Test
    void delivers_a_resolved_alert_as_resolved() throws Exception {
        Alert alert = alert(DiscrepancyStatus.RESOLVED);
        try (AlertSink sink = newSink()) {
            sink.send(alert);

            assertThat(delivered()).singleElement().asString().contains("RESOLVED LOSS on topic orders");
        }
    }

    @Test
    void delivers_each_alert_once_in_the_order_sent() throws Exception {
        try (AlertSink sink = newSink()) {
            sink.send(alert(DiscrepancyStatus.OPEN));
            sink.send(alert(DiscrepancyStatus.RESOLVED));

            assertThat(delivered()).hasSize(2);
            assertThat(delivered().get(0))
                    .contains(alert(DiscrepancyStatus.OPEN).text());
            assertThat(delivered().get(1))
                    .contains(alert(DiscrepancyStatus.RESOLVED).text());
        }
    }

    @Test
    void a_failed_delivery_throws_a_retriable_exception_that_says_why() throws Exception {
        Optional<AlertSink> failing = sinkThatCannotDeliver();
        assumeTrue(failing.isPresent(), "this kind of sink cannot fail to deliver");
        try (AlertSink sink = failing.get()) {
            assertThatThrownBy(() -> sink.send(alert(DiscrepancyStatus.OPEN)))
                    .isInstanceOf(AlertDeliveryException.class)
                    .hasMessageContaining("failed");
        }
    }

    /** @return a loss of 2 records (ids 7 and 9) on {@code orders}, {@code log → consumer.x}, with {@code status} */
    protected static Alert alert(DiscrepancyStatus status) {
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
                status,
                b.end(),
                status == DiscrepancyStatus.RESOLVED ? b.end() + 60_000 : 0);
        return new Alert("orders", "log", "consumer.x", Verdict.LOSS, status, List.of(d), b.end());
    }
}
