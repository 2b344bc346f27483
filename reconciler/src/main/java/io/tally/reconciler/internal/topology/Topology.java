package io.tally.reconciler.internal.topology;

import io.tally.core.Tiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The edges to judge and the policy of each topic. Without explicit edges it is the default topology: for each
 * topic, {@code producer → log} and {@code log → every other tier} that reported on it (with no log tier,
 * {@code producer → every other tier}); a tier whose agents read with {@code isolation.level=read_committed} hangs
 * from {@code log.committed} instead, where that tier counts the topic (the records of aborted transactions are in
 * {@code log} but never reach it). {@code log.committed} itself is not judged against {@code log}: the difference is
 * what transactions aborted. Whether a topic has a log tier does not depend on timing: once the log tier
 * is expected ({@link LogTier}), a topic it has not reported on yet still has the log edges, which wait for it
 * (PENDING, then STALLED) instead of being judged without it. With explicit edges, exactly those (an edge without
 * topics applies to every topic that both of its tiers reported on; one declared for a topic, as soon as its upstream
 * tier reported on it). Immutable and thread-safe.
 */
public final class Topology {
    /** The tier the log-tier job counts what {@code read_committed} readers can see as. */
    public static final String LOG_COMMITTED = Tiers.LOG_COMMITTED;

    private static final Pattern NO_TOPIC = Pattern.compile("(?!)");
    private final String producerTier;
    private final String logTier;
    private final List<EdgeRule> rules;
    private final Map<String, TopicPolicy> policies;
    private final TopicPolicy defaultPolicy;
    private final LogTier logTierMode;
    private final Pattern logTopics;
    private final Pattern committedTopics;

    /** When the default topology expects the log tier on a topic. */
    public enum LogTier {
        /** Once the log tier has reported on any topic (this reconciler has then seen it run for the cluster). */
        AUTO,
        /** Always: the deployment runs the log-tier job. */
        EXPECTED,
        /** Only on topics it has reported on. */
        NONE
    }

    /**
     * One configured edge.
     *
     * @param upstreamTier    upstream tier
     * @param downstreamTier  downstream tier
     * @param upstreamTopic   the topic it applies to, or null for every topic
     * @param downstreamTopic the downstream topic name when renamed, or null for the same name
     * @param partial         see {@link Edge#partial()}
     * @param judgeCompacted  see {@link Edge#judgeCompacted()}
     */
    public record EdgeRule(
            String upstreamTier,
            String downstreamTier,
            String upstreamTopic,
            String downstreamTopic,
            boolean partial,
            boolean judgeCompacted,
            boolean countsOnly) {
        public EdgeRule {
            Objects.requireNonNull(upstreamTier, "from");
            Objects.requireNonNull(downstreamTier, "to");
            if (upstreamTier.equals(downstreamTier)
                    && (downstreamTopic == null || downstreamTopic.equals(upstreamTopic))) {
                throw new IllegalArgumentException(
                        "edge " + upstreamTier + " → " + downstreamTier + " joins a tier to itself");
            }
        }
    }

    public Topology(
            String producerTier,
            String logTier,
            List<EdgeRule> rules,
            Map<String, TopicPolicy> policies,
            TopicPolicy defaultPolicy) {
        this(producerTier, logTier, rules, policies, defaultPolicy, LogTier.AUTO, Pattern.compile(".*"), NO_TOPIC);
    }

    private Topology(
            String producerTier,
            String logTier,
            List<EdgeRule> rules,
            Map<String, TopicPolicy> policies,
            TopicPolicy defaultPolicy,
            LogTier logTierMode,
            Pattern logTopics,
            Pattern committedTopics) {
        this.producerTier = Objects.requireNonNull(producerTier);
        this.logTier = Objects.requireNonNull(logTier);
        this.rules = List.copyOf(rules);
        this.policies = Map.copyOf(policies);
        this.defaultPolicy = Objects.requireNonNull(defaultPolicy);
        this.logTierMode = Objects.requireNonNull(logTierMode);
        this.logTopics = Objects.requireNonNull(logTopics);
        this.committedTopics = Objects.requireNonNull(committedTopics);
    }

    /** The default topology with default policies. */
    public static Topology defaults() {
        return new Topology("producer", "log", List.of(), Map.of(), TopicPolicy.defaults());
    }

    /** @return this topology with another default policy (topics without their own use it) */
    public Topology withDefaultPolicy(TopicPolicy policy) {
        return new Topology(producerTier, logTier, rules, policies, policy, logTierMode, logTopics, committedTopics);
    }

    /**
     * @param mode   when the log tier is expected on a topic
     * @param topics the topics the log-tier job reads (its {@code tally.log.topics}); others never expect it
     * @return this topology with that expectation of the log tier
     */
    public Topology withLogTier(LogTier mode, Pattern topics) {
        return new Topology(producerTier, logTier, rules, policies, defaultPolicy, mode, topics, committedTopics);
    }

    /**
     * @param topics the topics the log-tier job also counts as {@code log.committed} (its
     *               {@code tally.log.committed.topics}): where the log tier is expected, their {@code read_committed}
     *               tiers wait for {@code log.committed} rather than being judged against {@code log}
     * @return this topology with that expectation of {@code log.committed}
     */
    public Topology withLogCommitted(Pattern topics) {
        return new Topology(producerTier, logTier, rules, policies, defaultPolicy, logTierMode, logTopics, topics);
    }

    /** @return the log tier's name */
    public String logTier() {
        return logTier;
    }

    /** @return the policy of {@code topic} */
    public TopicPolicy policy(String topic) {
        return policies.getOrDefault(topic, defaultPolicy);
    }

    /** @return the producer tier's name */
    public String producerTier() {
        return producerTier;
    }

    /** As {@link #edges(String, Set, Function, boolean, Predicate)} before the log tier was seen anywhere. */
    public List<Edge> edges(String topic, Set<String> tiers, Function<String, Set<String>> tiersOf) {
        return edges(topic, tiers, tiersOf, false, tier -> false);
    }

    /** As {@link #edges(String, Set, Function, boolean, Predicate)} with no tier reading committed records only. */
    public List<Edge> edges(
            String topic, Set<String> tiers, Function<String, Set<String>> tiersOf, boolean logTierSeen) {
        return edges(topic, tiers, tiersOf, logTierSeen, tier -> false);
    }

    /**
     * The edges whose upstream topic is {@code topic}.
     *
     * @param tiers       tiers that reported on {@code topic}
     * @param tiersOf     tiers that reported on another topic (for renamed edges), by topic
     * @param logTierSeen whether the log tier has reported on any topic
     * @param readCommitted whether a tier's agents read {@code topic} with {@code isolation.level=read_committed}
     */
    public List<Edge> edges(
            String topic,
            Set<String> tiers,
            Function<String, Set<String>> tiersOf,
            boolean logTierSeen,
            Predicate<String> readCommitted) {
        return edges(topic, tiers, tiersOf, logTierSeen, readCommitted, false);
    }

    /**
     * The edges whose upstream topic is {@code topic}.
     *
     * @param transactional whether the brokers said the topic is written in transactions: where the log tier is
     *     expected, the log tier then counts it as {@code log.committed} by itself, and its {@code read_committed}
     *     tiers wait for that tier as for a topic of {@code tally.log.committed.topics}
     * @see #edges(String, Set, Function, boolean, Predicate)
     */
    public List<Edge> edges(
            String topic,
            Set<String> tiers,
            Function<String, Set<String>> tiersOf,
            boolean logTierSeen,
            Predicate<String> readCommitted,
            boolean transactional) {
        List<Edge> edges = rawEdges(topic, tiers, tiersOf, logTierSeen, readCommitted, transactional);
        if (policy(topic).partialProducers()) {
            edges.replaceAll(e -> e.upstreamTier().equals(producerTier) ? e.asLossOnly() : e);
        }
        return edges;
    }

    private List<Edge> rawEdges(
            String topic,
            Set<String> tiers,
            Function<String, Set<String>> tiersOf,
            boolean logTierSeen,
            Predicate<String> readCommitted,
            boolean transactional) {
        List<Edge> edges = new ArrayList<>();
        if (rules.isEmpty()) {
            boolean logExpected = switch (logTierMode) {
                        case AUTO -> logTierSeen;
                        case EXPECTED -> true;
                        case NONE -> false;
                    }
                    && logTopics.matcher(topic).matches();
            String root = tiers.contains(logTier) || logExpected
                    ? logTier
                    : tiers.contains(producerTier) ? producerTier : null;
            if (root == null) {
                return edges;
            }
            if (root.equals(logTier) && tiers.contains(producerTier)) {
                edges.add(Edge.of(topic, producerTier, logTier));
            }
            boolean committedCounted = root.equals(logTier)
                    && (tiers.contains(LOG_COMMITTED)
                            || logExpected
                                    && (transactional
                                            || committedTopics.matcher(topic).matches()));
            for (String tier : tiers) {
                if (!tier.equals(producerTier) && !tier.equals(logTier) && !tier.equals(LOG_COMMITTED)) {
                    Edge edge =
                            Edge.of(topic, committedCounted && readCommitted.test(tier) ? LOG_COMMITTED : root, tier);
                    // a reader without a group reads what it is given, from where it starts, as often as it needs
                    // (a restore, a cache loader, a source restored from its checkpoint): a re-read is no duplication
                    edges.add(Tiers.isReader(tier) ? edge.asLossOnly() : edge);
                }
            }
            return edges;
        }
        for (EdgeRule r : rules) {
            if (r.upstreamTopic() != null && !r.upstreamTopic().equals(topic)) {
                continue;
            }
            String downTopic = r.downstreamTopic() == null ? topic : r.downstreamTopic();
            Set<String> downTiers = downTopic.equals(topic) ? tiers : tiersOf.apply(downTopic);
            // an edge declared for this topic is expected: a downstream side that has not reported (silent, or
            // its aggregates arriving at another reconciler) waits, then stalls, rather than going unjudged
            boolean declared = r.upstreamTopic() != null;
            if (tiers.contains(r.upstreamTier()) && (declared || downTiers.contains(r.downstreamTier()))) {
                Edge edge = new Edge(
                        r.upstreamTier(), topic, r.downstreamTier(), downTopic, r.partial(), r.judgeCompacted());
                edges.add(r.countsOnly() ? edge.asCountsOnly() : edge);
            }
        }
        return edges;
    }

    /** @return whether {@code edge} is judged under its topic's policy (compacted topics: producer → log only) */
    public boolean judged(Edge edge) {
        return !policy(edge.upstreamTopic()).compacted()
                || edge.upstreamTier().equals(producerTier)
                || edge.judgeCompacted();
    }

    /** @return the tiers that are upstream of {@code tier} on {@code topic} */
    public List<String> upstreamOf(String tier, String topic, Set<String> tiers) {
        List<String> ups = new ArrayList<>();
        for (Edge e : edges(topic, tiers, t -> Set.of(), false, t -> false)) {
            if (e.downstreamTier().equals(tier)) {
                ups.add(e.upstreamTier());
            }
        }
        return ups;
    }
}
