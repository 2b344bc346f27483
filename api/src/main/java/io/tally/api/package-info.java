/**
 * Tally's read side over HTTP: the query API under {@code /api/v1}, the dashboard at {@code /}, {@code /health}
 * and Prometheus {@code /metrics}. It reads only the {@link io.tally.storage.AuditStore}; it never talks to the
 * reconciler. Javalin (Jetty 12) serves it: a small, well-kept server whose routes are plain lambdas, so the whole
 * API stays visible in one class; Jackson writes the JSON, Micrometer's Prometheus registry the metrics.
 */
package io.tally.api;
