package io.tally.standalone;

import io.tally.aggregator.AggregatorConfig;
import io.tally.api.ApiConfig;
import io.tally.broker.BrokerConfig;
import io.tally.core.settings.SettingsTable;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.LocalCassandraConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The settings table of every role this command line runs, by the name the README's reference gives it (the agent's
 * settings go in its client's configuration, not here). The command line refuses a {@code tally.}
 * key that no role reads, so that a typo in a file or the environment shared by every role is not silently ignored.
 */
final class SettingsReference {
    /** The tables, in the order of the README. */
    static final Map<String, SettingsTable> TABLES = tables();

    private SettingsReference() {}

    private static Map<String, SettingsTable> tables() {
        Map<String, SettingsTable> tables = new LinkedHashMap<>();
        tables.put("shared", SharedSettings.table());
        tables.put("aggregator", AggregatorConfig.TABLE);
        tables.put("reconciler", ReconcilerConfig.TABLE);
        tables.put("api", ApiConfig.TABLE);
        // the broker depends on no other module of ours: its ConfigDef is put in a table here
        tables.put(
                "broker",
                SettingsTable.builder("broker", BrokerConfig.PREFIX)
                        .define(BrokerConfig.configDef())
                        .passThrough(
                                BrokerConfig.KAFKA_PREFIX,
                                "Passed, without the prefix, to the bundled broker's nodes as Kafka broker "
                                        + "properties (for example `tally.broker.kafka.log.retention.hours`); the "
                                        + "listeners, roles, ids and directories are the bundled broker's own.")
                        .build());
        tables.put("cassandra", LocalCassandraConfig.TABLE);
        return tables;
    }

    /**
     * @throws IllegalArgumentException naming every {@code tally.} key of {@code settings} that no role reads
     */
    static void refuseUnknown(Map<String, ?> settings) {
        TreeSet<String> unknown = new TreeSet<>();
        settings.keySet().stream()
                .filter(key -> key.startsWith("tally."))
                .filter(key -> TABLES.values().stream().noneMatch(table -> table.knows(key)))
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + ": no role of Tally reads "
                    + (unknown.size() == 1 ? "it" : "them") + " (see the settings reference in the README)");
        }
    }
}
