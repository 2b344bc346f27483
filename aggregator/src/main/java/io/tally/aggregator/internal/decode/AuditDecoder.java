package io.tally.aggregator.internal.decode;

import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.codec.AuditCodec;

import java.io.Serializable;

/**
 * Decodes an audit topic record and checks it against the deployment: the codec's own checks (JSON, version,
 * fields, sketches, size), then the bucket size and the retention. Stateless; thread-safe.
 */
public final class AuditDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long bucketMs;
    private final long retentionMs;

    /**
     * @param bucketMs    the deployment's bucket size: records of another size are refused
     * @param retentionMs records for buckets that ended longer ago than this are refused
     */
    public AuditDecoder(long bucketMs, long retentionMs) {
        this.bucketMs = bucketMs;
        this.retentionMs = retentionMs;
    }

    /**
     * @param now the current time (Flink's processing time), epoch ms
     * @return the message
     * @throws CodecException with the reason it cannot be used; nothing else
     */
    public AuditMessage decode(RawRecord raw, long now) {
        AuditMessage message;
        try {
            message = AuditCodec.decodeAuditMessage(raw.value);
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            // the codec promises CodecException only; a bug there must not stop the job either
            throw new CodecException("cannot decode: " + e, e);
        }
        if (message instanceof AuditRecord r) {
            if (r.bucket().sizeMs() != bucketMs) {
                throw new CodecException("bucketMs " + r.bucket().sizeMs() + " differs from this deployment's bucket "
                        + "size " + bucketMs + " (tally.bucket.ms)");
            }
            if (now - r.bucket().end() > retentionMs) {
                throw new CodecException("bucket " + r.bucket().start() + " ended more than the state retention ("
                        + retentionMs + " ms) ago");
            }
        }
        return message;
    }
}
