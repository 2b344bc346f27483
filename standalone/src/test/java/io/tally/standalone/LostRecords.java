package io.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.agent.internal.IdHeaders;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.PeelResult;
import io.tally.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real loss, made the way retention makes one (records deleted before a group reads them), and what Tally must say
 * of it: the ids the producer's agent stamped on the deleted records, the losses the API lists, the alerts sent.
 */
final class LostRecords {
    private LostRecords() {}

    /** @return each partition of {@code topic} → its end offset now */
    static Map<TopicPartition, Long> ends(String kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = plainConsumer(kafka)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            return c.endOffsets(tps);
        }
    }

    /** @return each partition of {@code topic} → the offset {@code group} committed there, 0 where none */
    static Map<TopicPartition, Long> committed(String kafka, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, Long> committed = new HashMap<>();
            for (TopicPartition tp : ends(kafka, topic).keySet()) {
                OffsetAndMetadata o = offsets.get(tp);
                committed.put(tp, o == null ? 0 : o.offset());
            }
            return committed;
        }
    }

    /** Deletes every record below {@code before} in each of its partitions, as retention would. */
    static void deleteBefore(String kafka, Map<TopicPartition, Long> before) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            before.forEach((tp, end) -> delete.put(tp, RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(delete).all().get();
        }
    }

    /** The ids the producer's agent stamped on the records in {@code [from, to)} of each partition. */
    static Set<String> idsBetween(String kafka, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        Set<String> ids = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> c = plainConsumer(kafka)) {
            for (TopicPartition tp : to.keySet()) {
                c.assign(List.of(tp));
                c.seek(tp, from.get(tp));
                while (c.position(tp) < to.get(tp)) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() < to.get(tp)) {
                            ids.add(io.tally.core.AuditIds.hex(
                                    IdHeaders.read(r.headers(), r.topic(), r.partition(), r.offset())));
                        }
                    }
                }
            }
        }
        return ids;
    }

    private static KafkaConsumer<byte[], byte[]> plainConsumer(String kafka) {
        return new KafkaConsumer<>(
                Map.of("bootstrap.servers", kafka, "enable.auto.commit", "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Waits until the log tier has counted {@code total} records of {@code topic}: only then is deleting them a loss it
     * can see.
     */
    static void awaitLogCounted(URI api, String topic, long total) throws Exception {
        GroupWatch.awaitTotal(api, topic, "log", total);
    }

    /** @return every discrepancy the API lists on {@code topic} of {@code kind}, open or resolved */
    static List<JsonNode> discrepancies(URI api, String topic, String kind) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        JsonNode page = ApiClient.get(api, "/api/v1/discrepancies?topic=" + topic + "&limit=500");
        if (page != null) {
            page.get("items").forEach(d -> {
                if (d.get("kind").asText().equals(kind)) {
                    items.add(d);
                }
            });
        }
        return items;
    }

    /** @return every id the losses name */
    static Set<String> named(List<JsonNode> losses) {
        Set<String> ids = new TreeSet<>();
        losses.forEach(d -> d.get("lostIds").forEach(id -> ids.add(id.asText())));
        return ids;
    }

    /**
     * Whether {@code named} is all of {@code lost} but ids that the digest cannot name. An id digest names what it can
     * peel; ids that share every one of their cells (two random ids in 128 cells do with probability about 1.3e-5, so
     * about 0.6% of runs with 30 lost ids in one bucket) cannot be told apart and are counted without a name. The ids
     * left unnamed must be such a set: a digest holding only them peels none of them. A single id left unnamed, or a
     * named id that was not lost, fails.
     */
    static boolean namedAsFarAsTheDigestCan(Set<String> named, Set<String> lost) {
        if (!lost.containsAll(named)) {
            return false;
        }
        Set<String> unnamed = new TreeSet<>(lost);
        unnamed.removeAll(named);
        if (unnamed.isEmpty()) {
            return true;
        }
        return digestCannotName(unnamed);
    }

    /** @return whether a digest holding only {@code ids} (hex) peels none of them: ids that share all their cells */
    static boolean digestCannotName(Set<String> ids) {
        IdDigest rest = new IdDigest(IdDigest.DEFAULT_CELLS);
        ids.forEach(id -> rest.add(Long.parseUnsignedLong(id, 16)));
        PeelResult peeled = rest.peel();
        return !peeled.complete()
                && peeled.lost().isEmpty()
                && peeled.duplicated().isEmpty();
    }

    /**
     * Waits up to 150 s until the losses listed on {@code topic} add up to {@code lostIds} and name them as far as the
     * digest can, then checks that each is on the edge into {@code downstreamTier} and that each is alerted.
     */
    static void assertNamedLossAlerted(
            URI api, String kafka, String topic, String upstreamTier, String downstreamTier, Set<String> lostIds)
            throws Exception {
        List<JsonNode> losses = List.of();
        Instant deadline = Instant.now().plusSeconds(150);
        while (Instant.now().isBefore(deadline)) {
            losses = discrepancies(api, topic, "LOSS");
            if (missing(losses) == lostIds.size() && namedAsFarAsTheDigestCan(named(losses), lostIds)) {
                break;
            }
            Thread.sleep(1_000);
        }
        assertThat(losses)
                .as("the deleted records are a LOSS on %s → %s", upstreamTier, downstreamTier)
                .isNotEmpty()
                .allSatisfy(d -> {
                    assertThat(d.get("upstreamTier").asText()).isEqualTo(upstreamTier);
                    assertThat(d.get("downstreamTier").asText()).isEqualTo(downstreamTier);
                });
        assertThat(missing(losses)).as("missing, in %s", losses).isEqualTo(lostIds.size());
        assertThat(namedAsFarAsTheDigestCan(named(losses), lostIds))
                .as("the lost ids named, %s, are the deleted records' ids, %s", named(losses), lostIds)
                .isTrue();
        awaitAlerts(kafka, losses.stream().map(d -> d.get("id").asText()).collect(Collectors.toSet()));
    }

    private static long missing(List<JsonNode> losses) {
        return losses.stream().mapToLong(d -> d.get("missing").asLong()).sum();
    }

    /** Waits up to 60 s until an OPEN alert names each of these discrepancies. */
    static void awaitAlerts(String kafka, Set<String> discrepancyIds) throws Exception {
        Eventually.await(
                Duration.ofSeconds(60),
                Duration.ofMillis(500),
                "an alert for each loss (the value: how many)",
                () -> alertsFor(kafka, discrepancyIds),
                n -> n >= discrepancyIds.size());
    }

    /** How many times the alerts topic names one of these discrepancies in an OPEN alert. */
    static long alertsFor(String kafka, Set<String> discrepancyIds) {
        long n = 0;
        for (JsonNode alert : AlertsTopic.open(kafka)) {
            for (JsonNode d : alert.get("discrepancies")) {
                if (discrepancyIds.contains(d.get("id").asText())) {
                    n++;
                }
            }
        }
        return n;
    }
}
