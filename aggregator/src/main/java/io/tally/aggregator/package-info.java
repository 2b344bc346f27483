/**
 * The aggregator's API: {@link io.tally.aggregator.AggregatorConfig} (the typed settings),
 * {@link io.tally.aggregator.AggregationJob} and {@link io.tally.aggregator.LogTierJob} (the pipelines, added to a
 * Flink environment), {@link io.tally.aggregator.LocalAggregator} (both on a MiniCluster in this JVM) and
 * {@link io.tally.aggregator.AggregatorMain} (the job jar's entry point for {@code flink run}).
 * Everything under {@code io.tally.aggregator.internal} is implementation.
 */
package io.tally.aggregator;
