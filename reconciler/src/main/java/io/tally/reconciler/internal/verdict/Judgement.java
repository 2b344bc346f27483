package io.tally.reconciler.internal.verdict;

import io.tally.storage.Verdict;
import java.util.List;

/**
 * The verdict of one edge for one bucket, with the numbers behind it.
 *
 * @param verdict         the verdict
 * @param upstreamCount   messages counted upstream (0 if it reported none)
 * @param downstreamCount messages counted downstream
 * @param missing         messages missing downstream
 * @param duplicated      extra messages downstream
 * @param lostIds         ids the digest named as lost (at most the configured number)
 * @param duplicatedIds   ids the digest named as duplicated
 * @param detail          what was found, for people ("5 missing, 0 duplicated"); empty when nothing was
 * @param reason          the whole rule that decided the verdict, with counts and watermarks ({@link Reasons})
 */
public record Judgement(
        Verdict verdict,
        long upstreamCount,
        long downstreamCount,
        long missing,
        long duplicated,
        List<Long> lostIds,
        List<Long> duplicatedIds,
        String detail,
        String reason) {
    public Judgement {
        lostIds = List.copyOf(lostIds);
        duplicatedIds = List.copyOf(duplicatedIds);
        reason = reason == null ? "" : reason;
    }

    Judgement(
            Verdict verdict,
            long upstreamCount,
            long downstreamCount,
            long missing,
            long duplicated,
            List<Long> lostIds,
            List<Long> duplicatedIds,
            String detail) {
        this(verdict, upstreamCount, downstreamCount, missing, duplicated, lostIds, duplicatedIds, detail, "");
    }

    static Judgement of(Verdict verdict, long up, long down, String detail) {
        return new Judgement(verdict, up, down, 0, 0, List.of(), List.of(), detail);
    }

    /** @return this judgement with {@code newDetail} in place of its detail */
    public Judgement withDetail(String newDetail) {
        return new Judgement(
                verdict,
                upstreamCount,
                downstreamCount,
                missing,
                duplicated,
                lostIds,
                duplicatedIds,
                newDetail,
                reason);
    }

    public Judgement withReason(String newReason) {
        return new Judgement(
                verdict,
                upstreamCount,
                downstreamCount,
                missing,
                duplicated,
                lostIds,
                duplicatedIds,
                detail,
                newReason);
    }
}
