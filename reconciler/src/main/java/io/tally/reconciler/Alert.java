package io.tally.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.AuditIds;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One alert: one or more discrepancies of the same topic, edge, kind and status that fired in the same evaluation
 * (many buckets at once make one alert, not a storm).
 *
 * @param topic          the topic
 * @param upstreamTier   the edge's upstream tier
 * @param downstreamTier the edge's downstream tier
 * @param kind           the discrepancies' kind
 * @param status         OPEN (a new finding) or RESOLVED (it cleared)
 * @param discrepancies  the discrepancies, at least one, oldest bucket first
 * @param createdAt      when the alert was made, epoch ms
 */
public record Alert(
        String topic,
        String upstreamTier,
        String downstreamTier,
        Verdict kind,
        DiscrepancyStatus status,
        List<Discrepancy> discrepancies,
        long createdAt) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most ids named in {@link #text()}; the JSON has them all. */
    private static final int TEXT_IDS = 5;

    public Alert {
        Objects.requireNonNull(topic, "topic");
        discrepancies = List.copyOf(discrepancies);
        if (discrepancies.isEmpty()) {
            throw new IllegalArgumentException("an alert needs at least one discrepancy");
        }
    }

    /** @return messages missing downstream, over every discrepancy */
    public long missing() {
        return discrepancies.stream().mapToLong(Discrepancy::missing).sum();
    }

    /** @return extra messages downstream, over every discrepancy */
    public long duplicated() {
        return discrepancies.stream().mapToLong(Discrepancy::duplicated).sum();
    }

    /** @return one line for people (and Slack): what, where, how much, which buckets */
    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(status == DiscrepancyStatus.RESOLVED ? "RESOLVED " : "")
                .append(kind)
                .append(" on topic ")
                .append(topic)
                .append(", ")
                .append(upstreamTier)
                .append(" → ")
                .append(downstreamTier)
                .append(": ");
        if (status == DiscrepancyStatus.RESOLVED) {
            s.append("was ");
        }
        if (missing() > 0) {
            s.append(missing()).append(" missing, ");
        }
        if (duplicated() > 0) {
            s.append(duplicated()).append(" duplicated, ");
        }
        long first = discrepancies.get(0).bucket().start();
        long last = discrepancies.get(discrepancies.size() - 1).bucket().end();
        s.append(discrepancies.size())
                .append(discrepancies.size() == 1 ? " bucket " : " buckets ")
                .append(Instant.ofEpochMilli(first))
                .append(" – ")
                .append(Instant.ofEpochMilli(last));
        String detail = discrepancies.get(0).detail();
        if (discrepancies.size() == 1 && !detail.isEmpty()) {
            s.append(" (").append(detail).append(')');
        }
        appendIds(
                s,
                "lost",
                discrepancies.stream().flatMap(d -> d.lostIds().stream()).toList());
        appendIds(
                s,
                "duplicated",
                discrepancies.stream().flatMap(d -> d.duplicatedIds().stream()).toList());
        return s.toString();
    }

    private static void appendIds(StringBuilder s, String what, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        s.append("; ").append(what).append(" ids ");
        ids.stream().limit(TEXT_IDS).forEach(id -> s.append(AuditIds.hex(id)).append(' '));
        s.setLength(s.length() - 1);
        if (ids.size() > TEXT_IDS) {
            s.append(" and ").append(ids.size() - TEXT_IDS).append(" more");
        }
    }

    /** @return the JSON of the alert: {@code text} (Slack-compatible) plus the structured fields */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", text());
        root.put("topic", topic);
        root.put("upstreamTier", upstreamTier);
        root.put("downstreamTier", downstreamTier);
        root.put("kind", kind.name());
        root.put("status", status.name());
        root.put("missing", missing());
        root.put("duplicated", duplicated());
        root.put("createdAt", createdAt);
        ArrayNode list = root.putArray("discrepancies");
        for (Discrepancy d : discrepancies) {
            ObjectNode n = list.addObject();
            n.put("id", d.id().toString());
            n.put("bucketStart", d.bucket().start());
            n.put("missing", d.missing());
            n.put("duplicated", d.duplicated());
            // ids as the tally.id header carries them, so people can search their logs and topics for them
            ArrayNode lost = n.putArray("lostIds");
            d.lostIds().forEach(id -> lost.add(AuditIds.hex(id)));
            ArrayNode extra = n.putArray("duplicatedIds");
            d.duplicatedIds().forEach(id -> extra.add(AuditIds.hex(id)));
            n.put("detail", d.detail());
        }
        return root.toString();
    }

    /** @return the Kafka key of the alert: {@code topic|upstreamTier|downstreamTier} */
    public String key() {
        return topic + '|' + upstreamTier + '|' + downstreamTier;
    }
}
