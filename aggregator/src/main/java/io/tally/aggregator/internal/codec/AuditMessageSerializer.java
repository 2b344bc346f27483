package io.tally.aggregator.internal.codec;

import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Binary serializer of decoded {@link AuditMessage}s between operators and in state. Messages are treated as
 * immutable (nothing in the jobs changes a decoded message or its sketches), so copies share the instance.
 *
 * <p>Layout: a type byte (9 counts, 10 heartbeat; the earlier layouts 0 and 4 (counts without first or last
 * offsets) and 1 to 3,
 * 5 to 8 (heartbeats without per-partition watermarks, drops by bucket, start offsets, isolation level, waiting
 * records, the transactional flag or the reason its counts are refused) are still read from checkpoints taken before them), then the fields in declaration order (a heartbeat's
 * partitions after {@code dropped}, -1 for none, then its drops by bucket, its start offsets, its isolation level and
 * its waiting records, its transactional flag and the reason its counts are refused; a count's first offsets, then its last offsets, last); sketches as their
 * documented binary layouts ({@link LatencySketch#toBytes()}, {@link IdDigest#toBytes()}), length-prefixed.
 */
public final class AuditMessageSerializer extends TypeSerializerSingleton<AuditMessage> {
    private static final long serialVersionUID = 1L;
    public static final AuditMessageSerializer INSTANCE = new AuditMessageSerializer();
    public static final TypeInformation<AuditMessage> TYPE_INFO =
            new SerializerTypeInfo<>(AuditMessage.class, INSTANCE);
    private static final CountingMode[] MODES = CountingMode.values();
    /** The type byte of a heartbeat written before per-partition watermarks; still read from older checkpoints. */
    private static final byte HEARTBEAT = 1;

    private static final byte HEARTBEAT_WITH_PARTITIONS = 2;
    private static final byte HEARTBEAT_WITH_DROPS = 3;
    private static final byte COUNTS = 0;
    private static final byte COUNTS_WITH_OFFSETS = 4;
    private static final byte HEARTBEAT_WITH_STARTS = 5;
    private static final byte HEARTBEAT_WITH_ISOLATION = 6;
    private static final byte HEARTBEAT_WITH_WAITING = 7;
    private static final byte HEARTBEAT_WITH_TRANSACTIONS = 8;
    private static final byte COUNTS_WITH_LAST_OFFSETS = 9;
    private static final byte HEARTBEAT_WITH_REFUSAL = 10;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public AuditMessage createInstance() {
        return null;
    }

    @Override
    public AuditMessage copy(AuditMessage from) {
        return from;
    }

    @Override
    public AuditMessage copy(AuditMessage from, AuditMessage reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(AuditMessage message, DataOutputView out) throws IOException {
        if (message instanceof AuditRecord r) {
            out.writeByte(COUNTS_WITH_LAST_OFFSETS);
            writeCommon(r, out);
            out.writeUTF(r.topic());
            out.writeLong(r.bucket().start());
            out.writeLong(r.bucket().sizeMs());
            out.writeByte(r.mode().ordinal());
            out.writeLong(r.count());
            out.writeLong(r.bytes());
            out.writeLong(r.noTimestamp());
            out.writeLong(r.skewed());
            out.writeLong(r.failed());
            writeBytes(r.latency().toBytes(), out);
            writeBytes(r.digest() == null ? null : r.digest().toBytes(), out);
            OffsetsLayout.write(r.firstOffsets(), out);
            OffsetsLayout.write(r.lastOffsets(), out);
        } else {
            Heartbeat h = (Heartbeat) message;
            out.writeByte(HEARTBEAT_WITH_REFUSAL);
            writeCommon(h, out);
            out.writeInt(h.watermarks().size());
            for (Map.Entry<String, Long> e : h.watermarks().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeBoolean(h.closed());
            out.writeLong(h.dropped());
            if (h.partitions() == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(h.partitions().size());
                for (Map.Entry<String, Map<Integer, Long>> t : h.partitions().entrySet()) {
                    out.writeUTF(t.getKey());
                    out.writeInt(t.getValue().size());
                    for (Map.Entry<Integer, Long> e : t.getValue().entrySet()) {
                        out.writeInt(e.getKey());
                        out.writeLong(e.getValue());
                    }
                }
            }
            out.writeInt(h.droppedByBucket().size());
            for (Map.Entry<String, Map<Long, Long>> t : h.droppedByBucket().entrySet()) {
                out.writeUTF(t.getKey());
                out.writeInt(t.getValue().size());
                for (Map.Entry<Long, Long> e : t.getValue().entrySet()) {
                    out.writeLong(e.getKey());
                    out.writeLong(e.getValue());
                }
            }
            out.writeInt(h.startOffsets().size());
            for (Map.Entry<String, Map<Integer, Long>> t : h.startOffsets().entrySet()) {
                out.writeUTF(t.getKey());
                OffsetsLayout.write(t.getValue(), out);
            }
            out.writeBoolean(h.readCommitted());
            out.writeInt(h.waiting().size());
            for (Map.Entry<String, Long> e : h.waiting().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeBoolean(h.transactional());
            out.writeUTF(h.refused());
        }
    }

    @Override
    public AuditMessage deserialize(DataInputView in) throws IOException {
        byte type = in.readByte();
        AgentIdentity agent = new AgentIdentity(in.readUTF(), in.readUTF());
        long seq = in.readLong();
        long emittedAt = in.readLong();
        String tier = in.readUTF();
        if (type == COUNTS || type == COUNTS_WITH_OFFSETS || type == COUNTS_WITH_LAST_OFFSETS) {
            String topic = in.readUTF();
            Bucket bucket = new Bucket(in.readLong(), in.readLong());
            CountingMode mode = MODES[in.readByte()];
            long count = in.readLong();
            long bytes = in.readLong();
            long noTimestamp = in.readLong();
            long skewed = in.readLong();
            long failed = in.readLong();
            LatencySketch latency = LatencySketch.fromBytes(readBytes(in));
            byte[] digest = readBytes(in);
            // the canonical constructor, not a builder: no allocation beyond the record for each one read
            return new AuditRecord(
                    agent,
                    seq,
                    emittedAt,
                    tier,
                    topic,
                    bucket,
                    mode,
                    count,
                    bytes,
                    noTimestamp,
                    skewed,
                    failed,
                    latency,
                    digest == null ? null : IdDigest.fromBytes(digest),
                    type == COUNTS ? Map.of() : OffsetsLayout.read(in),
                    type == COUNTS_WITH_LAST_OFFSETS ? OffsetsLayout.read(in) : Map.of());
        }
        if (type != HEARTBEAT
                && type != HEARTBEAT_WITH_PARTITIONS
                && type != HEARTBEAT_WITH_DROPS
                && type != HEARTBEAT_WITH_STARTS
                && type != HEARTBEAT_WITH_ISOLATION
                && type != HEARTBEAT_WITH_WAITING
                && type != HEARTBEAT_WITH_TRANSACTIONS
                && type != HEARTBEAT_WITH_REFUSAL) {
            throw new IOException("unknown audit message type " + type + " in serialized state");
        }
        int n = in.readInt();
        Map<String, Long> watermarks = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            watermarks.put(in.readUTF(), in.readLong());
        }
        boolean closed = in.readBoolean();
        long dropped = in.readLong();
        Map<String, Map<Integer, Long>> partitions = null;
        if (type >= HEARTBEAT_WITH_PARTITIONS) {
            int topics = in.readInt();
            if (topics >= 0) {
                partitions = new LinkedHashMap<>(topics * 2);
                for (int i = 0; i < topics; i++) {
                    String topic = in.readUTF();
                    int count = in.readInt();
                    Map<Integer, Long> marks = new LinkedHashMap<>(count * 2);
                    for (int j = 0; j < count; j++) {
                        marks.put(in.readInt(), in.readLong());
                    }
                    partitions.put(topic, marks);
                }
            }
        }
        Map<String, Map<Long, Long>> droppedByBucket = new LinkedHashMap<>();
        if (type >= HEARTBEAT_WITH_DROPS) {
            int topics = in.readInt();
            for (int i = 0; i < topics; i++) {
                String topic = in.readUTF();
                int count = in.readInt();
                Map<Long, Long> buckets = new LinkedHashMap<>(count * 2);
                for (int j = 0; j < count; j++) {
                    buckets.put(in.readLong(), in.readLong());
                }
                droppedByBucket.put(topic, buckets);
            }
        }
        Map<String, Map<Integer, Long>> startOffsets = new LinkedHashMap<>();
        if (type >= HEARTBEAT_WITH_STARTS) {
            int topics = in.readInt();
            for (int i = 0; i < topics; i++) {
                startOffsets.put(in.readUTF(), OffsetsLayout.read(in));
            }
        }
        boolean readCommitted = type >= HEARTBEAT_WITH_ISOLATION && in.readBoolean();
        Map<String, Long> waiting = new LinkedHashMap<>();
        if (type >= HEARTBEAT_WITH_WAITING) {
            int topics = in.readInt();
            for (int i = 0; i < topics; i++) {
                waiting.put(in.readUTF(), in.readLong());
            }
        }
        boolean transactional = type >= HEARTBEAT_WITH_TRANSACTIONS && in.readBoolean();
        String refused = type >= HEARTBEAT_WITH_REFUSAL ? in.readUTF() : "";
        return new Heartbeat(
                agent,
                seq,
                emittedAt,
                tier,
                watermarks,
                partitions,
                closed,
                dropped,
                droppedByBucket,
                startOffsets,
                readCommitted,
                waiting,
                transactional,
                refused);
    }

    @Override
    public AuditMessage deserialize(AuditMessage reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<AuditMessage> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeCommon(AuditMessage m, DataOutputView out) throws IOException {
        out.writeUTF(m.agent().instanceId());
        out.writeUTF(m.agent().host());
        out.writeLong(m.seq());
        out.writeLong(m.emittedAt());
        out.writeUTF(m.tier());
    }

    static void writeBytes(byte[] bytes, DataOutputView out) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }

    /** Restores this serializer from a checkpoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AuditMessage> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
