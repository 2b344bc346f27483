package io.tally.aggregator.internal.aggregate;

import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.Heartbeat;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Chained right after the dedup step: sums the deduplicated audit records of each {@code topic|tier|bucket} seen by
 * this subtask for a short while and passes the partial sums on, so that the shuffle to the per-{@code topic|tier}
 * aggregators carries one element per bucket and interval instead of one per audit record. Flushes every
 * {@code flushIntervalMs}, when {@code maxKeys} buckets are open, and before every checkpoint barrier — a checkpoint
 * never holds a partial sum, so restores stay exact.
 *
 * <p>A heartbeat is split into one mark per topic; before a mark leaves, the open sums of its {@code topic|tier}
 * leave, so the mark reaches its aggregator after every count its agent sent before it.
 */
public final class LocalCombiner extends AbstractStreamOperator<Partial>
        implements OneInputStreamOperator<AuditMessage, Partial> {
    private static final long serialVersionUID = 1L;

    private final long flushIntervalMs;
    private final int maxKeys;
    /** topic|tier → bucket start → partial sum */
    private transient Map<String, Map<Long, Accumulator>> open;

    private transient int openKeys;
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
    public void processElement(StreamRecord<AuditMessage> element) {
        if (element.getValue() instanceof AuditRecord r) {
            Map<Long, Accumulator> buckets = open.computeIfAbsent(r.topic() + '|' + r.tier(), k -> new HashMap<>());
            Accumulator acc = buckets.get(r.bucket().start());
            if (acc == null) {
                acc = Accumulator.startingWith(r);
                buckets.put(r.bucket().start(), acc);
                openKeys++;
            }
            acc.add(r);
            if (openKeys >= maxKeys) {
                flush();
            }
            return;
        }
        for (Heartbeat mark : Marks.split((Heartbeat) element.getValue())) {
            Partial p = Partial.of(mark);
            flush(p.key());
            output.collect(new StreamRecord<>(p));
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

    private void flush(String topicTier) {
        Map<Long, Accumulator> buckets = open.remove(topicTier);
        if (buckets != null) {
            openKeys -= buckets.size();
            buckets.values().forEach(acc -> output.collect(new StreamRecord<>(Partial.of(acc))));
        }
    }

    private void flush() {
        if (finished || open.isEmpty()) {
            return;
        }
        for (Map<Long, Accumulator> buckets : open.values()) {
            buckets.values().forEach(acc -> output.collect(new StreamRecord<>(Partial.of(acc))));
        }
        open = new HashMap<>();
        openKeys = 0;
    }
}
