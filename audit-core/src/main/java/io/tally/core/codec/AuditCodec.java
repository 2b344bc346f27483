package io.tally.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.Heartbeat;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.core.WireMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes and decodes {@link WireMessage}s as JSON objects, one per Kafka record, with a {@code v} (wire version)
 * and a {@code type} field. The format is described by the JSON Schema resource {@link #SCHEMA_RESOURCE}.
 *
 * <p>Decoding accepts unknown fields (so that a newer agent of the same version can add optional ones) and rejects
 * everything else that is wrong — bad JSON, an unknown version or type, a missing field, a value out of range,
 * a malformed sketch — with a {@link CodecException} naming the problem; it throws nothing else.
 *
 * <p>Thread-safe; all methods are static.
 */
public final class AuditCodec {
    /** The wire version this build writes and reads. */
    public static final int VERSION = 1;
    /** The classpath resource of the JSON Schema of the wire format. */
    public static final String SCHEMA_RESOURCE = "/io/tally/core/codec/tally-wire.schema.json";
    /** Largest message accepted by {@link #decode}. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    // Encoding and decoding stream with jackson-core alone (no databind), which keeps the agent's jar small.
    private static final JsonFactory JSON = new JsonFactory();

    private AuditCodec() {}

    /** @return the JSON bytes (UTF-8) of {@code message} */
    public static byte[] encode(WireMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            WireWriter.write(json, message);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON into memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * @return the message encoded in {@code bytes}
     * @throws CodecException if the bytes are not a valid message of a supported version
     */
    public static WireMessage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new CodecException("empty message");
        }
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new CodecException("message of " + bytes.length + " bytes, more than " + MAX_MESSAGE_BYTES);
        }
        return WireReader.read(bytes);
    }

    /**
     * @return the message in {@code bytes}, which must be an agent's message ({@code counts} or {@code heartbeat})
     * @throws CodecException if it is not valid or of another type
     */
    public static AuditMessage decodeAuditMessage(byte[] bytes) {
        return expect(decode(bytes), AuditMessage.class, "an audit message (counts or heartbeat)");
    }

    /**
     * @return the message in {@code bytes}, which must be an aggregator's message ({@code aggregate} or
     *         {@code progress})
     * @throws CodecException if it is not valid or of another type
     */
    public static WireMessage decodeAggregatorMessage(byte[] bytes) {
        WireMessage message = decode(bytes);
        if (message instanceof AuditMessage) {
            throw new CodecException("expected an aggregate or progress message, got " + typeOf(message));
        }
        return message;
    }

    /**
     * The Kafka record key of a message: {@code topic|bucketStart} for counts (so one bucket's records meet in one
     * partition), {@code tier|instanceId} for heartbeats, {@code topic|tier|bucketStart} for aggregates (the
     * compaction key) and {@code progress|tier|topic} for progress.
     */
    public static String kafkaKey(WireMessage message) {
        if (message instanceof AuditRecord r) {
            return r.topic() + '|' + r.bucket().start();
        } else if (message instanceof Heartbeat h) {
            return h.tier() + '|' + h.agent().instanceId();
        } else if (message instanceof TierAggregate a) {
            return a.key();
        } else {
            TierProgress p = (TierProgress) message;
            return "progress|" + p.tier() + '|' + p.topic();
        }
    }

    /** @return the wire {@code type} of a message */
    public static String typeOf(WireMessage message) {
        if (message instanceof AuditRecord) {
            return WireReader.TYPE_COUNTS;
        } else if (message instanceof Heartbeat) {
            return WireReader.TYPE_HEARTBEAT;
        } else if (message instanceof TierAggregate) {
            return WireReader.TYPE_AGGREGATE;
        }
        return WireReader.TYPE_PROGRESS;
    }

    private static <T> T expect(WireMessage message, Class<T> type, String description) {
        if (!type.isInstance(message)) {
            throw new CodecException("expected " + description + ", got " + typeOf(message));
        }
        return type.cast(message);
    }
}
