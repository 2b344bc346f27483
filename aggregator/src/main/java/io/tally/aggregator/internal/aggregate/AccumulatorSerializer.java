package io.tally.aggregator.internal.aggregate;

import io.tally.aggregator.internal.codec.OffsetsLayout;
import io.tally.aggregator.internal.codec.SerializerTypeInfo;
import io.tally.core.PartitionOffsets;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * State serializer of {@link Accumulator}: fields in order, sketches in their documented binary layouts. The byte
 * after {@code digestLost} says what follows the sketches: {@link #WITH_LAST_OFFSETS} the first offsets per
 * partition, what was counted on consume, then the last offsets per partition; {@link #WITH_CONSUMED} the first two
 * only; {@link #WITH_OFFSETS} the first offsets only; 0 or 1 (state written before they existed) nothing.
 */
public final class AccumulatorSerializer extends TypeSerializerSingleton<Accumulator> {
    private static final long serialVersionUID = 1L;
    public static final AccumulatorSerializer INSTANCE = new AccumulatorSerializer();
    public static final TypeInformation<Accumulator> TYPE_INFO = new SerializerTypeInfo<>(Accumulator.class, INSTANCE);
    /** The layout byte of state that carries first offsets. */
    static final byte WITH_OFFSETS = 2;
    /** The layout byte of state that carries first offsets, then what was counted on consume. */
    static final byte WITH_CONSUMED = 3;
    /** The layout byte of state that carries first offsets, what was counted on consume, then last offsets. */
    static final byte WITH_LAST_OFFSETS = 4;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Accumulator createInstance() {
        return new Accumulator();
    }

    @Override
    public Accumulator copy(Accumulator from) {
        return from.copy();
    }

    @Override
    public Accumulator copy(Accumulator from, Accumulator reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Accumulator a, DataOutputView out) throws IOException {
        out.writeUTF(a.topic);
        out.writeUTF(a.tier);
        out.writeLong(a.bucketStart);
        out.writeLong(a.bucketMs);
        out.writeLong(a.count);
        out.writeLong(a.bytes);
        out.writeLong(a.noTimestamp);
        out.writeLong(a.skewed);
        out.writeLong(a.failed);
        out.writeLong(a.records);
        out.writeLong(a.updatedAt);
        out.writeBoolean(a.digestLost);
        out.writeByte(WITH_LAST_OFFSETS);
        byte[] latency = a.latency.toBytes();
        out.writeInt(latency.length);
        out.write(latency);
        if (a.digest == null) {
            out.writeInt(-1);
        } else {
            byte[] digest = a.digest.toBytes();
            out.writeInt(digest.length);
            out.write(digest);
        }
        OffsetsLayout.write(a.firstOffsets, out);
        out.writeLong(a.countedOnConsume);
        OffsetsLayout.write(a.lastOffsets, out);
    }

    @Override
    public Accumulator deserialize(DataInputView in) throws IOException {
        Accumulator a = new Accumulator();
        a.topic = in.readUTF();
        a.tier = in.readUTF();
        a.bucketStart = in.readLong();
        a.bucketMs = in.readLong();
        a.count = in.readLong();
        a.bytes = in.readLong();
        a.noTimestamp = in.readLong();
        a.skewed = in.readLong();
        a.failed = in.readLong();
        a.records = in.readLong();
        a.updatedAt = in.readLong();
        a.digestLost = in.readBoolean();
        byte layout = in.readByte();
        byte[] latency = new byte[in.readInt()];
        in.readFully(latency);
        a.latency = LatencySketch.fromBytes(latency);
        int n = in.readInt();
        if (n >= 0) {
            byte[] digest = new byte[n];
            in.readFully(digest);
            a.digest = IdDigest.fromBytes(digest);
        }
        if (layout >= WITH_OFFSETS) {
            a.firstOffsets = PartitionOffsets.copyOf(OffsetsLayout.read(in));
        }
        if (layout >= WITH_CONSUMED) {
            a.countedOnConsume = in.readLong();
        }
        if (layout >= WITH_LAST_OFFSETS) {
            a.lastOffsets = PartitionOffsets.copyOf(OffsetsLayout.read(in));
        }
        return a;
    }

    @Override
    public Accumulator deserialize(Accumulator reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Accumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from a checkpoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Accumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
