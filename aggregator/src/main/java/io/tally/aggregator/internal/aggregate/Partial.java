package io.tally.aggregator.internal.aggregate;

import io.tally.core.Heartbeat;
import java.util.Objects;

/**
 * What the {@link LocalCombiner}s pass to the {@link TopicTierAggregator} of one {@code topic|tier}: a partial sum
 * of audit records, or one agent's heartbeat for that topic (a <em>mark</em>). A mark follows, on the same channel,
 * every partial sum of the counts its agent sent before it: that order is what keeps progress from getting ahead of
 * the counts it covers.
 */
public final class Partial {
    private final Accumulator sum;
    private final Heartbeat mark;

    private Partial(Accumulator sum, Heartbeat mark) {
        this.sum = sum;
        this.mark = mark;
    }

    public static Partial of(Accumulator sum) {
        return new Partial(Objects.requireNonNull(sum), null);
    }

    /** @param mark a heartbeat that reports exactly one topic */
    public static Partial of(Heartbeat mark) {
        return new Partial(null, Objects.requireNonNull(mark));
    }

    /** @return the partial sum, or null for a mark */
    public Accumulator sum() {
        return sum;
    }

    /** @return the mark, or null for a partial sum */
    public Heartbeat mark() {
        return mark;
    }

    /** @return {@code topic|tier}, the key of the aggregator that takes it */
    public String key() {
        return sum != null ? sum.topic + '|' + sum.tier : Marks.topicOf(mark) + '|' + mark.tier();
    }
}
