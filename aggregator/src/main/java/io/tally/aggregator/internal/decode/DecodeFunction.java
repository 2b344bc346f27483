package io.tally.aggregator.internal.decode;

import io.tally.aggregator.internal.codec.AuditMessageSerializer;
import io.tally.aggregator.internal.kafka.Envelope;
import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.codec.AuditCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes audit messages; what cannot be used goes to {@link #DEAD_LETTERS} with the reason, and is counted in the
 * metric {@value #METRIC}. The processing-time clock of Flink decides which buckets are past the retention.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, AuditMessage>
        implements ResultTypeQueryable<AuditMessage> {
    private static final long serialVersionUID = 1L;
    /** Side output of the records that go to the dead-letter topic. */
    public static final OutputTag<Envelope> DEAD_LETTERS = new OutputTag<>("dead-letters") { };
    /** Name of the counter of dead letters. */
    public static final String METRIC = "deadLetters";

    private final String dlqTopic;
    private final long bucketMs;
    private final long retentionMs;
    private transient Counter deadLetters;

    /**
     * @param dlqTopic    the dead-letter topic
     * @param bucketMs    the deployment's bucket size: records of another size are dead letters
     * @param retentionMs records for buckets that ended longer ago than this are dead letters
     */
    public DecodeFunction(String dlqTopic, long bucketMs, long retentionMs) {
        this.dlqTopic = dlqTopic;
        this.bucketMs = bucketMs;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(METRIC);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<AuditMessage> out) {
        AuditMessage message;
        try {
            message = AuditCodec.decodeAuditMessage(raw.value);
        } catch (CodecException e) {
            reject(raw, e.getMessage(), ctx);
            return;
        } catch (RuntimeException e) {
            // the codec promises CodecException only; a bug there must not stop the job either
            reject(raw, "cannot decode: " + e, ctx);
            return;
        }
        if (message instanceof AuditRecord r) {
            String problem = check(r, ctx.timerService().currentProcessingTime());
            if (problem != null) {
                reject(raw, problem, ctx);
                return;
            }
        }
        out.collect(message);
    }

    /** @return why the record cannot be aggregated, or null if it can */
    String check(AuditRecord r, long now) {
        if (r.bucket().sizeMs() != bucketMs) {
            return "bucketMs " + r.bucket().sizeMs() + " differs from this deployment's bucket size " + bucketMs
                    + " (tally.bucket.ms)";
        }
        if (now - r.bucket().end() > retentionMs) {
            return "bucket " + r.bucket().start() + " ended more than the state retention (" + retentionMs
                    + " ms) ago";
        }
        return null;
    }

    @Override
    public TypeInformation<AuditMessage> getProducedType() {
        return AuditMessageSerializer.TYPE_INFO;
    }

    private void reject(RawRecord raw, String reason, Context ctx) {
        if (deadLetters != null) {
            deadLetters.inc();
        }
        ctx.output(DEAD_LETTERS, Envelope.deadLetter(dlqTopic, raw.key, raw.value, reason, raw.origin()));
    }
}
