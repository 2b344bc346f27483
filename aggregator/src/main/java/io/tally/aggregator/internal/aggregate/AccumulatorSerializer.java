package io.tally.aggregator.internal.aggregate;

import io.tally.aggregator.internal.codec.SerializerTypeInfo;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** State serializer of {@link Accumulator}: fields in order, sketches in their documented binary layouts. */
public final class AccumulatorSerializer extends TypeSerializerSingleton<Accumulator> {
    private static final long serialVersionUID = 1L;
    public static final AccumulatorSerializer INSTANCE = new AccumulatorSerializer();
    public static final TypeInformation<Accumulator> TYPE_INFO = new SerializerTypeInfo<>(Accumulator.class, INSTANCE);

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
        out.writeBoolean(false); // was "emit pending": now kept per (topic, tier) apart; the layout stays
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
        in.readBoolean(); // see serialize
        byte[] latency = new byte[in.readInt()];
        in.readFully(latency);
        a.latency = LatencySketch.fromBytes(latency);
        int n = in.readInt();
        if (n >= 0) {
            byte[] digest = new byte[n];
            in.readFully(digest);
            a.digest = IdDigest.fromBytes(digest);
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
