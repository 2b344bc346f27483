package io.tally.agent;

import io.tally.agent.internal.InternalSettings;
import io.tally.core.ManualClock;
import io.tally.core.settings.SharedSettings;
import java.util.HashMap;
import java.util.Map;

/** Settings of an agent under test: a manual clock, a fake sink, 10 s buckets. */
final class AgentSettings {
    private AgentSettings() {}

    static Map<String, Object> of(ManualClock clock, FakeSink sink, Object... keyValues) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:1");
        settings.put(InternalSettings.CLOCK, clock);
        settings.put(InternalSettings.SINK, sink);
        // the group's commits are read only where a test says what they are: no admin client to a missing broker
        settings.put(InternalSettings.GROUP_COMMITS, (io.tally.agent.internal.GroupCommits.Source) waiting -> Map.of());
        settings.put(SharedSettings.BUCKET_MS, "10000");
        settings.put(SharedSettings.FLUSH_INTERVAL_MS, "600000");
        settings.put(AgentConfig.CLOSE_TIMEOUT_MS, "5000");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put((String) keyValues[i], keyValues[i + 1]);
        }
        return settings;
    }
}
