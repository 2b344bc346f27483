/**
 * The API's Prometheus metrics, through Micrometer's Prometheus registry: what the overview shows as gauges, and
 * the latency of the API's own requests. Labels are topic, tier, kind and endpoint, never partitions.
 */
package io.tally.api.internal.metrics;
