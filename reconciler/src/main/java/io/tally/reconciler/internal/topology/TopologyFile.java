package io.tally.reconciler.internal.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.storage.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a topology file (JSON; the format is in the module README). Errors name the file, the field and the value.
 */
public final class TopologyFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EDGE_FIELDS =
            Set.of("from", "to", "topics", "toTopic", "partial", "judgeCompacted", "countsOnly");
    private static final Set<String> POLICY_FIELDS = Set.of(
            "partialProducers",
            "compacted",
            "latencySlaMs",
            "latencyPercentile",
            "alertMinMissing",
            "alertMinDuplicated",
            "alertKinds");

    private TopologyFile() {}

    /** @throws IllegalArgumentException naming the file and what is wrong in it */
    public static Topology read(Path file, TopicPolicy defaultPolicy) {
        try {
            return parse(Files.readString(file), defaultPolicy);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read topology file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("topology file " + file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static Topology parse(String json, TopicPolicy defaultPolicy) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        String producer = root.path("producerTier").asText("producer");
        String log = root.path("logTier").asText("log");
        List<Topology.EdgeRule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode e : root.path("edges")) {
            String where = "edges[" + i++ + "]";
            checkFields(e, EDGE_FIELDS, where);
            String from = required(e, "from", where);
            String to = required(e, "to", where);
            String toTopic = e.hasNonNull("toTopic") ? e.get("toTopic").asText() : null;
            boolean partial = e.path("partial").asBoolean(false);
            boolean judgeCompacted = e.path("judgeCompacted").asBoolean(false);
            boolean countsOnly = e.path("countsOnly").asBoolean(false);
            if (e.has("topics")) {
                for (JsonNode t : e.get("topics")) {
                    rules.add(
                            new Topology.EdgeRule(from, to, t.asText(), toTopic, partial, judgeCompacted, countsOnly));
                }
            } else {
                if (toTopic != null) {
                    throw new IllegalArgumentException(where + ": toTopic needs topics (the topic being renamed)");
                }
                rules.add(new Topology.EdgeRule(from, to, null, null, partial, judgeCompacted, countsOnly));
            }
        }
        TopicPolicy base =
                root.has("defaults") ? policy(root.get("defaults"), defaultPolicy, "defaults") : defaultPolicy;
        Map<String, TopicPolicy> policies = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> topics = root.path("topics").fields();
        while (topics.hasNext()) {
            Map.Entry<String, JsonNode> t = topics.next();
            policies.put(t.getKey(), policy(t.getValue(), base, "topics." + t.getKey()));
        }
        return new Topology(producer, log, rules, policies, base);
    }

    private static TopicPolicy policy(JsonNode p, TopicPolicy base, String where) {
        checkFields(p, POLICY_FIELDS, where);
        Set<Verdict> kinds = base.alertKinds();
        if (p.has("alertKinds")) {
            kinds = new HashSet<>();
            for (JsonNode k : p.get("alertKinds")) {
                try {
                    kinds.add(Verdict.valueOf(k.asText()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".alertKinds: unknown kind '" + k.asText() + "'", e);
                }
            }
        }
        try {
            return new TopicPolicy(
                    p.path("compacted").asBoolean(base.compacted()),
                    p.path("latencySlaMs").asLong(base.latencySlaMs()),
                    p.path("latencyPercentile").asDouble(base.latencyPercentile()),
                    p.path("alertMinMissing").asLong(base.alertMinMissing()),
                    p.path("alertMinDuplicated").asLong(base.alertMinDuplicated()),
                    kinds,
                    p.path("partialProducers").asBoolean(base.partialProducers()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode node, String field, String where) {
        if (!node.hasNonNull(field) || node.get(field).asText().isEmpty()) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return node.get(field).asText();
    }

    private static void checkFields(JsonNode node, Set<String> known, String where) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw new IllegalArgumentException(where + ": unknown field '" + f + "'");
            }
        });
    }
}
