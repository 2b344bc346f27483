package io.tally.aggregator.internal.aggregate;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.codec.SerializerTypeInfo;
import io.tally.core.Heartbeat;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Binary serializer of {@link Partial}s between operators: a type byte (0 sum, 1 mark), then the sum or the mark. */
public final class PartialSerializer extends TypeSerializerSingleton<Partial> {
    private static final long serialVersionUID = 1L;
    public static final PartialSerializer INSTANCE = new PartialSerializer();
    public static final TypeInformation<Partial> TYPE_INFO = new SerializerTypeInfo<>(Partial.class, INSTANCE);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Partial createInstance() {
        return null;
    }

    @Override
    public Partial copy(Partial from) {
        return from.sum() != null ? Partial.of(from.sum().copy()) : from;
    }

    @Override
    public Partial copy(Partial from, Partial reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Partial p, DataOutputView out) throws IOException {
        if (p.sum() != null) {
            out.writeByte(0);
            AccumulatorSerializer.INSTANCE.serialize(p.sum(), out);
        } else {
            out.writeByte(1);
            AuditMessageSerializer.INSTANCE.serialize(p.mark(), out);
        }
    }

    @Override
    public Partial deserialize(DataInputView in) throws IOException {
        byte type = in.readByte();
        if (type == 0) {
            return Partial.of(AccumulatorSerializer.INSTANCE.deserialize(in));
        }
        if (type != 1) {
            throw new IOException("unknown partial type " + type);
        }
        return Partial.of((Heartbeat) AuditMessageSerializer.INSTANCE.deserialize(in));
    }

    @Override
    public Partial deserialize(Partial reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Partial> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from a checkpoint. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Partial> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
