package io.tally.aggregator.internal.progress;

import io.tally.core.Heartbeat;
import io.tally.core.TierProgress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a tier's progress follows from its agents' latest heartbeats:
 * <ul>
 *   <li>an agent is <em>live</em> while it has not sent {@code closed} and its latest heartbeat was emitted less
 *       than the liveness timeout ago;</li>
 *   <li>{@code watermark} of a topic = the lowest watermark among the live agents that report the topic; when none
 *       of them is live any more (all closed or gone), the highest watermark any agent reached — nothing earlier
 *       is still coming from them;</li>
 *   <li>{@code lastHeartbeatAt} = the latest heartbeat emit time of any agent of the tier;</li>
 *   <li>{@code liveAgents} = live agents of the tier.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class ProgressRules {
    private ProgressRules() {
    }

    /** @return whether the agent of {@code latest} counts as live at {@code now} */
    public static boolean isLive(Heartbeat latest, long now, long livenessMs) {
        return !latest.closed() && now - latest.emittedAt() < livenessMs;
    }

    /** @return whether {@code candidate} should replace {@code current} as the agent's latest heartbeat */
    public static boolean supersedes(Heartbeat candidate, Heartbeat current) {
        if (current == null) {
            return true;
        }
        if (current.closed()) {
            return false;
        }
        return candidate.closed() || candidate.seq() > current.seq();
    }

    /** @return one progress per topic reported by any agent, sorted by topic */
    public static List<TierProgress> compute(String tier, Collection<Heartbeat> agents, long now, long livenessMs) {
        long lastHeartbeat = Long.MIN_VALUE;
        int live = 0;
        Map<String, long[]> topics = new TreeMap<>(); // topic -> {min over live, max over all, live count}
        for (Heartbeat h : agents) {
            lastHeartbeat = Math.max(lastHeartbeat, h.emittedAt());
            boolean isLive = isLive(h, now, livenessMs);
            if (isLive) {
                live++;
            }
            for (Map.Entry<String, Long> e : h.watermarks().entrySet()) {
                long[] t = topics.computeIfAbsent(e.getKey(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
                long mark = e.getValue();
                t[1] = Math.max(t[1], mark);
                if (isLive) {
                    t[0] = Math.min(t[0], mark);
                    t[2]++;
                }
            }
        }
        List<TierProgress> out = new ArrayList<>(topics.size());
        for (Map.Entry<String, long[]> e : topics.entrySet()) {
            long[] t = e.getValue();
            long watermark = t[2] > 0 ? t[0] : t[1];
            out.add(new TierProgress(tier, e.getKey(), watermark, lastHeartbeat, live, now));
        }
        return out;
    }

    /** @return when the next live agent stops being live if nothing more arrives, or {@link Long#MAX_VALUE} */
    public static long nextExpiry(Collection<Heartbeat> agents, long now, long livenessMs) {
        long next = Long.MAX_VALUE;
        for (Heartbeat h : agents) {
            if (isLive(h, now, livenessMs)) {
                next = Math.min(next, h.emittedAt() + livenessMs);
            }
        }
        return next;
    }
}
