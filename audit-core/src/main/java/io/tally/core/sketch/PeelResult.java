package io.tally.core.sketch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link IdDigest#peel()} recovered from a digest difference.
 *
 * @param lost       ids with a negative multiplicity (seen fewer times downstream), id → how many times missing
 * @param duplicated ids with a positive multiplicity (seen more times downstream), id → how many extra times
 * @param complete   whether the whole difference was decoded; when false the maps hold only part of it, and the
 *                   counts of the tiers are the only full answer
 */
public record PeelResult(Map<Long, Long> lost, Map<Long, Long> duplicated, boolean complete) {

    public PeelResult {
        lost = Collections.unmodifiableMap(new LinkedHashMap<>(lost));
        duplicated = Collections.unmodifiableMap(new LinkedHashMap<>(duplicated));
    }

    /** @return total missing occurrences found */
    public long lostCount() {
        return lost.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return total extra occurrences found */
    public long duplicatedCount() {
        return duplicated.values().stream().mapToLong(Long::longValue).sum();
    }

    static final class Builder {
        private final Map<Long, Long> net = new LinkedHashMap<>();

        void add(long id, long multiplicity) {
            net.merge(id, multiplicity, Long::sum);
        }

        PeelResult build(boolean complete) {
            Map<Long, Long> lost = new LinkedHashMap<>();
            Map<Long, Long> duplicated = new LinkedHashMap<>();
            net.forEach((id, m) -> {
                if (m < 0) {
                    lost.put(id, -m);
                } else if (m > 0) {
                    duplicated.put(id, m);
                }
            });
            return new PeelResult(lost, duplicated, complete);
        }
    }
}
