package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertDeliveryException;
import io.tally.reconciler.AlertSink;
import java.util.ArrayList;
import java.util.List;

/** A sink that keeps what it was sent, and fails while told to. */
final class RecordingSink implements AlertSink {
    final List<Alert> alerts = new ArrayList<>();
    boolean failing;

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public void send(Alert alert) {
        if (failing) {
            throw new AlertDeliveryException("down");
        }
        alerts.add(alert);
    }
}
