package io.tally.aggregator.internal.aggregate;

import io.tally.core.AuditRecord;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Chained right after the dedup step: sums the deduplicated audit records of each {@code topic|tier|bucket} seen by
 * this subtask for a short while and passes the partial sums on, so that the shuffle to the per-bucket sums
 * carries one element per bucket and interval instead of one per audit record. Flushes every
 * {@code flushIntervalMs}, when {@code maxKeys} buckets are open, and before every checkpoint barrier — a checkpoint
 * never holds a partial sum, so restores stay exact.
 */
public final class LocalCombiner extends AbstractStreamOperator<Accumulator>
        implements OneInputStreamOperator<AuditRecord, Accumulator> {
    private static final long serialVersionUID = 1L;

    private final long flushIntervalMs;
    private final int maxKeys;
    private transient Map<String, Accumulator> open;
    private transient boolean finished;

    public LocalCombiner(long flushIntervalMs, int maxKeys) {
        this.flushIntervalMs = flushIntervalMs;
        this.maxKeys = maxKeys;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
        scheduleFlush();
    }

    @Override
    public void processElement(StreamRecord<AuditRecord> element) {
        AuditRecord r = element.getValue();
        String key = r.topic() + '|' + r.tier() + '|' + r.bucket().start();
        Accumulator acc = open.get(key);
        if (acc == null) {
            acc = Accumulator.startingWith(r);
            open.put(key, acc);
        }
        acc.add(r);
        if (open.size() >= maxKeys) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        finished = true;
        super.finish();
    }

    private void scheduleFlush() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushIntervalMs, time -> {
            if (!finished) {
                flush();
                scheduleFlush();
            }
        });
    }

    private void flush() {
        if (finished || open.isEmpty()) {
            return;
        }
        for (Accumulator acc : open.values()) {
            output.collect(new StreamRecord<>(acc));
        }
        open = new HashMap<>();
    }
}
