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
 * @param detail          a sentence for people
 */
public record Judgement(Verdict verdict, long upstreamCount, long downstreamCount, long missing, long duplicated,
        List<Long> lostIds, List<Long> duplicatedIds, String detail) {
    public Judgement {
        lostIds = List.copyOf(lostIds);
        duplicatedIds = List.copyOf(duplicatedIds);
    }

    static Judgement of(Verdict verdict, long up, long down, String detail) {
        return new Judgement(verdict, up, down, 0, 0, List.of(), List.of(), detail);
    }
}
