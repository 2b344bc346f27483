package io.tally.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The soak's ground truth: every fault injected, with the ids it lost or duplicated; and its comparison with what Tally
 * said. A loss or duplication Tally shows open at the end, or alerted at any time, that no injected fault explains is
 * a false alarm; an injected loss or duplication whose ids no open discrepancy names is missed.
 */
final class SoakLedger {
    enum Fault {
        /** a consumer SIGKILLed, another started in its place: nothing lost */
        KILL,
        /** a consumer stopped and started again: nothing lost */
        RESTART,
        /** a consumer added to the group, then stopped: two rebalances, nothing lost */
        REBALANCE,
        /** records deleted before the group read them: lost to it */
        LOSS,
        /** the group's offsets set back: records read twice */
        DUPLICATE,
        /** Tally's aggregator stopped and started again from its checkpoint: nothing lost */
        AGGREGATOR_RESTART,
        /** Tally's reconciler stopped and started again: nothing lost, nothing alerted twice */
        RECONCILER_RESTART,
        /** the audit topic refuses writes for 30 s while the audited traffic goes on: nothing lost */
        AUDIT_OUTAGE
    }

    /** One fault: on which topic, when (epoch ms), and the ids of the records it lost or duplicated. */
    record Injected(Fault fault, String topic, String group, long at, Set<String> ids) {}

    /**
     * What the comparison found; {@code notes} says, one line each, every false alarm, missed fault and id not named,
     * then every discrepancy seen.
     */
    record Outcome(
            int falseAlarms,
            int missed,
            int idsNamed,
            int idsUnnameable,
            int idsInjected,
            Map<Fault, Integer> faults,
            Map<Injected, Long> detectionMs,
            List<String> notes) {}

    private final List<Injected> injected = new ArrayList<>();
    /** discrepancy id → when the API first listed it */
    private final Map<String, Long> firstSeen = new LinkedHashMap<>();

    synchronized void add(Injected fault) {
        injected.add(fault);
    }

    synchronized List<Injected> injected() {
        return List.copyOf(injected);
    }

    synchronized void seen(JsonNode discrepancy, long at) {
        firstSeen.putIfAbsent(discrepancy.get("id").asText(), at);
    }

    /**
     * @param discrepancies per topic, every discrepancy the API lists at the end (open or resolved)
     * @param alerts        every OPEN alert sent
     */
    synchronized Outcome compare(Map<String, List<JsonNode>> discrepancies, List<JsonNode> alerts) {
        List<String> problems = new ArrayList<>();
        Set<String> explained = new HashSet<>();
        Set<String> named = new TreeSet<>();
        Map<Injected, Long> detection = new LinkedHashMap<>();
        for (Map.Entry<String, List<JsonNode>> t : discrepancies.entrySet()) {
            for (JsonNode d : t.getValue()) {
                String kind = d.get("kind").asText();
                if (kind.equals("AUDIT_GAP")) {
                    continue; // never alerted: an agent that died could have left that much uncounted
                }
                Set<String> lost = ids(d, "lostIds");
                Set<String> duplicated = ids(d, "duplicatedIds");
                boolean explains = (kind.equals("LOSS") || kind.equals("DUPLICATION") || kind.equals("MIXED"))
                        && injectedIds(t.getKey(), d.get("downstreamTier").asText(), Fault.LOSS)
                                .containsAll(lost)
                        && injectedIds(t.getKey(), d.get("downstreamTier").asText(), Fault.DUPLICATE)
                                .containsAll(duplicated)
                        && !(lost.isEmpty() && duplicated.isEmpty());
                if (explains) {
                    explained.add(d.get("id").asText());
                    named.addAll(lost);
                    named.addAll(duplicated);
                } else if (d.get("status").asText().equals("OPEN")) {
                    problems.add("false alarm, open at the end: " + d);
                }
            }
        }
        for (JsonNode alert : alerts) {
            // an alert's discrepancies are of its kind
            for (JsonNode d : alert.get("discrepancies")) {
                if (!explained.contains(d.get("id").asText())
                        && !alert.get("kind").asText().equals("AUDIT_GAP")) {
                    problems.add("false alarm, alerted: " + alert.get("kind").asText() + " "
                            + alert.get("topic").asText()
                            + " " + alert.get("upstreamTier").asText() + " → "
                            + alert.get("downstreamTier").asText()
                            + " " + d);
                }
            }
        }
        int falseAlarms = problems.size();
        discrepancies.forEach((topic, list) -> list.stream()
                .filter(d -> !d.get("kind").asText().equals("AUDIT_GAP"))
                .forEach(
                        d -> problems.add("seen: " + topic + " " + d.get("kind").asText() + " "
                                + d.get("status").asText() + " bucket "
                                + d.get("bucketStart").asText() + " "
                                + d.get("upstreamTier").asText() + " → "
                                + d.get("downstreamTier").asText() + " up "
                                + d.get("upstreamCount").asText() + " down "
                                + d.get("downstreamCount").asText() + " missing "
                                + d.get("missing").asText() + " duplicated "
                                + d.get("duplicated").asText() + " named "
                                + ids(d, "lostIds").size() + "+"
                                + ids(d, "duplicatedIds").size() + " complete "
                                + d.path("idsComplete").asText())));
        int missed = 0;
        int idsInjected = 0;
        int idsUnnameable = 0;
        Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
        for (Injected f : injected) {
            faults.merge(f.fault(), 1, Integer::sum);
            if (f.ids().isEmpty()) {
                continue;
            }
            idsInjected += f.ids().size();
            Set<String> unnamed = new TreeSet<>(f.ids());
            unnamed.removeAll(named);
            // ids that share every cell of the digest cannot be told apart (LostRecords.namedAsFarAsTheDigestCan)
            boolean unnameable = !unnamed.isEmpty() && LostRecords.digestCannotName(unnamed);
            if (unnameable && unnamed.size() < f.ids().size()) {
                idsUnnameable += unnamed.size();
                problems.add("unnameable: " + unnamed + " of the " + f.ids().size() + " ids of " + f.fault() + " on "
                        + f.topic() + " share every cell of the digest");
            }
            if (!unnamed.isEmpty() && unnamed.size() < f.ids().size() && !unnameable) {
                problems.add("not named: " + unnamed + " of the " + f.ids().size() + " ids of " + f.fault() + " on "
                        + f.topic() + " at " + f.at());
            }
            if (f.ids().stream().noneMatch(named::contains)) {
                missed++;
                problems.add("missed: " + f.fault() + " of " + f.ids().size() + " on " + f.topic());
                continue;
            }
            firstSeenOf(f, discrepancies.getOrDefault(f.topic(), List.of()))
                    .ifPresent(at -> detection.put(f, at - f.at()));
        }
        int idsNamed = (int) named.size();
        return new Outcome(falseAlarms, missed, idsNamed, idsUnnameable, idsInjected, faults, detection, problems);
    }

    private java.util.Optional<Long> firstSeenOf(Injected f, List<JsonNode> discrepancies) {
        return discrepancies.stream()
                .filter(d -> {
                    Set<String> ids = ids(d, f.fault() == Fault.LOSS ? "lostIds" : "duplicatedIds");
                    ids.retainAll(f.ids());
                    return !ids.isEmpty();
                })
                .map(d -> firstSeen.get(d.get("id").asText()))
                .filter(java.util.Objects::nonNull)
                .min(Long::compare);
    }

    private Set<String> injectedIds(String topic, String tier, Fault fault) {
        Set<String> out = new HashSet<>();
        for (Injected f : injected) {
            if (f.fault() == fault && f.topic().equals(topic) && tier.equals("consumer." + f.group())) {
                out.addAll(f.ids());
            }
        }
        return out;
    }

    private static Set<String> ids(JsonNode d, String field) {
        Set<String> out = new HashSet<>();
        d.path(field).forEach(id -> out.add(id.asText()));
        return out;
    }
}
