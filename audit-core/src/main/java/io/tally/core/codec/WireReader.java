package io.tally.core.codec;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CodecException;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.internal.FlatJsonObject;
import io.tally.core.internal.JsonFields;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads each message type from the fields of one streaming pass over the JSON (no tree; the sketches' base64 is
 * decoded straight from the input); the counterpart of {@link WireWriter}.
 */
final class WireReader {
    static final String TYPE_COUNTS = "counts";
    static final String TYPE_HEARTBEAT = "heartbeat";
    static final String TYPE_AGGREGATE = "aggregate";
    static final String TYPE_PROGRESS = "progress";

    private static final int MAX_NAME = 255;
    /** Longest reason a progress may carry (why an agent's counts are refused). */
    private static final int MAX_REASON = 1_000;

    private static final int MAX_DIGEST_BYTES = 2 + 3 + IdDigest.MAX_CELLS / 8 + IdDigest.MAX_CELLS * 26;
    private static final int MAX_WATERMARKS = 100_000;
    /** Between the topic and the partition in a key of a heartbeat's {@code partitions}: {@code orders|3}. */
    static final char PARTITION_SEPARATOR = '|';

    private static final Set<String> BASE64_FIELDS = Set.of("latency", "digest");

    private WireReader() {}

    static WireMessage read(byte[] bytes) {
        Map<String, Object> node = FlatJsonObject.parse(bytes, BASE64_FIELDS);
        JsonFields base = new JsonFields(node, "message");
        long version = base.longValue("v");
        if (version != AuditCodec.VERSION) {
            throw new CodecException(
                    "unsupported wire version " + version + " (this build reads " + AuditCodec.VERSION + ")");
        }
        String type = base.text("type", 32);
        JsonFields fields = new JsonFields(node, type + " message");
        try {
            switch (type) {
                case TYPE_COUNTS:
                    return readCounts(fields);
                case TYPE_HEARTBEAT:
                    return readHeartbeat(fields);
                case TYPE_AGGREGATE:
                    return readAggregate(fields);
                case TYPE_PROGRESS:
                    return readProgress(fields);
                default:
                    throw new CodecException("unknown message type '" + type + "'");
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            // a value the records' own validation refused (an empty name, an unaligned bucket, ...)
            throw new CodecException(type + " message: " + e.getMessage(), e);
        }
    }

    private static AuditRecord readCounts(JsonFields f) {
        String mode = f.text("mode", 16);
        CountingMode countingMode;
        try {
            countingMode = CountingMode.fromWireName(mode);
        } catch (IllegalArgumentException e) {
            throw f.error("mode", "has unknown value '" + mode + "'");
        }
        // the canonical constructor, not a builder: no allocation beyond the record for each message decoded
        return new AuditRecord(
                agent(f),
                f.nonNegative("seq"),
                f.longValue("emittedAt"),
                f.text("tier", MAX_NAME),
                f.text("topic", MAX_NAME),
                bucket(f),
                countingMode,
                f.nonNegative("count"),
                f.nonNegative("bytes"),
                f.nonNegative("noTimestamp"),
                f.nonNegative("skewed"),
                f.nonNegative("failed"),
                latency(f),
                digest(f),
                offsets(f, "firstOffsets"),
                offsets(f, "lastOffsets"));
    }

    private static Heartbeat readHeartbeat(JsonFields f) {
        Map<String, Object> marks = f.object("watermarks");
        if (marks.size() > MAX_WATERMARKS) {
            throw f.error("watermarks", "has more than " + MAX_WATERMARKS + " topics");
        }
        Map<String, Long> watermarks = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : marks.entrySet()) {
            if (!(e.getValue() instanceof Long mark)) {
                throw f.error("watermarks." + e.getKey(), "must be an integer (epoch ms)");
            }
            watermarks.put(e.getKey(), mark);
        }
        return new Heartbeat(
                agent(f),
                f.nonNegative("seq"),
                f.longValue("emittedAt"),
                f.text("tier", MAX_NAME),
                watermarks,
                partitions(f, "partitions"),
                f.booleanValue("closed"),
                f.nonNegative("dropped"),
                droppedByBucket(f),
                f.has("startOffsets") ? partitions(f, "startOffsets") : Map.of(),
                f.has("readCommitted") && f.booleanValue("readCommitted"),
                waiting(f),
                f.has("transactional") && f.booleanValue("transactional"),
                ""); // set by the aggregator only, never read from an agent
    }

    /** @return a heartbeat's {@code waiting}: topic → records waiting to be counted; none when absent */
    private static Map<String, Long> waiting(JsonFields f) {
        if (!f.has("waiting")) {
            return Map.of();
        }
        Map<String, Long> waiting = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : f.object("waiting").entrySet()) {
            if (!(e.getValue() instanceof Long n) || n < 0) {
                throw f.error("waiting." + e.getKey(), "must be an integer >= 0");
            }
            waiting.put(e.getKey(), n);
        }
        return waiting;
    }

    /** @return {@code droppedByBucket}, keyed {@code topic|bucketStart}; empty when absent */
    private static Map<String, Map<Long, Long>> droppedByBucket(JsonFields f) {
        if (!f.has("droppedByBucket")) {
            return Map.of();
        }
        Map<String, Object> counts = f.object("droppedByBucket");
        if (counts.size() > MAX_WATERMARKS) {
            throw f.error("droppedByBucket", "has more than " + MAX_WATERMARKS + " buckets");
        }
        Map<String, Map<Long, Long>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : counts.entrySet()) {
            String key = e.getKey();
            int at = key.lastIndexOf(PARTITION_SEPARATOR);
            Long bucket = at > 0 ? parseLong(key.substring(at + 1)) : null;
            if (bucket == null) {
                throw f.error("droppedByBucket." + key, "must be keyed topic|bucketStart");
            }
            if (!(e.getValue() instanceof Long n) || n < 0) {
                throw f.error("droppedByBucket." + key, "must be an integer >= 0");
            }
            out.computeIfAbsent(key.substring(0, at), t -> new LinkedHashMap<>())
                    .put(bucket, n);
        }
        return out;
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * @return a heartbeat's per-partition field ({@code partitions}, {@code startOffsets}), keyed
     *         {@code topic|partition}, or null when absent (a producer's heartbeat)
     */
    private static Map<String, Map<Integer, Long>> partitions(JsonFields f, String field) {
        if (!f.has(field)) {
            return null;
        }
        Map<String, Object> marks = f.object(field);
        if (marks.size() > MAX_WATERMARKS) {
            throw f.error(field, "has more than " + MAX_WATERMARKS + " partitions");
        }
        Map<String, Map<Integer, Long>> partitions = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : marks.entrySet()) {
            String key = e.getKey();
            int at = key.lastIndexOf(PARTITION_SEPARATOR);
            Long number = at > 0 ? parseLong(key.substring(at + 1)) : null;
            if (number == null || number < 0 || number > Integer.MAX_VALUE) {
                throw f.error(field + "." + key, "must be keyed topic|partition (a partition number >= 0)");
            }
            int partition = number.intValue();
            if (!(e.getValue() instanceof Long mark)) {
                throw f.error(field + "." + key, "must be an integer");
            }
            partitions
                    .computeIfAbsent(key.substring(0, at), t -> new LinkedHashMap<>())
                    .put(partition, mark);
        }
        return partitions;
    }

    private static TierAggregate readAggregate(JsonFields f) {
        // the canonical constructor, not a builder: no allocation beyond the aggregate for each message decoded
        return new TierAggregate(
                f.text("topic", MAX_NAME),
                f.text("tier", MAX_NAME),
                bucket(f),
                f.nonNegative("count"),
                f.nonNegative("bytes"),
                f.nonNegative("noTimestamp"),
                f.nonNegative("skewed"),
                f.nonNegative("failed"),
                f.nonNegative("records"),
                latency(f),
                digest(f),
                f.longValue("updatedAt"),
                offsets(f, "firstOffsets"),
                f.has("countedOnConsume") ? f.nonNegative("countedOnConsume") : 0,
                offsets(f, "lastOffsets"),
                stateSince(f));
    }

    /** @return an optional partition → offset object; empty when absent */
    private static Map<Integer, Long> offsets(JsonFields f, String field) {
        if (!f.has(field)) {
            return Map.of();
        }
        Map<String, Object> offsets = f.object(field);
        if (offsets.size() > MAX_WATERMARKS) {
            throw f.error(field, "has more than " + MAX_WATERMARKS + " partitions");
        }
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : offsets.entrySet()) {
            Long partition = parseLong(e.getKey());
            if (partition == null
                    || partition < 0
                    || partition > Integer.MAX_VALUE
                    || !(e.getValue() instanceof Long offset)
                    || offset < 0) {
                throw f.error(field + "." + e.getKey(), "must map a partition number to an offset >= 0");
            }
            out.put(partition.intValue(), offset);
        }
        return out;
    }

    private static TierProgress readProgress(JsonFields f) {
        Map<Long, Long> dropped = new LinkedHashMap<>();
        if (f.has("dropped")) {
            for (Map.Entry<String, Object> e : f.object("dropped").entrySet()) {
                Long bucket = parseLong(e.getKey());
                if (bucket == null || !(e.getValue() instanceof Long n) || n < 0) {
                    throw f.error("dropped." + e.getKey(), "must map a bucket start to an integer >= 0");
                }
                dropped.put(bucket, n);
            }
        }
        return new TierProgress(
                f.text("tier", MAX_NAME),
                f.text("topic", MAX_NAME),
                f.longValue("watermark"),
                f.longValue("lastHeartbeatAt"),
                f.nonNegativeInt("liveAgents"),
                f.longValue("updatedAt"),
                dropped,
                offsets(f, "startOffsets"),
                f.has("readCommitted") && f.booleanValue("readCommitted"),
                f.has("waiting") ? f.nonNegative("waiting") : 0,
                f.has("transactional") && f.booleanValue("transactional"),
                f.has("misconfigured") ? f.text("misconfigured", MAX_REASON) : "",
                f.has("misconfiguredUpTo") ? f.longValue("misconfiguredUpTo") : Long.MIN_VALUE,
                stateSince(f));
    }

    /** @return when the aggregator's state began, or {@link TierAggregate#UNKNOWN_STATE} when absent */
    private static long stateSince(JsonFields f) {
        return f.has("stateSince") ? f.nonNegative("stateSince") : TierAggregate.UNKNOWN_STATE;
    }

    private static AgentIdentity agent(JsonFields f) {
        return new AgentIdentity(f.text("agent", AgentIdentity.MAX_LENGTH), f.text("host", AgentIdentity.MAX_LENGTH));
    }

    private static Bucket bucket(JsonFields f) {
        long start = f.longValue("bucketStart");
        long size = f.positive("bucketMs");
        if (Math.floorMod(start, size) != 0) {
            throw f.error("bucketStart", "(" + start + ") is not a multiple of bucketMs (" + size + ")");
        }
        return new Bucket(start, size);
    }

    private static LatencySketch latency(JsonFields f) {
        try {
            return LatencySketch.fromBytes(f.base64("latency", LatencySketch.MAX_ENCODED_BYTES));
        } catch (CodecException e) {
            throw f.error("latency", "is invalid: " + e.getMessage());
        }
    }

    private static IdDigest digest(JsonFields f) {
        byte[] bytes = f.optionalBase64("digest", MAX_DIGEST_BYTES);
        if (bytes == null) {
            return null;
        }
        try {
            return IdDigest.fromBytes(bytes);
        } catch (CodecException e) {
            throw f.error("digest", "is invalid: " + e.getMessage());
        }
    }
}
