package io.tally.api.internal.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tally.api.internal.view.Overview;
import io.tally.storage.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tally's metrics in the Prometheus text format. Gauges are set from each overview of the default window:
 * <ul>
 *   <li>{@code tally_discrepancies_open{kind}}: open discrepancies;</li>
 *   <li>{@code tally_verdicts{kind}}: edge-buckets of the window by their latest verdict;</li>
 *   <li>{@code tally_tier_lag_seconds{topic,tier}}: how far a tier's watermark trails its upstream's;</li>
 *   <li>{@code tally_reconcile_delay_seconds{topic}}: how far the newest judged bucket trails the clock;</li>
 * </ul>
 * and {@code tally_api_request_seconds{endpoint,status}} times every API request. Thread-safe.
 */
public final class ApiMetrics {
    private static final Duration[] SLOS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2_500)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge open;
    private final MultiGauge verdicts;
    private final MultiGauge lag;
    private final MultiGauge delay;

    public ApiMetrics() {
        open = MultiGauge.builder("tally.discrepancies.open")
                .description("Open discrepancies by kind")
                .register(registry);
        verdicts = MultiGauge.builder("tally.verdicts")
                .description("Edge-buckets of the API's window by their latest verdict")
                .register(registry);
        lag = MultiGauge.builder("tally.tier.lag")
                .baseUnit("seconds")
                .description("How far a tier's watermark trails its upstream tier's")
                .register(registry);
        delay = MultiGauge.builder("tally.reconcile.delay")
                .baseUnit("seconds")
                .description("How far the end of a topic's newest judged bucket trails the clock")
                .register(registry);
    }

    /** Sets the gauges from {@code o}; rows no longer in it disappear. */
    public void update(Overview o) {
        List<MultiGauge.Row<?>> openRows = new ArrayList<>();
        List<MultiGauge.Row<?>> verdictRows = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            if (v.isDiscrepancy()) {
                openRows.add(MultiGauge.Row.of(
                        Tags.of("kind", v.name()), o.openByKind().getOrDefault(v.name(), 0L)));
            }
            verdictRows.add(MultiGauge.Row.of(
                    Tags.of("kind", v.name()), o.verdictsByKind().getOrDefault(v.name(), 0L)));
        }
        open.register(openRows, true);
        verdicts.register(verdictRows, true);
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        for (Overview.TierSummary t : o.tiers()) {
            for (Overview.TierOnTopic on : t.topics()) {
                if (on.lagSeconds() != null) {
                    lagRows.add(MultiGauge.Row.of(Tags.of("topic", on.topic(), "tier", t.tier()), on.lagSeconds()));
                }
            }
        }
        lag.register(lagRows, true);
        List<MultiGauge.Row<?>> delayRows = new ArrayList<>();
        for (Overview.TopicSummary t : o.topics()) {
            if (t.reconcileDelaySeconds() != null) {
                delayRows.add(MultiGauge.Row.of(Tags.of("topic", t.topic()), t.reconcileDelaySeconds()));
            }
        }
        delay.register(delayRows, true);
    }

    /** Records one request. */
    public void request(String endpoint, int status, long nanos) {
        Timer.builder("tally.api.request")
                .description("API requests by endpoint and status")
                .tags("endpoint", endpoint, "status", Integer.toString(status))
                .serviceLevelObjectives(SLOS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** @return every metric in the Prometheus text format (version 0.0.4) */
    public String scrape() {
        return registry.scrape();
    }
}
