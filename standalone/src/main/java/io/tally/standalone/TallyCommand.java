package io.tally.standalone;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code tally} command: only dispatches to its subcommands. */
@Command(
        name = "tally",
        mixinStandardHelpOptions = true,
        versionProvider = TallyCommand.Version.class,
        description = "End-to-end audit for Kafka pipelines: did every message reach every stage, once, and how late?",
        subcommands = {
            DemoCommand.class,
            BrokerCommand.class,
            CassandraCommand.class,
            SchemaCommand.class,
            AggregatorCommand.class,
            ReconcilerCommand.class,
            ApiCommand.class,
            QueryCommand.class,
            StandaloneCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'tally <command> --help' for the options of a command."})
public final class TallyCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** @return the command line with Tally's converters and error handling installed */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new TallyCommand());
        commandLine.registerConverter(java.time.Duration.class, new DurationConverter());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            cl.getErr().println(cl.getColorScheme().errorText("tally: " + e.getMessage()));
            return 1;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version from the jar manifest, if any. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TallyCommand.class.getPackage().getImplementationVersion();
            return new String[] {"tally " + (version == null ? "(development build)" : version)};
        }
    }
}
