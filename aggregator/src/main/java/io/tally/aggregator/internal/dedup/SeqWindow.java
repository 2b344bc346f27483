package io.tally.aggregator.internal.dedup;

import java.util.Arrays;

/**
 * The sequence numbers seen from one agent: all below {@code base}, and a bitmap of those in
 * {@code [base, base + 64 * words)}. At most {@code maxWindow} seqs are tracked above the base: a seq further ahead
 * moves the base up and gives up the unseen seqs it passes (a message that late would be taken for a repeat).
 *
 * <p>Stored in Flink state as a {@code long[]}: {@code [base, word0, word1, ...]}. Not thread-safe.
 */
public final class SeqWindow {
    private long base;
    private long[] words;
    private long givenUp;

    private SeqWindow(long base, long[] words) {
        this.base = base;
        this.words = words;
    }

    /** @return an empty window: nothing seen */
    public static SeqWindow empty() {
        return new SeqWindow(0, new long[0]);
    }

    /** @param state a window as {@link #toState()} wrote it, or null for an empty one */
    public static SeqWindow fromState(long[] state) {
        if (state == null || state.length == 0) {
            return empty();
        }
        return new SeqWindow(state[0], Arrays.copyOfRange(state, 1, state.length));
    }

    /** @return this window as a {@code long[]} for state */
    public long[] toState() {
        long[] out = new long[words.length + 1];
        out[0] = base;
        System.arraycopy(words, 0, out, 1, words.length);
        return out;
    }

    /**
     * Marks {@code seq} seen.
     *
     * @param maxWindow most seqs tracked above the base; a multiple of 64 is used, at least 64
     * @return true if it was not seen before, false for a repeat
     */
    public boolean add(long seq, int maxWindow) {
        if (seq < base) {
            return false;
        }
        int maxWords = Math.max(1, maxWindow / 64);
        long offset = seq - base;
        if (offset >= (long) maxWords * 64) {
            slideTo(seq - (long) maxWords * 64 + 1);
            offset = seq - base;
        }
        int word = (int) (offset >>> 6);
        if (word >= words.length) {
            words = Arrays.copyOf(words, Math.min(maxWords, Math.max(word + 1, words.length * 2)));
        }
        long bit = 1L << (offset & 63);
        if ((words[word] & bit) != 0) {
            return false;
        }
        words[word] |= bit;
        compact();
        return true;
    }

    /** @return whether {@code seq} was seen (or given up) */
    public boolean contains(long seq) {
        if (seq < base) {
            return true;
        }
        long offset = seq - base;
        int word = (int) (offset >>> 6);
        return word < words.length && (words[word] & (1L << (offset & 63))) != 0;
    }

    /** @return the lowest seq not seen (nor given up): every seq below it was */
    public long firstUnseen() {
        for (int i = 0; i < words.length; i++) {
            if (words[i] != -1L) {
                return base + 64L * i + Long.numberOfTrailingZeros(~words[i]);
            }
        }
        return base + 64L * words.length;
    }

    /** @return seqs given up (never seen, passed by the base) by this instance since it was created */
    public long givenUp() {
        return givenUp;
    }

    /** @return the base: every seq below it counts as seen */
    public long base() {
        return base;
    }

    /** Moves the base to at least {@code newBase} (rounded up to a word), giving up the unseen seqs passed. */
    private void slideTo(long newBase) {
        long drop = (newBase - base + 63) >>> 6;
        for (int i = 0; i < drop; i++) {
            givenUp += 64 - (i < words.length ? Long.bitCount(words[i]) : 0);
        }
        if (drop >= words.length) {
            words = new long[0];
        } else {
            words = Arrays.copyOfRange(words, (int) drop, words.length);
        }
        base += drop * 64;
    }

    private void compact() {
        int full = 0;
        while (full < words.length && words[full] == -1L) {
            full++;
        }
        if (full > 0) {
            words = Arrays.copyOfRange(words, full, words.length);
            base += 64L * full;
        }
    }
}
