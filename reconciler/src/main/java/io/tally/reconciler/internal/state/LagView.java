package io.tally.reconciler.internal.state;

/** What the reconciler knows of consumer groups' lag: whether a tier has consumed a topic to its log end. */
@FunctionalInterface
public interface LagView {
    /** Knows nothing: every tier is judged by its heartbeats. */
    LagView NONE = (tier, topic) -> null;

    /** @return true or false for a consumer-group tier whose lag on {@code topic} is known, else null */
    Boolean caughtUp(String tier, String topic);
}
