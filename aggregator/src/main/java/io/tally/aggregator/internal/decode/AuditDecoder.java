package io.tally.aggregator.internal.decode;

import io.tally.aggregator.internal.kafka.RawRecord;
import io.tally.core.AuditMessage;
import io.tally.core.AuditRecord;
import io.tally.core.CodecException;
import io.tally.core.codec.AuditCodec;
import java.io.Serializable;

/**
 * Decodes an audit topic record and checks it, as a whole, before it counts: the codec's own checks (JSON, version,
 * fields, sketches and their sizes, message size), then against the deployment — the bucket size, the retention,
 * counts no flush interval of one agent can reach ({@link #MAX_COUNT}, which also keeps every sum of them far from
 * overflowing), and a bucket no further ahead of the agent's own clock than the skew bound (an agent counts a later
 * event time apart, in the bucket of its clock). What fails goes to the dead-letter topic with the reason. Stateless;
 * thread-safe.
 */
public final class AuditDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Most messages (and separately noTimestamp, skewed, failed) one audit record may count: 2^40, about 10^12. */
    public static final long MAX_COUNT = 1L << 40;
    /** Most bytes one audit record may count: 2^50, about a petabyte. */
    public static final long MAX_BYTES = 1L << 50;

    private final long bucketMs;
    private final long retentionMs;
    private final long maxFutureMs;

    /**
     * @param bucketMs    the deployment's bucket size: records of another size are refused
     * @param retentionMs records for buckets that ended longer ago than this are refused
     */
    public AuditDecoder(long bucketMs, long retentionMs) {
        this(bucketMs, retentionMs, 3_600_000L);
    }

    /** @param maxFutureMs how far ahead of its agent's clock at emission a bucket may start */
    public AuditDecoder(long bucketMs, long retentionMs, long maxFutureMs) {
        this.bucketMs = bucketMs;
        this.retentionMs = retentionMs;
        this.maxFutureMs = maxFutureMs;
    }

    /** @return how far an agent's clock may be off before its records are refused or its heartbeats said skewed */
    public long skewBoundMs() {
        return maxFutureMs;
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
                throw new RefusedCounts(
                        "bucketMs " + r.bucket().sizeMs() + " differs from this deployment's bucket size " + bucketMs
                                + " (tally.bucket.ms)",
                        "its agents count in buckets of " + r.bucket().sizeMs()
                                + " ms and this deployment in buckets of "
                                + bucketMs + " ms: set tally.bucket.ms=" + bucketMs + " on the clients of tier "
                                + r.tier() + " (their counts are refused until then)",
                        r);
            }
            if (now - r.bucket().end() > retentionMs) {
                throw new CodecException("bucket " + r.bucket().start() + " ended more than the state retention ("
                        + retentionMs + " ms) ago");
            }
            if (r.bucket().start() - r.emittedAt() > maxFutureMs) {
                throw new CodecException("bucket " + r.bucket().start() + " starts more than the skew bound ("
                        + maxFutureMs + " ms, tally.skew.future.ms) after the agent's clock when it sent it ("
                        + r.emittedAt() + ")");
            }
            bounded("count", r.count(), MAX_COUNT);
            bounded("noTimestamp", r.noTimestamp(), MAX_COUNT);
            bounded("skewed", r.skewed(), MAX_COUNT);
            bounded("failed", r.failed(), MAX_COUNT);
            bounded("bytes", r.bytes(), MAX_BYTES);
        }
        return message;
    }

    private static void bounded(String field, long value, long max) {
        if (value > max) {
            throw new CodecException(field + " " + value + " is more than one audit record can count (" + max + ")");
        }
    }
}
