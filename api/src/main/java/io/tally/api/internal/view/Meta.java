package io.tally.api.internal.view;

import io.tally.storage.Verdict;
import java.util.Arrays;
import java.util.List;

/**
 * What a client needs to show the other answers as the dashboard does, so that it keeps no copy of them: every
 * verdict with its colours, and how often the overview changes. Immutable.
 *
 * @param refreshMs how often the server reads the overview of topics and tiers again ({@code tally.api.refresh.ms});
 *                  asking for it more often gets the same answer
 * @param verdicts  every {@link Verdict}, in the order the storage declares them
 */
public record Meta(long refreshMs, List<VerdictLook> verdicts) {
    private static final String WHITE = "#ffffff";
    private static final String INK = "#1f2430";

    public Meta {
        verdicts = List.copyOf(verdicts);
    }

    /** @return the answer of a server that reads its overview again every {@code refreshMs} */
    public static Meta of(long refreshMs) {
        return new Meta(
                refreshMs, Arrays.stream(Verdict.values()).map(Meta::look).toList());
    }

    /**
     * One verdict and how it is drawn.
     *
     * @param name        the verdict, as the other answers name it
     * @param discrepancy whether it is recorded as a discrepancy (and can be a discrepancy's {@code kind})
     * @param isFinal     whether it is final (can only change with late data)
     * @param colour      CSS colour of its heatmap cells, legend swatch and badges
     * @param textColour  CSS colour of text written on {@code colour}
     * @param stripes     CSS colour of diagonal stripes drawn over {@code colour} on heatmap cells and in the legend;
     *                    null for a plain fill
     */
    public record VerdictLook(
            String name, boolean discrepancy, boolean isFinal, String colour, String textColour, String stripes) {}

    /** The switch has no default: a new verdict does not compile until it has a colour. */
    static VerdictLook look(Verdict v) {
        return switch (v) {
            case COMPLETE -> look(v, "#2e9d57", WHITE, null);
            case PENDING -> look(v, "#c9ced6", INK, null);
            case STALLED -> look(v, "#5c6370", WHITE, null);
            case LOSS -> look(v, "#d7263d", WHITE, null);
            case DUPLICATION -> look(v, "#f18f01", WHITE, null);
            case MIXED -> look(v, "#7b2cbf", WHITE, null);
            case LATENCY -> look(v, "#e9c46a", INK, null);
            case AUDIT_GAP -> look(v, "#6c8ebf", WHITE, null);
            case NOT_OBSERVED -> look(v, "#eef0f3", INK, "#dfe3e8");
            case NOT_JUDGED -> look(v, "#f7f7f7", INK, null);
        };
    }

    private static VerdictLook look(Verdict v, String colour, String textColour, String stripes) {
        return new VerdictLook(v.name(), v.isDiscrepancy(), v.isFinal(), colour, textColour, stripes);
    }
}
