/**
 * The pure verdict logic: given one edge, one bucket, the two tiers' aggregates and views of their progress, and
 * the clock's time, {@link io.tally.reconciler.internal.verdict.EdgeJudge} decides the
 * {@link io.tally.reconciler.internal.verdict.Judgement}; {@link io.tally.reconciler.internal.verdict.TierViews}
 * decides how far a tier has got (its watermark, following the clock when it is caught up and idle) and
 * {@link io.tally.reconciler.internal.verdict.AgentLiveness} how much an agent that died could have left uncounted.
 * No I/O, no threads: every rule of DESIGN.md's <em>Hard cases</em> is unit-tested here.
 */
package io.tally.reconciler.internal.verdict;
