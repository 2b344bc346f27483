package io.tally.storage;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The replication of the {@code tally} keyspace: SimpleStrategy with one factor (one data center, the local node)
 * or NetworkTopologyStrategy with a factor per data center (a real cluster). Immutable.
 */
public final class Replication {
    private final String strategy;
    private final Map<String, Integer> factors;

    private Replication(String strategy, Map<String, Integer> factors) {
        this.strategy = strategy;
        this.factors = factors;
    }

    /**
     * SimpleStrategy: every row on {@code factor} nodes, data centers ignored. Right for one node or one data center.
     *
     * @throws IllegalArgumentException if factor is below 1
     */
    public static Replication simple(int factor) {
        checkFactor("replication_factor", factor);
        return new Replication("SimpleStrategy", Map.of("replication_factor", factor));
    }

    /**
     * NetworkTopologyStrategy: {@code factorsByDatacenter.get(dc)} copies of every row in each named data center.
     *
     * @throws IllegalArgumentException if the map is empty, a name is blank or a factor is below 1
     */
    public static Replication networkTopology(Map<String, Integer> factorsByDatacenter) {
        if (factorsByDatacenter.isEmpty()) {
            throw new IllegalArgumentException("NetworkTopologyStrategy needs at least one data center");
        }
        Map<String, Integer> copy = new TreeMap<>();
        factorsByDatacenter.forEach((dc, factor) -> {
            if (dc == null || dc.isBlank() || dc.contains("'")) {
                throw new IllegalArgumentException("bad data center name '" + dc + "'");
            }
            checkFactor(dc, Objects.requireNonNull(factor, dc));
            copy.put(dc, factor);
        });
        return new Replication("NetworkTopologyStrategy", java.util.Collections.unmodifiableMap(copy));
    }

    /**
     * Parses the text form of configuration files and command lines: a single number for SimpleStrategy
     * ({@code "3"}), or {@code dc=factor} pairs for NetworkTopologyStrategy ({@code "dc1=3,dc2=2"}).
     *
     * @throws IllegalArgumentException naming the text, if it is neither
     */
    public static Replication parse(String text) {
        String spec = Objects.requireNonNull(text, "text").trim();
        try {
            if (!spec.contains("=")) {
                return simple(Integer.parseInt(spec));
            }
            Map<String, Integer> factors = new TreeMap<>();
            for (String pair : spec.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || factors.put(kv[0].trim(), Integer.parseInt(kv[1].trim())) != null) {
                    throw new IllegalArgumentException("bad or repeated pair '" + pair.trim() + "'");
                }
            }
            return networkTopology(factors);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "replication must be a factor (\"1\") or dc=factor pairs " + "(\"dc1=3,dc2=2\"), was '" + text
                            + "': " + e.getMessage(),
                    e);
        }
    }

    /** {@code SimpleStrategy} or {@code NetworkTopologyStrategy}. */
    public String strategy() {
        return strategy;
    }

    /** The factors: {@code replication_factor} for SimpleStrategy, else data center name to factor. */
    public Map<String, Integer> factors() {
        return factors;
    }

    /** The CQL map literal of {@code WITH replication = ...}. */
    public String toCql() {
        return factors.entrySet().stream()
                .map(e -> "'" + e.getKey() + "': " + e.getValue())
                .collect(Collectors.joining(", ", "{'class': '" + strategy + "', ", "}"));
    }

    private static void checkFactor(String what, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("replication factor of " + what + " must be at least 1, was " + factor);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Replication r && r.strategy.equals(strategy) && r.factors.equals(factors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(strategy, factors);
    }

    @Override
    public String toString() {
        return toCql();
    }
}
