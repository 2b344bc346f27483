package io.tally.aggregator.internal.logtier;

import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditMessage;
import io.tally.core.Heartbeat;
import io.tally.core.codec.AuditCodec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * One log-tier agent per subtask, chained to the source subtask it counts for. Emits its counts and a heartbeat
 * (encoded, for the audit topic) every flush interval and before every checkpoint barrier, so that a checkpoint
 * holds no uncounted messages: only the agent's identity and next sequence number are state, and where it stood in each
 * partition, so that after a restore it reports what Kafka skipped (records deleted while the job was down) as its
 * gap ({@link LogCounter#resume}).
 *
 * <p>Its identity is new at every start, restored or not: what it emitted after the checkpoint it is restored from
 * is in an aborted transaction and counted again, under the new identity. Continuing the restored agent would reuse
 * its sequence numbers, and after a restore from an older savepoint the aggregator has seen them (they would be
 * dropped as repeats: a false loss). The restored agent is closed instead, with a {@code closed} heartbeat at its
 * next sequence number; after such an older savepoint the aggregator has seen that one too, drops it, and the old
 * agent only goes silent.
 */
public final class LogTierOperator extends AbstractStreamOperator<Envelope>
        implements OneInputStreamOperator<LogObservation, Envelope> {
    private static final long serialVersionUID = 1L;

    private final String tier;
    private final String auditTopic;
    private final long bucketMs;
    private final int digestCells;
    private final long maxFutureMs;
    private final long maxPastMs;
    private final long flushIntervalMs;
    private final long partitionIdleMs;

    private transient LogCounter counter;
    private transient AgentIdentity identity;
    private transient long nextSeq;
    private transient ListState<String> agentState;
    /** Where each partition's reading stood at the checkpoint: {@code topic|partition|lastOffset|lastBucket} */
    private transient ListState<String> positionState;
    /** What the restored state says of each partition (the furthest entry, union state holds every subtask's) */
    private transient Map<String, long[]> resumed;
    /** The agent restored from the state, to close at the start, or null */
    private transient AgentIdentity retired;

    private transient long retiredSeq;
    /** Set once the input ended and the closed heartbeat went out: nothing may be emitted after that. */
    private transient boolean finished;

    /** @param tier {@link LogCounter#TIER} or {@link LogCounter#COMMITTED_TIER}, as its source reads */
    public LogTierOperator(
            String tier,
            String auditTopic,
            long bucketMs,
            int digestCells,
            long maxFutureMs,
            long maxPastMs,
            long flushIntervalMs,
            long partitionIdleMs) {
        this.tier = tier;
        this.partitionIdleMs = partitionIdleMs;
        this.auditTopic = auditTopic;
        this.bucketMs = bucketMs;
        this.digestCells = digestCells;
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        agentState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("log-agents", Types.STRING));
        positionState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("log-positions", Types.STRING));
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        String host = host();
        resumed = new HashMap<>();
        if (context.isRestored()) {
            // a partition may have moved between subtasks since: the furthest reading of it counts
            for (String entry : positionState.get()) {
                int cut = entry.lastIndexOf('|', entry.lastIndexOf('|') - 1);
                long[] position = {
                    Long.parseLong(entry.substring(cut + 1, entry.lastIndexOf('|'))),
                    Long.parseLong(entry.substring(entry.lastIndexOf('|') + 1))
                };
                resumed.merge(entry.substring(0, cut), position, (a, b) -> a[0] >= b[0] ? a : b);
            }
            for (String entry : agentState.get()) {
                String[] parts = entry.split("\\|", 3); // subtask|nextSeq|instanceId
                if (Integer.parseInt(parts[0]) == subtask) {
                    retired = new AgentIdentity(parts[2], host);
                    retiredSeq = Long.parseLong(parts[1]);
                }
            }
        }
        identity = new AgentIdentity(tier + "-" + UUID.randomUUID() + "-" + subtask, host);
        nextSeq = 0;
    }

    @Override
    public void open() throws Exception {
        super.open();
        counter = new LogCounter(tier, bucketMs, digestCells, maxFutureMs, maxPastMs, partitionIdleMs);
        resumed.forEach((topicPartition, position) -> {
            int bar = topicPartition.lastIndexOf('|');
            counter.resume(
                    topicPartition.substring(0, bar),
                    Integer.parseInt(topicPartition.substring(bar + 1)),
                    position[0],
                    position[1]);
        });
        resumed = null;
        if (retired != null) {
            Heartbeat closed = Heartbeat.builder(retired, tier)
                    .seq(retiredSeq)
                    .emittedAt(getProcessingTimeService().getCurrentProcessingTime())
                    .closed(true)
                    .build();
            output.collect(new StreamRecord<>(
                    Envelope.of(auditTopic, AuditCodec.kafkaKey(closed), AuditCodec.encode(closed))));
            retired = null;
        }
        scheduleFlush();
    }

    @Override
    public void processElement(StreamRecord<LogObservation> element) {
        LogObservation o = element.getValue();
        counter.count(
                o.topic,
                o.partition,
                o.offset,
                o.eventTime,
                getProcessingTimeService().getCurrentProcessingTime(),
                o.bytes,
                o.id);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush(false);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        agentState.update(List.of(subtask + "|" + nextSeq + "|" + identity.instanceId()));
        List<String> positions = new ArrayList<>();
        counter.positions()
                .forEach((topic, byPartition) -> byPartition.forEach((partition, position) ->
                        positions.add(topic + "|" + partition + "|" + position[0] + "|" + position[1])));
        positionState.update(positions);
    }

    @Override
    public void finish() throws Exception {
        flush(true);
        finished = true;
        super.finish();
    }

    /** @return the identity of this subtask's agent */
    public AgentIdentity identity() {
        return identity;
    }

    private void scheduleFlush() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushIntervalMs, time -> {
            if (!finished) {
                flush(false);
                scheduleFlush();
            }
        });
    }

    private void flush(boolean closed) {
        if (finished) {
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        List<AuditMessage> messages = counter.drain(identity, nextSeq, now, closed);
        nextSeq += messages.size();
        for (AuditMessage m : messages) {
            output.collect(new StreamRecord<>(Envelope.of(auditTopic, AuditCodec.kafkaKey(m), AuditCodec.encode(m))));
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
