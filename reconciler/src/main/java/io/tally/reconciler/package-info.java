/**
 * The reconciler's API: {@link io.tally.reconciler.ReconcilerService} (start it with a
 * {@link io.tally.reconciler.ReconcilerConfig}), its counters ({@link io.tally.reconciler.ReconcilerStats}) and the
 * alert extension point ({@link io.tally.reconciler.AlertSink}, {@link io.tally.reconciler.Alert}). Everything under
 * {@code io.tally.reconciler.internal} may change without notice.
 */
package io.tally.reconciler;
