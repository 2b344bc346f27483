package io.tally.aggregator.internal.codec;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The binary layout of a partition → offset map in the job's serializers: the number of entries, then each
 * partition (int) and offset (long), in the map's order.
 */
public final class OffsetsLayout {
    private OffsetsLayout() {}

    /** Writes {@code offsets}. */
    public static void write(Map<Integer, Long> offsets, DataOutputView out) throws IOException {
        out.writeInt(offsets.size());
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    /** @return the map {@link #write} wrote, in its order */
    public static Map<Integer, Long> read(DataInputView in) throws IOException {
        int n = in.readInt();
        Map<Integer, Long> offsets = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            offsets.put(in.readInt(), in.readLong());
        }
        return offsets;
    }
}
