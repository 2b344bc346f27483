package io.tally.reconciler.internal.verdict;

import io.tally.core.Bucket;
import io.tally.reconciler.internal.topology.Edge;
import java.time.Instant;

/**
 * The rule that decided a verdict, in words for people: users distrust verdicts they cannot explain. Each sentence
 * starts with the verdict and names the numbers and watermarks behind it, for example
 * {@code LOSS: log has 1,000, consumer.g1 995 (5 missing); both watermarks past 2026-11-30T10:21:05Z}. Stored with
 * each edge verdict and served by the API; the wording may change, the leading verdict does not.
 */
final class Reasons {
    private Reasons() {}

    /**
     * @param j        the judgement
     * @param edge     the edge judged
     * @param bucket   the bucket judged
     * @param due      bucket end plus grace: the watermark both tiers must pass
     * @param upView   the upstream tier as the judge saw it
     * @param downView the downstream tier as the judge saw it
     */
    static String explain(Judgement j, Edge edge, Bucket bucket, long due, TierView upView, TierView downView) {
        String up = edge.upstreamTier();
        String down = edge.downstreamTier();
        String counts = up + " has " + count(j.upstreamCount()) + ", " + down + " " + count(j.downstreamCount());
        String watermarks = "both watermarks past " + time(due);
        return j.verdict() + ": "
                + switch (j.verdict()) {
                    case PENDING ->
                        (j.detail().isEmpty()
                                        ? "waiting for " + lagging(upView, downView, due) + " to pass " + time(due)
                                                + " (bucket end + grace)"
                                        : j.detail())
                                + "; " + counts + " so far";
                    case STALLED -> j.detail() + "; " + counts + " so far";
                    case NOT_OBSERVED ->
                        j.detail().startsWith(down + " started reading")
                                ? j.detail()
                                : j.detail() + " (" + down + " from " + time(downView.firstBucketStart()) + ", " + up
                                        + " from " + time(upView.firstBucketStart()) + ")";
                    case NOT_JUDGED -> j.detail();
                    case COMPLETE -> (j.detail().isEmpty() ? counts : counts + "; " + j.detail()) + "; " + watermarks;
                    case LATENCY -> j.detail() + "; counts agree (" + count(j.upstreamCount()) + "); " + watermarks;
                    case LOSS, DUPLICATION, MIXED, AUDIT_GAP -> counts + " (" + j.detail() + "); " + watermarks;
                };
    }

    private static String lagging(TierView up, TierView down, long due) {
        boolean upLate = up.effectiveWatermark() < due;
        boolean downLate = down.effectiveWatermark() < due;
        if (upLate && downLate) {
            return "the watermarks of " + up.tier() + " (" + watermark(up) + ") and " + down.tier() + " ("
                    + watermark(down) + ")";
        }
        TierView late = upLate ? up : down;
        return late.tier() + "'s watermark (" + watermark(late) + ")";
    }

    private static String watermark(TierView v) {
        return v.watermark() == Long.MIN_VALUE ? "none reported" : time(v.effectiveWatermark());
    }

    /** @return {@code n} with thousands separated by commas, as {@code %,d} in the root locale (a tenth the cost) */
    static String count(long n) {
        String digits = Long.toString(n);
        int start = n < 0 ? 1 : 0;
        int len = digits.length() - start;
        if (len <= 3) {
            return digits;
        }
        StringBuilder out = new StringBuilder(digits.length() + len / 3);
        out.append(digits, 0, start);
        int first = len % 3 == 0 ? 3 : len % 3;
        out.append(digits, start, start + first);
        for (int i = start + first; i < digits.length(); i += 3) {
            out.append(',').append(digits, i, i + 3);
        }
        return out.toString();
    }

    static String time(long epochMs) {
        if (epochMs == Long.MIN_VALUE || epochMs == Long.MAX_VALUE) {
            return "never";
        }
        return Instant.ofEpochMilli(epochMs).toString();
    }
}
