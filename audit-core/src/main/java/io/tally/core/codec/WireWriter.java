package io.tally.core.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/** Writes each message type's fields; the field names are the wire contract (see the JSON Schema). */
final class WireWriter {
    private WireWriter() {}

    static void write(JsonGenerator json, WireMessage message) throws IOException {
        json.writeStartObject();
        json.writeNumberField("v", AuditCodec.VERSION);
        json.writeStringField("type", AuditCodec.typeOf(message));
        if (message instanceof AuditRecord r) {
            writeCounts(json, r);
        } else if (message instanceof Heartbeat h) {
            writeHeartbeat(json, h);
        } else if (message instanceof TierAggregate a) {
            writeAggregate(json, a);
        } else {
            writeProgress(json, (TierProgress) message);
        }
        json.writeEndObject();
    }

    private static void writeCounts(JsonGenerator json, AuditRecord r) throws IOException {
        json.writeStringField("agent", r.agent().instanceId());
        json.writeStringField("host", r.agent().host());
        json.writeNumberField("seq", r.seq());
        json.writeNumberField("emittedAt", r.emittedAt());
        json.writeStringField("tier", r.tier());
        json.writeStringField("topic", r.topic());
        json.writeNumberField("bucketStart", r.bucket().start());
        json.writeNumberField("bucketMs", r.bucket().sizeMs());
        json.writeStringField("mode", r.mode().wireName());
        json.writeNumberField("count", r.count());
        json.writeNumberField("bytes", r.bytes());
        json.writeNumberField("noTimestamp", r.noTimestamp());
        json.writeNumberField("skewed", r.skewed());
        json.writeNumberField("failed", r.failed());
        writeSketches(json, r.latency(), r.digest());
        writeOffsets(json, "firstOffsets", r.firstOffsets());
        writeOffsets(json, "lastOffsets", r.lastOffsets());
    }

    private static void writeHeartbeat(JsonGenerator json, Heartbeat h) throws IOException {
        json.writeStringField("agent", h.agent().instanceId());
        json.writeStringField("host", h.agent().host());
        json.writeNumberField("seq", h.seq());
        json.writeNumberField("emittedAt", h.emittedAt());
        json.writeStringField("tier", h.tier());
        json.writeObjectFieldStart("watermarks");
        for (Map.Entry<String, Long> e : h.watermarks().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        if (h.partitions() != null) {
            json.writeObjectFieldStart("partitions");
            for (Map.Entry<String, Map<Integer, Long>> t : h.partitions().entrySet()) {
                for (Map.Entry<Integer, Long> e : t.getValue().entrySet()) {
                    json.writeNumberField(t.getKey() + WireReader.PARTITION_SEPARATOR + e.getKey(), e.getValue());
                }
            }
            json.writeEndObject();
        }
        json.writeBooleanField("closed", h.closed());
        json.writeNumberField("dropped", h.dropped());
        if (!h.droppedByBucket().isEmpty()) {
            json.writeObjectFieldStart("droppedByBucket");
            for (Map.Entry<String, Map<Long, Long>> t : h.droppedByBucket().entrySet()) {
                for (Map.Entry<Long, Long> e : t.getValue().entrySet()) {
                    json.writeNumberField(t.getKey() + WireReader.PARTITION_SEPARATOR + e.getKey(), e.getValue());
                }
            }
            json.writeEndObject();
        }
        if (!h.startOffsets().isEmpty()) {
            json.writeObjectFieldStart("startOffsets");
            for (Map.Entry<String, Map<Integer, Long>> t : h.startOffsets().entrySet()) {
                for (Map.Entry<Integer, Long> e : t.getValue().entrySet()) {
                    json.writeNumberField(t.getKey() + WireReader.PARTITION_SEPARATOR + e.getKey(), e.getValue());
                }
            }
            json.writeEndObject();
        }
        if (h.readCommitted()) {
            json.writeBooleanField("readCommitted", true);
        }
        if (!h.waiting().isEmpty()) {
            json.writeObjectFieldStart("waiting");
            for (Map.Entry<String, Long> e : h.waiting().entrySet()) {
                json.writeNumberField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
        }
        if (h.transactional()) {
            json.writeBooleanField("transactional", true);
        }
    }

    private static void writeAggregate(JsonGenerator json, TierAggregate a) throws IOException {
        json.writeStringField("topic", a.topic());
        json.writeStringField("tier", a.tier());
        json.writeNumberField("bucketStart", a.bucket().start());
        json.writeNumberField("bucketMs", a.bucket().sizeMs());
        json.writeNumberField("count", a.count());
        json.writeNumberField("bytes", a.bytes());
        json.writeNumberField("noTimestamp", a.noTimestamp());
        json.writeNumberField("skewed", a.skewed());
        json.writeNumberField("failed", a.failed());
        json.writeNumberField("records", a.records());
        json.writeNumberField("updatedAt", a.updatedAt());
        writeSketches(json, a.latency(), a.digest());
        writeOffsets(json, "firstOffsets", a.firstOffsets());
        writeOffsets(json, "lastOffsets", a.lastOffsets());
        if (a.countedOnConsume() > 0) {
            json.writeNumberField("countedOnConsume", a.countedOnConsume());
        }
        if (a.stateSince() != TierAggregate.UNKNOWN_STATE) {
            json.writeNumberField("stateSince", a.stateSince());
        }
    }

    private static void writeProgress(JsonGenerator json, TierProgress p) throws IOException {
        json.writeStringField("tier", p.tier());
        json.writeStringField("topic", p.topic());
        json.writeNumberField("watermark", p.watermark());
        json.writeNumberField("lastHeartbeatAt", p.lastHeartbeatAt());
        json.writeNumberField("liveAgents", p.liveAgents());
        json.writeNumberField("updatedAt", p.updatedAt());
        if (!p.dropped().isEmpty()) {
            json.writeObjectFieldStart("dropped");
            for (Map.Entry<Long, Long> e : p.dropped().entrySet()) {
                json.writeNumberField(String.valueOf(e.getKey()), e.getValue());
            }
            json.writeEndObject();
        }
        writeOffsets(json, "startOffsets", p.startOffsets());
        if (p.readCommitted()) {
            json.writeBooleanField("readCommitted", true);
        }
        if (p.waiting() > 0) {
            json.writeNumberField("waiting", p.waiting());
        }
        if (p.transactional()) {
            json.writeBooleanField("transactional", true);
        }
        if (!p.misconfigured().isEmpty()) {
            json.writeStringField("misconfigured", p.misconfigured());
            json.writeNumberField("misconfiguredUpTo", p.misconfiguredUpTo());
        }
        if (p.stateSince() != TierAggregate.UNKNOWN_STATE) {
            json.writeNumberField("stateSince", p.stateSince());
        }
    }

    /** Writes a partition → offset map as an object keyed by partition number, nothing when it is empty. */
    private static void writeOffsets(JsonGenerator json, String field, Map<Integer, Long> offsets) throws IOException {
        if (offsets.isEmpty()) {
            return;
        }
        json.writeObjectFieldStart(field);
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            json.writeNumberField(String.valueOf(e.getKey()), e.getValue());
        }
        json.writeEndObject();
    }

    private static void writeSketches(JsonGenerator json, LatencySketch latency, IdDigest digest) throws IOException {
        writeBase64(json, "latency", latency.toBytes());
        if (digest != null) {
            writeBase64(json, "digest", digest.toBytes());
        }
    }

    /** RFC 4648 base64 with padding, written as UTF-8 without an intermediate String (the JDK's encoder is faster). */
    private static void writeBase64(JsonGenerator json, String field, byte[] bytes) throws IOException {
        byte[] base64 = Base64.getEncoder().encode(bytes);
        json.writeFieldName(field);
        json.writeUTF8String(base64, 0, base64.length);
    }
}
