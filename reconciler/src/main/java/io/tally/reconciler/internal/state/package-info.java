/**
 * The reconciler's memory and its evaluation loop, still without I/O:
 * {@link io.tally.reconciler.internal.state.Reconciliation} holds the aggregates of the open window
 * ({@link io.tally.reconciler.internal.state.BucketTable}), each tier's progress, the discrepancies known
 * ({@link io.tally.reconciler.internal.state.DiscrepancyBook}), and at each tick judges every edge-bucket that is not
 * final or whose aggregates changed, returning what changed ({@link io.tally.reconciler.internal.state.Evaluation}).
 * The cost of a tick grows with the topic-buckets in the window, not with messages or agents.
 */
package io.tally.reconciler.internal.state;
