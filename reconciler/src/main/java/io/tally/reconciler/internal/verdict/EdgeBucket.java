package io.tally.reconciler.internal.verdict;

import io.tally.core.Bucket;
import io.tally.core.TierAggregate;
import io.tally.reconciler.internal.topology.Edge;
import io.tally.reconciler.internal.topology.TopicPolicy;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One edge in one bucket, with all that {@link EdgeJudge} judges it from but the clock: the two tiers' aggregates of
 * the bucket, how far each tier has got, and what the audit itself may have missed there. Immutable; thread-safe if
 * {@code gapAllowance} is.
 *
 * @param edge         the edge
 * @param judged       whether the topology judges this edge at all (it does not judge a consumer of a compacted topic)
 * @param policy       the upstream topic's policy (its latency SLA)
 * @param bucket       the bucket
 * @param up           the upstream tier's aggregate of the bucket, or null if it reported none
 * @param down         the downstream tier's aggregate, or null
 * @param upView       how far the upstream tier has got
 * @param downView     how far the downstream tier has got
 * @param gapAllowance messages that dead agents of the two tiers could have left uncounted in this bucket; asked for
 *                     only when there is a difference to explain
 * @param droppedUp    messages the upstream tier's agents could not count in this bucket
 * @param droppedDown  messages the downstream tier's agents could not count in this bucket
 */
public record EdgeBucket(
        Edge edge,
        boolean judged,
        TopicPolicy policy,
        Bucket bucket,
        TierAggregate up,
        TierAggregate down,
        TierView upView,
        TierView downView,
        LongSupplier gapAllowance,
        long droppedUp,
        long droppedDown) {

    /** @throws NullPointerException if a component other than {@code up} or {@code down} is null */
    public EdgeBucket {
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(upView, "upView");
        Objects.requireNonNull(downView, "downView");
        Objects.requireNonNull(gapAllowance, "gapAllowance");
    }

    /**
     * @param edge     the edge
     * @param bucket   the bucket
     * @param upView   how far the upstream tier has got
     * @param downView how far the downstream tier has got
     * @return a builder of an edge-bucket the topology judges, with the default policy, no aggregate from either tier,
     *     no gap allowance and nothing dropped; set only what differs
     */
    public static Builder builder(Edge edge, Bucket bucket, TierView upView, TierView downView) {
        return new Builder(edge, bucket, upView, downView);
    }

    /** Collects the components of an {@link EdgeBucket}, each documented there; not thread-safe. */
    public static final class Builder {
        private static final LongSupplier NO_GAP = () -> 0;

        private final Edge edge;
        private final Bucket bucket;
        private final TierView upView;
        private final TierView downView;
        private boolean judged = true;
        private TopicPolicy policy = TopicPolicy.defaults();
        private TierAggregate up;
        private TierAggregate down;
        private LongSupplier gapAllowance = NO_GAP;
        private long droppedUp;
        private long droppedDown;

        private Builder(Edge edge, Bucket bucket, TierView upView, TierView downView) {
            this.edge = edge;
            this.bucket = bucket;
            this.upView = upView;
            this.downView = downView;
        }

        /** Whether the topology judges the edge; default true. */
        public Builder judged(boolean judged) {
            this.judged = judged;
            return this;
        }

        /** The upstream topic's policy; default {@link TopicPolicy#defaults()}. */
        public Builder policy(TopicPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** The upstream tier's aggregate of the bucket; default {@code null}: it reported none. */
        public Builder up(TierAggregate up) {
            this.up = up;
            return this;
        }

        /** The downstream tier's aggregate of the bucket; default {@code null}: it reported none. */
        public Builder down(TierAggregate down) {
            this.down = down;
            return this;
        }

        /** Messages dead agents of the two tiers could have left uncounted, asked for only when needed; default 0. */
        public Builder gapAllowance(LongSupplier gapAllowance) {
            this.gapAllowance = gapAllowance;
            return this;
        }

        /** Messages the upstream tier's agents could not count in the bucket; default 0. */
        public Builder droppedUp(long droppedUp) {
            this.droppedUp = droppedUp;
            return this;
        }

        /** Messages the downstream tier's agents could not count in the bucket; default 0. */
        public Builder droppedDown(long droppedDown) {
            this.droppedDown = droppedDown;
            return this;
        }

        /**
         * @return the edge-bucket
         * @throws NullPointerException as the canonical constructor does
         */
        public EdgeBucket build() {
            return new EdgeBucket(
                    edge, judged, policy, bucket, up, down, upView, downView, gapAllowance, droppedUp, droppedDown);
        }
    }
}
