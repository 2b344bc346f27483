package io.tally.standalone;

import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import io.tally.storage.AuditStores;
import io.tally.storage.TallySchema;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally schema}: Tally's Cassandra schema, applied once per cluster and upgrade. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Tally's Cassandra schema.",
        subcommands = {SchemaCommand.Apply.class, CommandLine.HelpCommand.class})
final class SchemaCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code tally schema apply}: creates what is missing of the schema, records its version, and exits. */
    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = "Create the keyspace and tables that are missing (nothing that exists is changed), record "
                    + "the schema's version, and exit. Run it once, before the reconciler and the API start, and "
                    + "again after an upgrade: they refuse to run against an older schema. It reads the "
                    + "tally.cassandra.* settings and tally.reconciler.retention.ms (the tables' TTL).")
    static final class Apply implements Callable<Integer> {
        // No picocli default: a flag left out must not hide the same setting given by the environment or a file.
        @Option(
                names = "--cassandra",
                paramLabel = "HOST[:PORT][,...]",
                description =
                        "Cassandra contact points (default: tally.cassandra.contact.points, else localhost:9042).")
        String cassandra;

        @Option(
                names = "--replication",
                paramLabel = "FACTOR|DC=N[,...]",
                description = "Replication of a new keyspace: `3` (SimpleStrategy) or `dc1=3,dc2=3` "
                        + "(NetworkTopologyStrategy) (default: tally.cassandra.replication, else 1).")
        String replication;

        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            ReconcilerConfig config = ReconcilerConfig.fromProperties(values(System.getenv()));
            Duration retention = Duration.ofMillis(config.getLong(ReconcilerConfig.RETENTION_MS));
            TallySchema schema = AuditStores.applySchema(config, retention);
            System.out.printf(
                    "Schema version %d of keyspace %s in place on %s (replication %s, rows kept %s)%n",
                    TallySchema.VERSION,
                    schema.keyspace(),
                    config.getString(SharedSettings.CASSANDRA_CONTACT_POINTS),
                    schema.replication().toCql(),
                    retention.toMillis() % 86_400_000L == 0 ? retention.toDays() + " days" : retention.toString());
            return 0;
        }

        /** @return the settings of {@code environment}, --config and --set, with this command's flags on top */
        Map<String, String> values(Map<String, String> environment) throws IOException {
            Map<String, String> values = settings.load(environment);
            if (cassandra != null) {
                values.put(SharedSettings.CASSANDRA_CONTACT_POINTS, cassandra);
            }
            if (replication != null) {
                values.put(SharedSettings.CASSANDRA_REPLICATION, replication);
            }
            return values;
        }
    }
}
