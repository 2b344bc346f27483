package io.tally.reconciler.internal.alert;

import io.tally.reconciler.Alert;
import io.tally.reconciler.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each alert at WARN (RESOLVED at INFO) on the logger {@code io.tally.reconciler.alerts}. */
public final class LogAlertSink implements AlertSink {
    private static final Logger ALERTS = LoggerFactory.getLogger("io.tally.reconciler.alerts");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void send(Alert alert) {
        if (alert.status() == io.tally.storage.DiscrepancyStatus.RESOLVED) {
            ALERTS.info("{}", alert.text());
        } else {
            ALERTS.warn("{}", alert.text());
        }
    }
}
