/**
 * Alerting: the {@link io.tally.reconciler.internal.alert.AlertDispatcher} decides what to send (thresholds per
 * topic, a hold so a late-noticed agent death can turn a loss into AUDIT_GAP first, one alert per discrepancy and
 * status, grouped per topic and edge, RESOLVED only after an OPEN was sent, nothing twice across restarts thanks
 * to the stored alert state) and the sinks deliver: the log, a webhook (JSON POST with a Slack-compatible
 * {@code text}, timeouts, retries with backoff) and the Kafka topic {@code tally.alerts}.
 */
package io.tally.reconciler.internal.alert;
